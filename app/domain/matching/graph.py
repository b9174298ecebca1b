"""A run's candidate graph: the pairs worth solving over, scored a slice of mentees at a time.

Scoring every mentee x mentor of a large program at once needs mentees x mentors x a dozen
numbers in memory (18.7 GiB at 15,000 x 10,000). A run scores slices of mentees instead and
keeps, of each slice, what the assignment can use:

- each mentee's best ``keep`` usable mentors (eligible, at or above the program's minimum
  score, with a seat left): the edges the solver chooses from;
- whether each person has any eligible partner, and any partner at or above the minimum
  score, among everyone: the unmatched reasons stay exact, whatever was pruned.

The hard exclusions (language, time zones, reporting line, the reverse rule...) are part of
each slice's scoring, so an excluded pair never becomes an edge.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.domain.participants.scoring import Population, ScoreMatrix

Index = npt.NDArray[np.intp]
Flags = npt.NDArray[np.bool_]
Scores = npt.NDArray[np.float64]

# How many of each mentee's best mentors are kept as edges: a share of the mentors, at least
# 128. On the benchmarks (bench/README.md), 128 gives the exact optimum of the whole matrix
# at 2,000 x 3,000 on every seed tried, and 1/16 of the mentors at 10,000 x 15,000 gives
# the total that keeping 1,024 gives: the more mentors, the deeper a mentee must look past
# the popular ones, who fill up.
MIN_KEEP = 128
KEEP_SHARE = 1 / 16


def default_keep(mentors: int) -> int:
    return max(MIN_KEEP, math.ceil(mentors * KEEP_SHARE))


# Cells scored at once: about 20 arrays of this many float64 numbers are alive per slice.
SLICE_CELLS = 1_000_000


@dataclass
class CandidateGraph:
    """Usable mentee-mentor pairs with their scores, and each person's best prospects."""

    shape: tuple[int, int]  # mentees, mentors
    mentees: Index  # edge tails, sorted by (mentee, mentor)
    mentors: Index
    scores: Scores
    mentee_eligible: Flags  # has an eligible mentor (full or not)
    mentee_usable: Flags  # has an eligible mentor at or above the minimum score
    mentor_eligible: Flags
    mentor_usable: Flags

    @property
    def edges(self) -> int:
        return int(self.scores.size)


def usable(matrix: ScoreMatrix, min_score: float) -> Flags:
    result: Flags = matrix.eligible & (matrix.total >= min_score) & (matrix.total > 0)
    return result


class _Builder:
    def __init__(self, shape: tuple[int, int], capacities: npt.ArrayLike, keep: int | None):
        n, m = shape
        self.shape, self.keep = shape, keep
        self.has_seat = np.asarray(capacities, dtype=np.int64) > 0
        self.mentee_eligible = np.zeros(n, dtype=bool)
        self.mentee_usable = np.zeros(n, dtype=bool)
        self.mentor_eligible = np.zeros(m, dtype=bool)
        self.mentor_usable = np.zeros(m, dtype=bool)
        self.keys: list[npt.NDArray[np.int64]] = []
        self.values: list[Scores] = []

    def add(self, first_row: int, matrix: ScoreMatrix, min_score: float) -> None:
        eligible, good = matrix.eligible, usable(matrix, min_score)
        rows = slice(first_row, first_row + good.shape[0])
        self.mentee_eligible[rows] = eligible.any(axis=1)
        self.mentee_usable[rows] = good.any(axis=1)
        self.mentor_eligible |= eligible.any(axis=0)
        self.mentor_usable |= good.any(axis=0)
        good &= self.has_seat[None, :]
        m = good.shape[1]
        if self.keep is None or self.keep >= m:
            i, j = np.nonzero(good)
        else:  # each mentee's best mentors
            scores = np.where(good, matrix.total, -np.inf)
            best = np.argpartition(scores, m - self.keep, axis=1)[:, m - self.keep :]
            i = np.repeat(np.arange(scores.shape[0]), self.keep)
            j = best.ravel()
            chosen = good[i, j]
            i, j = i[chosen], j[chosen]
        self.keys.append((first_row + i).astype(np.int64) * m + j)
        self.values.append(matrix.total[i, j])

    def graph(self) -> CandidateGraph:
        m = self.shape[1]
        keys = np.concatenate(self.keys) if self.keys else np.zeros(0, dtype=np.int64)
        values = np.concatenate(self.values) if self.values else np.zeros(0)
        order = np.argsort(keys, kind="stable")
        keys, values = keys[order], values[order]
        return CandidateGraph(
            shape=self.shape,
            mentees=(keys // max(m, 1)).astype(np.intp),
            mentors=(keys % max(m, 1)).astype(np.intp),
            scores=values,
            mentee_eligible=self.mentee_eligible,
            mentee_usable=self.mentee_usable,
            mentor_eligible=self.mentor_eligible,
            mentor_usable=self.mentor_usable,
        )


def candidate_graph(
    population: Population,
    capacities: npt.ArrayLike,
    min_score: float,
    *,
    keep: int | None,
    slice_cells: int = SLICE_CELLS,
    scored: Callable[[int], None] | None = None,
) -> CandidateGraph:
    """Score ``population`` a slice of mentees at a time and keep the graph's edges.

    ``keep=None`` keeps every usable pair. ``scored`` is told after each slice how many
    pairs were scored so far; it may raise to stop the work.
    """
    n, m = population.shape
    builder = _Builder((n, m), capacities, keep)
    step = max(1, slice_cells // max(m, 1))
    for first in range(0, n, step):
        rows = slice(first, min(n, first + step))
        builder.add(first, population.block(rows), min_score)
        if scored is not None:
            scored(min(n, first + step) * m)
    return builder.graph()


def graph_of(
    matrix: ScoreMatrix, capacities: npt.ArrayLike, min_score: float, keep: int | None = None
) -> CandidateGraph:
    """The graph of an already scored matrix (all its usable pairs unless ``keep``)."""
    builder = _Builder(matrix.total.shape, capacities, keep)
    builder.add(0, matrix, min_score)
    return builder.graph()
