"""Command line: serve, migrate, tenants and keys, demo data, the OpenAPI document."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from sqlmodel.ext.asyncio.session import AsyncSession

from app.config import get_settings

cli = typer.Typer(help="Reverse-mentoring service.", no_args_is_help=True, add_completion=False)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

T = TypeVar("T")


def _run(work: Callable[..., Awaitable[T]], *args: object) -> T:
    """Run ``work(session, *args)`` in one committed transaction."""
    from app.db.engine import create_engine, create_session_factory, unit_of_work
    from app.domain.errors import DomainError

    async def main() -> T:
        engine = create_engine(get_settings())
        try:
            async with unit_of_work(create_session_factory(engine)) as session:
                return await work(session, *args)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except DomainError as exc:
        err.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(1) from exc


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
) -> None:
    """Serve the REST and GraphQL API with uvicorn."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "app.main:build_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        reload=reload,
        proxy_headers=True,
        log_config=None,
        access_log=False,  # the service logs each request itself, with its request id
    )


@cli.command()
def migrate(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply database migrations (to the latest by default)."""
    from app.db.migrations import upgrade

    upgrade(get_settings().database_url, revision)
    console.print(f"database migrated to {revision}")


@cli.command("create-org")
def create_org(
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    slug: Annotated[str | None, typer.Option(help="Short unique name; derived if omitted.")] = None,
) -> None:
    """Create an organisation and print its first admin API key (shown once)."""
    from app.domain.access import service

    organization, _key, token = _run(service.create_organization, name, slug)
    console.print(
        f"organisation: {organization.name} (slug {organization.slug}, id {organization.id})"
    )
    console.print(f"admin API key (shown once): [bold]{token}[/bold]")


@cli.command("create-api-key")
def create_api_key(
    org: Annotated[str, typer.Option(help="Organisation slug or id.")],
    scopes: Annotated[str, typer.Option(help="Comma-separated, e.g. 'read,programs:write'.")],
    name: Annotated[str, typer.Option(help="What the key is for.")] = "CLI key",
) -> None:
    """Create an API key for an organisation and print it (shown once)."""
    from app.domain.access import service
    from app.domain.access.principal import Scope

    allowed = {s.value for s in Scope}
    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    unknown = sorted(set(wanted) - allowed)
    if unknown or not wanted:
        err.print(
            f"[red]error:[/red] unknown scopes {unknown}; allowed: {', '.join(sorted(allowed))}"
        )
        raise typer.Exit(2)

    async def work(session: AsyncSession) -> str:
        organization = await service.find_organization(session, org)
        _key, token = await service.issue_api_key(
            session,
            organization.id,
            name=name,
            scopes=[Scope(s) for s in wanted],
        )
        return token

    token = _run(work)
    console.print(f"API key (shown once): [bold]{token}[/bold]")


@cli.command("seed-demo")
def seed_demo(
    name: Annotated[str, typer.Option(help="The demo organisation's name.")] = "Acme Demo",
) -> None:
    """Load a demo organisation where a reverse-mentoring program is alive; print what to try.

    Each run builds a new, independent organisation (a second one is named "NAME 2"), in one
    transaction: a failure leaves nothing behind.
    """
    import time

    from app.db.engine import create_engine, create_session_factory
    from app.demo import DemoResult, load
    from app.demo.tryout import try_this
    from app.domain.errors import DomainError

    settings = get_settings()

    async def main() -> DemoResult:
        engine = create_engine(settings)
        try:
            return await load(create_session_factory(engine), name)
        finally:
            await engine.dispose()

    started = time.perf_counter()
    try:
        result = asyncio.run(main())
    except DomainError as exc:
        err.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(1) from exc
    elapsed = time.perf_counter() - started

    def say(line: str) -> None:
        console.print(line, markup=False, highlight=False)  # commands hold [ ] and quotes

    say(
        f"demo organisation {result.organization_name} (slug {result.slug}): "
        f"{result.employees} employees, loaded in {elapsed:.1f} s"
    )
    if result.earlier is not None:
        say(f"  ({result.earlier} exists already: this is a second, independent organisation)")
    say("programs:")
    for program in result.programs:
        say(f"  {program.status:<13}{program.name:<44} {program.id}")
    say(f"admin API key (shown once): {result.admin_token}")
    host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"  # noqa: S104
    say("\nTry this once the service runs, then take the tour in docs/tour.md:\n")
    for line in try_this(result, f"http://{host}:{settings.port}"):
        say(line)


@cli.command("dev-token")
def dev_token(
    org: Annotated[str, typer.Option(help="Organisation slug or id.")],
    email: Annotated[str, typer.Option(help="The employee's e-mail.")],
    minutes: Annotated[int, typer.Option(help="Lifetime in minutes.")] = 60,
) -> None:
    """Mint an employee JWT with the organisation's HS256 development provider."""
    from app.demo import mint_dev_token

    console.print(_run(mint_dev_token, org, email, minutes))


@cli.command("import-employees")
def import_employees(
    file: Annotated[
        Path, typer.Argument(help="CSV with a header row.", exists=True, dir_okay=False)
    ],
    org: Annotated[str, typer.Option(help="Organisation slug or id.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
    ] = False,
) -> None:
    """Create or update employees from an HRIS export, matched by external id.

    Columns are the unified HRIS fields (id, email, given_name, family_name, job_title,
    department, location, manager_id, hire_date, termination_date, employment_status) or
    the names the organisation's field mapping gives them. Nothing is written unless every
    row is valid.
    """
    from rich.progress import Progress

    from app.db.engine import create_engine, create_session_factory
    from app.domain.access import service
    from app.domain.errors import DomainError
    from app.domain.integrations.hris.csv_import import ImportReport
    from app.domain.integrations.hris.csv_import import import_employees as run_import

    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        err.print(f"[red]error:[/red] {file} is not UTF-8 text")
        raise typer.Exit(2) from exc
    total = max(text.count("\n") - 1, 0)

    async def main() -> ImportReport:
        engine = create_engine(get_settings())
        try:
            async with create_session_factory(engine)() as session:
                organization = await service.find_organization(session, org)
                with Progress(console=err, transient=True) as progress:
                    task = progress.add_task("reading", total=total)

                    def advance(stage: str, done: int, of: int) -> None:
                        progress.update(task, description=stage, completed=done, total=of)

                    report = await run_import(session, organization.id, text, progress=advance)
                if dry_run or report.errors:
                    await session.rollback()
                else:
                    await session.commit()
                return report
        finally:
            await engine.dispose()

    try:
        report = asyncio.run(main())
    except DomainError as exc:
        err.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(1) from exc
    for error in report.errors:
        console.print(f"line {error.line}: {error.field or '-'}: {error.reason}")
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(report.outcomes.items()))
    console.print(
        f"{report.rows} rows: {summary or 'nothing to apply'}; {len(report.errors)} errors"
    )
    if report.errors:
        console.print("nothing was written: fix the rows above and run again")
        raise typer.Exit(1)
    console.print("dry run: nothing was written" if dry_run else "imported")


@cli.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Handle what is due now, then exit.")
    ] = False,
) -> None:
    """Apply waiting HRIS deliveries, send webhooks, check pair health and engagement rules,
    run matching runs."""
    import signal

    from app.db.engine import create_engine, create_session_factory
    from app.domain.integrations.worker import Worker
    from app.domain.matching.job import MatchingJobs

    settings = get_settings()

    async def main() -> None:
        engine = create_engine(settings)
        loop_worker = Worker.from_settings(create_session_factory(engine), settings)
        try:
            if once:
                while await loop_worker.run_once():
                    pass
                await loop_worker.dispatcher.aclose()
                while await MatchingJobs(loop_worker.factory).run_once():
                    pass
                return
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            console.print("worker started; Ctrl-C to stop")
            await loop_worker.run(stop)
        finally:
            await engine.dispose()

    asyncio.run(main())


engagement_cli = typer.Typer(help="Engagement rules: agendas, nudges, inactive pairs.")
cli.add_typer(engagement_cli, name="engagement")


@engagement_cli.command("run")
def engagement_run(
    org: Annotated[
        str | None, typer.Option(help="Only this organisation (id or slug); default: all.")
    ] = None,
) -> None:
    """Evaluate every engagement rule now: send the nudges due, pause or end inactive pairs."""
    from app.domain.access import service as access
    from app.domain.engagement.service import evaluate

    async def work(session: AsyncSession) -> None:
        organization_id = None
        if org is not None:
            organization_id = (await access.find_organization(session, org)).id
        found = await evaluate(session, organization_id=organization_id)
        console.print(
            f"{found.items} items due, {found.nudges} nudges sent, "
            f"{found.paused} pairs paused, {found.ended} pairs ended"
        )

    _run(work)


@cli.command()
def openapi(
    check: Annotated[bool, typer.Option(help="Fail if a committed document is outdated.")] = False,
    directory: Annotated[Path, typer.Option(help="The repository holding openapi/.")] = Path(),
) -> None:
    """Write the OpenAPI document and the GraphQL SDL, or check the committed ones."""
    from app.openapi_document import rendered

    documents = {directory / path: text for path, text in rendered().items()}
    if check:
        stale = [path for path, text in documents.items() if not _is_current(path, text)]
        for path in stale:
            err.print(f"{path} is outdated: run `mentorship openapi` and commit it.")
        if stale:
            raise typer.Exit(1)
        console.print(", ".join(str(path) for path in documents) + " are up to date")
        return
    for path, text in documents.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        console.print(f"wrote {path}")


def _is_current(path: Path, text: str) -> bool:
    return path.exists() and path.read_text() == text


def main() -> None:
    cli(prog_name="mentorship")


if __name__ == "__main__":
    main()
