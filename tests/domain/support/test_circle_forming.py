"""Forming circles: balanced sizes, mixed experience, spread departments, determinism."""

import uuid
from collections import Counter
from datetime import date

from app.domain.support.circle_forming import form_groups


def _mentors(n: int) -> list[tuple[uuid.UUID, int, str | None, date | None]]:
    departments = ["Engineering", "Sales", "Finance"]
    return [
        (uuid.UUID(int=i + 1), i % 5, departments[i % 3], date(2020, 1, 1 + i % 28))
        for i in range(n)
    ]


def test_sizes_are_balanced_around_the_target() -> None:
    groups = form_groups(_mentors(23), 5)
    assert len(groups) == 5
    assert sorted(len(g) for g in groups) == [4, 4, 5, 5, 5]
    assert sorted(m for g in groups for m in g) == sorted(m[0] for m in _mentors(23))


def test_experience_levels_and_departments_are_mixed() -> None:
    mentors = _mentors(30)
    by_id = {m[0]: m for m in mentors}
    groups = form_groups(mentors, 6)
    for group in groups:
        levels = [by_id[m][1] for m in group]
        departments = Counter(by_id[m][2] for m in group)
        # Each circle spans the experience range, around the same average: no junior circle.
        assert max(levels) == 4, levels
        assert min(levels) == 0, levels
        assert abs(sum(levels) / len(levels) - 2) <= 0.5, levels
        assert len(departments) == 3, departments  # every department in every circle
        assert max(departments.values()) <= 3, departments


def test_the_same_mentors_give_the_same_circles_in_any_order() -> None:
    mentors = _mentors(17)
    assert form_groups(mentors, 4) == form_groups(list(reversed(mentors)), 4)


def test_few_mentors_make_one_circle() -> None:
    assert len(form_groups(_mentors(2), 6)) == 1
    assert form_groups([], 4) == []
