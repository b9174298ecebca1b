"""The layering the code keeps, read from the source itself.

participants sits below pairs, pairs below matching; and a pair is opened by one door only,
app/domain/pairs/door.py, which checks the exclusions, the capacity and the seats.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
DOOR = APP / "domain" / "pairs" / "door.py"


def _modules(folder: Path) -> Iterator[Path]:
    yield from sorted(folder.rglob("*.py"))


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(APP.parent).with_suffix("").parts)


def _imports(path: Path) -> set[str]:
    return _imported(path.read_text(), _module_name(path).rsplit(".", 1)[0])


def _imported(source: str, package: str) -> set[str]:
    """Every module a source imports, at the top or inside a function, relative ones resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _importers(folder: str, forbidden: str) -> list[str]:
    return [
        f"{_module_name(path)} imports {name}"
        for path in _modules(APP / "domain" / folder)
        for name in sorted(_imports(path))
        if name == forbidden or name.startswith(forbidden + ".")
    ]


def test_pairs_never_import_matching() -> None:
    assert _importers("pairs", "app.domain.matching") == []


def test_participants_sit_below_pairs_and_matching() -> None:
    assert _importers("participants", "app.domain.pairs") == []
    assert _importers("participants", "app.domain.matching") == []


def test_the_checker_sees_imports_wherever_they_are() -> None:
    source = (
        "def later():\n"
        "    from app.domain.matching import runs\n"
        "from ..matching.review import accept_proposals\n"
        "from . import door\n"
    )
    found = _imported(source, "app.domain.pairs")
    assert {"app.domain.matching.runs", "app.domain.matching.review", "app.domain.pairs.door"} <= (
        found
    )
    assert "app.domain.participants.fit" in _imports(DOOR)


def _pair_constructions(path: Path) -> list[str]:
    """Calls that create pairs or their seats: ``Pair(...)``, ``PairSeat(...)``,
    ``models.Pair(...)`` and ``insert(Pair)``."""
    made = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in ("Pair", "PairSeat"):
            made.append(f"{_module_name(path)}:{node.lineno} {name}(...)")
        if name == "insert" and any(
            isinstance(arg, ast.Name) and arg.id in ("Pair", "PairSeat") for arg in node.args
        ):
            made.append(f"{_module_name(path)}:{node.lineno} insert(...)")
    return made


def test_only_the_door_creates_pairs() -> None:
    elsewhere = [
        made for path in _modules(APP) if path != DOOR for made in _pair_constructions(path)
    ]
    assert elsewhere == []
    # And the door does create them: the check would be empty for the wrong reason otherwise.
    assert any("Pair(" in made for made in _pair_constructions(DOOR))
    assert any("PairSeat(" in made for made in _pair_constructions(DOOR))
