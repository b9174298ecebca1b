"""Pair scores, computed for blocks of mentees x mentors at once with NumPy, and explained.

A score is a weighted mean of components, each in [0, 1], scaled to 0-100:

- learning: how well the mentor's teachable topics cover what the mentee wants to learn
  (priority x proficiency), plus the reverse direction; topics among the program
  objectives' tags weigh more.
- reverse: the mentor is younger and/or less senior than the mentee.
- mindset: the mentor's motivation and the mentee's openness.
- practical: weekly availability overlap (or time-zone distance) and meeting format.
- diversity: different department and location (only for programs with that objective).
- preference: people who asked for each other.

Some pairs are not eligible at all, whatever their score (``Ineligible``). ``explain``
(explanations.py) reads one pair of a scored block, and says why in words.

A ``Population`` encodes every mentee and mentor once, as arrays; ``Population.block``
scores any block of mentees x mentors with the same code. A matching run of 15,000 x 10,000
scores slices of mentees that fit in memory; the door scores a 1 x 1 block.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from app.domain.participants.criteria import (
    COMPONENTS,
    INELIGIBLE_TEXT,
    WEEK_SLOTS,
    Candidate,
    Format,
    Ineligible,
    Matrix,
    ScoreMatrix,
    ScoringConfig,
)

__all__ = [
    "COMPONENTS",
    "INELIGIBLE_TEXT",
    "WEEK_SLOTS",
    "Candidate",
    "Format",
    "Ineligible",
    "Matrix",
    "Population",
    "ScoreMatrix",
    "ScoringConfig",
    "score_matrix",
]

Index = npt.NDArray[np.intp]
Selection = slice | Index  # of mentees or mentors: a slice, or indices without repeats
PairSet = set[tuple[uuid.UUID, uuid.UUID]] | frozenset[tuple[uuid.UUID, uuid.UUID]]

_FORMAT_INDEX = {Format.IN_PERSON: 0, Format.REMOTE: 1, Format.EITHER: 2}
# Rows: mentee format; columns: mentor format. In person with in person depends on location.
_FORMAT_FIT = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
_DIFFERENT_CITY_IN_PERSON = 0.3


def score_matrix(
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
    config: ScoringConfig,
    previous_pairs: PairSet = frozenset(),
    not_a_fit: PairSet = frozenset(),
) -> ScoreMatrix:
    """Every mentee x mentor score; ``previous_pairs`` holds (mentee, mentor) employee ids,
    ``not_a_fit`` two employee ids in either order."""
    return Population(mentees, mentors, config, previous_pairs, not_a_fit=not_a_fit).block()


@dataclass(frozen=True)
class _Pairs:
    """Some (mentee index, mentor index) cells of the whole population."""

    mentees: Index
    mentors: Index

    @classmethod
    def of(cls, cells: Iterable[tuple[int, int]]) -> "_Pairs":
        found = sorted(set(cells))
        return cls(
            np.array([i for i, _ in found], dtype=np.intp),
            np.array([j for _, j in found], dtype=np.intp),
        )


def _codes(values: Sequence[str | None], codes: dict[str, int]) -> npt.NDArray[np.int64]:
    """Values as integer codes shared by both sides; unknown (None or empty) is -1."""
    return np.array([codes.setdefault(v, len(codes)) if v else -1 for v in values], dtype=np.int64)


def _topic_matrix(mappings: Sequence[Mapping[str, int]], vocabulary: Mapping[str, int]) -> Matrix:
    matrix = np.zeros((len(mappings), len(vocabulary)))
    for row, mapping in enumerate(mappings):
        for tag, value in mapping.items():
            matrix[row, vocabulary[tag]] = value
    return matrix


def _membership(
    groups: Sequence[Iterable[Any]], vocabulary: Mapping[Any, int]
) -> npt.NDArray[np.float32]:
    matrix = np.zeros((len(groups), len(vocabulary)), dtype=np.float32)
    for row, group in enumerate(groups):
        for value in group:
            if (column := vocabulary.get(value)) is not None:
                matrix[row, column] = 1.0
    return matrix


class _Side:
    """One side's people as arrays, on vocabularies shared with the other side."""

    diversity: Matrix  # see Population._diversity

    def __init__(
        self,
        people: Sequence[Candidate],
        topics: Mapping[str, int],
        bonus: Matrix,
        languages: Mapping[Any, int],
        slots: Mapping[Any, int],
        codes: tuple[dict[str, int], dict[str, int]],
    ) -> None:
        teaches = _topic_matrix([c.teaches for c in people], topics)
        self.offers: Matrix = teaches / 5.0  # proficiency as a share of the best
        self.teaches_any: Matrix = (teaches > 0).astype(float)
        learns = _topic_matrix([c.learns for c in people], topics)
        self.learns_count = (learns > 0).sum(axis=1)
        self.learns_any: Matrix = (learns > 0).astype(float)
        self.wants: Matrix = learns * bonus
        self.wants_total = self.wants.sum(axis=1)
        self.wants_scale = np.where(self.wants_total > 0, self.wants_total, 1.0)
        self.birth_year = np.array(
            [c.birth_year if c.birth_year else np.nan for c in people], dtype=float
        )
        self.seniority = np.array([c.seniority for c in people], dtype=float)
        self.mindset = np.array([c.mindset for c in people], dtype=float)
        self.languages = _membership([c.languages for c in people], languages)
        self.availability = _membership([c.availability for c in people], slots)
        self.has_windows = np.array([bool(c.availability) for c in people], dtype=bool)
        self.offset = np.array([c.utc_offset_hours for c in people], dtype=float)
        formats = np.array([_FORMAT_INDEX.get(c.format, 2) for c in people], dtype=np.intp)
        self.formats: Matrix = np.eye(3)[formats]  # one-hot: in person, remote, either
        self.location = _codes([c.location for c in people], codes[0])
        self.department = _codes([c.department for c in people], codes[1])


class Population:
    """Mentees and mentors encoded once; ``block`` scores any mentees x mentors block.

    ``previous_pairs`` holds (mentee, mentor) employee ids of pairs they had before;
    ``forbidden`` holds (mentee index, mentor index) cells a manager excluded;
    ``not_a_fit`` holds two employee ids, in either order, whose pair ended as not a fit:
    they are excluded whichever of them would mentor.
    """

    def __init__(
        self,
        mentees: Sequence[Candidate],
        mentors: Sequence[Candidate],
        config: ScoringConfig,
        previous_pairs: PairSet = frozenset(),
        forbidden: Iterable[tuple[int, int]] = (),
        *,
        not_a_fit: PairSet = frozenset(),
    ) -> None:
        self.mentees, self.mentors, self.config = mentees, mentors, config
        groups = [[c.teaches, c.learns] for c in [*mentees, *mentors]]
        topics = {t: i for i, t in enumerate(sorted({t for g in groups for m in g for t in m}))}
        bonus = np.array(
            [1.0 + (config.objective_bonus if t in config.objective_tags else 0.0) for t in topics]
        )
        everyone = [*mentees, *mentors]
        languages = {v: i for i, v in enumerate(sorted({x for c in everyone for x in c.languages}))}
        # Only the half-hours both sides use can overlap.
        used = {s for c in mentees for s in c.availability}
        used &= {s for c in mentors for s in c.availability}
        slots = {s: i for i, s in enumerate(sorted(used))}
        codes: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self.e = _Side(mentees, topics, bonus, languages, slots, codes)
        self.t = _Side(mentors, topics, bonus, languages, slots, codes)
        self._diversity(codes)
        self._relations(previous_pairs, forbidden, not_a_fit)

    def _diversity(self, codes: tuple[dict[str, int], dict[str, int]]) -> None:
        """Diversity as one product of the two sides' features: for each attribute the
        program counts, 1 when both people's are known and differ (shared out evenly)."""
        config = self.config
        wanted = [
            (attribute, vocabulary)
            for attribute, vocabulary, counted in (
                ("department", codes[1], config.diversity_department),
                ("location", codes[0], config.diversity_location),
            )
            if counted
        ]
        share = 1.0 / len(wanted) if wanted else 0.0
        for side, mentee_side in ((self.e, True), (self.t, False)):
            parts: list[Matrix] = [np.zeros((side.offset.size, 0))]
            for attribute, vocabulary in wanted:
                values = getattr(side, attribute)
                known = np.flatnonzero(values >= 0)
                one_hot = np.zeros((values.size, len(vocabulary)))
                one_hot[known, values[known]] = 1.0
                is_known = (values >= 0).astype(float)[:, None]
                # known x known - same value, on the mentee side scaled by the share.
                parts += (
                    [is_known * share, -share * one_hot] if mentee_side else [is_known, one_hot]
                )
            side.diversity = np.hstack(parts)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.mentees), len(self.mentors)

    def _relations(
        self, previous: PairSet, forbidden: Iterable[tuple[int, int]], not_a_fit: PairSet
    ) -> None:
        """Pairs named person to person: the same person, a reporting line, someone to avoid
        or preferred, a pair they had before, a pair that was not a fit."""
        mentor_at: dict[uuid.UUID, list[int]] = {}
        for j, mentor in enumerate(self.mentors):
            mentor_at.setdefault(mentor.employee_id, []).append(j)
        mentee_at: dict[uuid.UUID, list[int]] = {}
        for i, mentee in enumerate(self.mentees):
            mentee_at.setdefault(mentee.employee_id, []).append(i)

        def toward_mentors(attribute: str) -> list[tuple[int, int]]:
            return [
                (i, j)
                for i, mentee in enumerate(self.mentees)
                for employee_id in getattr(mentee, attribute)
                for j in mentor_at.get(employee_id, [])
            ]

        def toward_mentees(attribute: str) -> list[tuple[int, int]]:
            return [
                (i, j)
                for j, mentor in enumerate(self.mentors)
                for employee_id in getattr(mentor, attribute)
                for i in mentee_at.get(employee_id, [])
            ]

        self.same_person = _Pairs.of(
            (i, j) for i, c in enumerate(self.mentees) for j in mentor_at.get(c.employee_id, [])
        )
        self.line = _Pairs.of(toward_mentors("managers") + toward_mentees("managers"))
        self.avoided = _Pairs.of(toward_mentors("avoid") + toward_mentees("avoid"))
        self.before = _Pairs.of(
            (i, j)
            for mentee_employee, mentor_employee in previous
            for i in mentee_at.get(mentee_employee, [])
            for j in mentor_at.get(mentor_employee, [])
        )
        self.mismatched = _Pairs.of(
            (i, j)
            for a, b in not_a_fit
            for mentee_employee, mentor_employee in ((a, b), (b, a))
            for i in mentee_at.get(mentee_employee, [])
            for j in mentor_at.get(mentor_employee, [])
        )
        self.forbidden = _Pairs.of(forbidden)
        # Each side's wish counts half; both asking counts fully.
        self.wished = [_Pairs.of(toward_mentors("prefer")), _Pairs.of(toward_mentees("prefer"))]

    def block(self, rows: Selection | None = None, columns: Selection | None = None) -> ScoreMatrix:
        """Scores, components and eligibility of mentees ``rows`` x mentors ``columns``
        (a slice or indices into the population; all of them when omitted)."""
        n, m = self.shape
        r = slice(None) if rows is None else rows
        c = slice(None) if columns is None else columns
        cells = _Cells(n, m, r, c)
        components = self._components(r, c, cells)
        weights = self.config.weights()
        total = np.zeros(cells.shape)
        for name in COMPONENTS:
            if weights[name]:
                total += weights[name] * components[name]
        total *= 100.0 / (sum(weights.values()) or 1.0)
        np.round(total, 2, out=total)
        return ScoreMatrix(
            _pick(self.mentees, r),
            _pick(self.mentors, c),
            total,
            components,
            self._ineligibility(r, c, cells),
        )

    def _components(self, r: Selection, c: Selection, cells: "_Cells") -> dict[str, Matrix]:
        e, t, config = self.e, self.t, self.config
        # Wanted topics covered, as a share of what each side wants (rows of zeros stay 0).
        learning = e.wants[r] @ t.offers[c].T
        learning /= e.wants_scale[r][:, None]
        backward = e.offers[r] @ t.wants[c].T
        backward /= t.wants_scale[c][None, :]
        share = config.reverse_learning_share
        learning *= np.where(t.wants_total[c] > 0, 1 - share, 1.0)[None, :]
        backward *= share
        learning += backward
        del backward

        age_gap = t.birth_year[c][None, :] - e.birth_year[r][:, None]
        age_gap /= 20.0
        np.clip(age_gap, 0.0, 1.0, out=age_gap)
        reverse = e.seniority[r][:, None] - t.seniority[c][None, :]
        reverse /= 10.0
        np.clip(reverse, 0.0, 1.0, out=reverse)
        # Without both birth years, seniority alone says how reverse the pair is.
        unknown = np.isnan(age_gap)
        age_gap += reverse
        age_gap /= 2
        reverse = np.where(unknown, reverse, age_gap) if unknown.any() else age_gap
        del age_gap, unknown

        mindset = ((e.mindset[r] - 1) / 4)[:, None] + ((t.mindset[c] - 1) / 4)[None, :]
        mindset /= 2

        overlap = (e.availability[r] @ t.availability[c].T).astype(float)
        overlap /= 2.0
        practical = self._time_fit(r, c, overlap)
        practical *= 0.5
        practical += 0.5 * self._format_fit(r, c)

        diversity = e.diversity[r] @ t.diversity[c].T
        preference = np.zeros(cells.shape)
        for wished in self.wished:
            preference[cells.of(wished)] += 0.5
        return {
            "learning": learning,
            "reverse": reverse,
            "mindset": mindset,
            "practical": practical,
            "diversity": diversity,
            "preference": preference,
            "overlap_hours": overlap,
        }

    def _time_fit(self, r: Selection, c: Selection, overlap: Matrix) -> Matrix:
        """Availability overlap where both gave windows, else time-zone distance."""
        e, t = self.e, self.t
        fit = np.abs(e.offset[r][:, None] - t.offset[c][None, :])
        np.minimum(fit, 12.0, out=fit)
        fit /= 12.0
        np.subtract(1.0, fit, out=fit)
        windows = np.minimum(1.0, overlap / max(self.config.min_overlap_hours, 0.5))
        both = e.has_windows[r][:, None] & t.has_windows[c][None, :]
        np.copyto(fit, windows, where=both)
        result: Matrix = fit
        return result

    def _format_fit(self, r: Selection, c: Selection) -> Matrix:
        """Meeting formats; two people who both want to meet in person must share a city."""
        e, t = self.e, self.t
        fit = (e.formats[r] @ _FORMAT_FIT) @ t.formats[c].T
        in_person_rows = np.flatnonzero(e.formats[r][:, 0])
        in_person_columns = np.flatnonzero(t.formats[c][:, 0])
        if in_person_rows.size and in_person_columns.size:
            mine = e.location[r][in_person_rows][:, None]
            theirs = t.location[c][in_person_columns][None, :]
            apart = (mine != theirs) | (mine < 0)
            cells = np.ix_(in_person_rows, in_person_columns)
            fit[cells] = np.where(apart, _DIFFERENT_CITY_IN_PERSON, fit[cells])
        result: Matrix = fit
        return result

    def _ineligibility(self, r: Selection, c: Selection, cells: "_Cells") -> npt.NDArray[np.int8]:
        """Why each pair is excluded; when several reasons apply, the lowest code is kept,
        so reasons are written from the highest code down."""
        e, t, config = self.e, self.t, self.config
        reason = np.zeros(cells.shape, dtype=np.int8)
        if config.max_timezone_gap_hours is not None:
            gap = np.abs(e.offset[r][:, None] - t.offset[c][None, :])
            reason[gap > config.max_timezone_gap_hours] = Ineligible.TIMEZONE_GAP
            del gap
        if config.min_topic_overlap > 0:
            offered = e.learns_any[r] @ t.teaches_any[c].T
            offered /= np.maximum(e.learns_count[r], 1)[:, None]
            offered[e.learns_count[r] == 0, :] = 1.0
            reason[offered < config.min_topic_overlap - 1e-9] = Ineligible.TOPIC_OVERLAP_LOW
            del offered
        reason[cells.of(self.forbidden)] = Ineligible.FORBIDDEN
        if config.reverse_required:
            mentee_year = np.nan_to_num(e.birth_year[r])[:, None]
            mentor_year = np.nan_to_num(t.birth_year[c])[None, :]
            younger = (mentee_year > 0) & (mentor_year > 0) & (mentor_year > mentee_year)
            gap = max(config.min_seniority_gap, 1)
            younger |= t.seniority[c][None, :] + gap <= e.seniority[r][:, None]
            reason[~younger] = Ineligible.NOT_REVERSE
            del younger
        reason[e.mindset[r] < config.min_openness, :] = Ineligible.MENTEE_OPENNESS_LOW
        reason[:, t.mindset[c] < config.min_motivation] = Ineligible.MENTOR_MOTIVATION_LOW
        if config.require_common_language:
            shared = e.languages[r] @ t.languages[c].T
            reason[shared < 0.5] = Ineligible.NO_SHARED_LANGUAGE
            del shared
        reason[cells.of(self.before)] = Ineligible.PAIRED_BEFORE
        reason[cells.of(self.mismatched)] = Ineligible.NOT_A_FIT
        reason[cells.of(self.avoided)] = Ineligible.AVOIDED
        reason[cells.of(self.line)] = Ineligible.REPORTING_LINE
        reason[cells.of(self.same_person)] = Ineligible.SAME_PERSON
        return reason


def _pick(people: Sequence[Candidate], selection: Selection) -> Sequence[Candidate]:
    if isinstance(selection, slice):
        return people[selection]
    return [people[i] for i in selection]


class _Cells:
    """A block's shape, and where the population's named pairs fall inside it."""

    def __init__(self, n: int, m: int, rows: Selection, columns: Selection) -> None:
        self.row_at = np.full(n, -1, dtype=np.intp)
        self.row_at[rows] = np.arange(np.arange(n)[rows].size)
        self.column_at = np.full(m, -1, dtype=np.intp)
        self.column_at[columns] = np.arange(np.arange(m)[columns].size)
        self.shape = (int((self.row_at >= 0).sum()), int((self.column_at >= 0).sum()))

    def of(self, pairs: _Pairs) -> tuple[Index, Index]:
        p, q = self.row_at[pairs.mentees], self.column_at[pairs.mentors]
        inside = (p >= 0) & (q >= 0)
        return p[inside], q[inside]
