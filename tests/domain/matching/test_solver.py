"""The assignment is optimal (equal to exhaustive search), respects capacity, and explains gaps.

Both solvers: the dense one (scipy's assignment on a score matrix) and the sparse one that
matching runs use (OR-Tools' min-cost flow on a candidate graph).
"""

import functools
import random
from collections.abc import Callable

import numpy as np
import pytest

from app.domain.matching.graph import candidate_graph, graph_of
from app.domain.matching.solver import (
    Assignment,
    UnmatchedReason,
    assign,
    assign_sparse,
    greedy,
    usable,
)
from app.domain.participants.scoring import (
    Candidate,
    Population,
    ScoreMatrix,
    ScoringConfig,
    score_matrix,
)
from tests.domain.participants.factories import mentee, mentor

TOPICS = ["ai", "excel", "tiktok", "python", "teams", "diversity", "podcasts", "figma"]


def random_people(rng: random.Random, n: int, m: int) -> tuple[list[Candidate], list[Candidate]]:
    def topics() -> dict[str, int]:
        return {t: rng.randint(1, 5) for t in rng.sample(TOPICS, rng.randint(0, 3))}

    mentees = [
        mentee(
            learns=topics(),
            teaches=topics(),
            mindset=rng.randint(1, 5),
            languages=frozenset(rng.sample(["en", "fr", "de"], rng.randint(1, 2))),
            birth_year=rng.randint(1960, 1985),
            seniority=rng.randint(5, 18),
        )
        for _ in range(n)
    ]
    mentors = [
        mentor(
            teaches=topics(),
            learns=topics(),
            mindset=rng.randint(1, 5),
            languages=frozenset(rng.sample(["en", "fr", "de"], rng.randint(1, 2))),
            birth_year=rng.randint(1975, 2004),
            seniority=rng.randint(0, 10),
            capacity=rng.randint(1, 3),
        )
        for _ in range(m)
    ]
    return mentees, mentors


def brute_force(allowed: np.ndarray, scores: np.ndarray, capacities: list[int]) -> float:
    """Exhaustive optimum: each mentee takes one allowed mentor with room, or none."""
    n, m = scores.shape

    @functools.cache
    def best(i: int, room: tuple[int, ...]) -> float:
        if i == n:
            return 0.0
        result = best(i + 1, room)
        for j in range(m):
            if allowed[i, j] and room[j] > 0:
                left = (*room[:j], room[j] - 1, *room[j + 1 :])
                result = max(result, scores[i, j] + best(i + 1, left))
        return result

    return best(0, tuple(capacities))


Solver = Callable[[ScoreMatrix, list[int], float], Assignment]


def sparse(matrix: ScoreMatrix, capacities: list[int], min_score: float) -> Assignment:
    """The min-cost flow over every usable pair of ``matrix``."""
    return assign_sparse(graph_of(matrix, capacities, min_score), capacities)


SOLVERS = pytest.mark.parametrize("solve", [assign, sparse], ids=["dense", "sparse"])


@SOLVERS
@pytest.mark.parametrize("seed", range(40))
def test_optimal_on_small_instances(seed: int, solve: Solver) -> None:
    rng = random.Random(seed)
    n, m = rng.randint(1, 8), rng.randint(1, 8)
    mentees, mentors = random_people(rng, n, m)
    config = ScoringConfig(
        min_motivation=2,
        min_openness=2,
        min_score=rng.choice([0, 30, 45]),
        reverse_required=rng.random() < 0.3,
    )
    matrix = score_matrix(mentees, mentors, config)
    capacities = [c.capacity for c in mentors]
    result = solve(matrix, capacities, config.min_score)

    expected = brute_force(usable(matrix, config.min_score), matrix.total, capacities)
    assert result.total_score == pytest.approx(expected, abs=1e-6)
    # Constraints: one mentor per mentee, capacity per mentor, only usable pairs.
    assert len({i for i, _, _ in result.pairs}) == len(result.pairs)
    for j, capacity in enumerate(capacities):
        assert sum(1 for _, jj, _ in result.pairs if jj == j) <= capacity
    allowed = usable(matrix, config.min_score)
    assert all(allowed[i, j] for i, j, _ in result.pairs)
    # Everyone is either paired or has a reason.
    assert {i for i, _, _ in result.pairs} | set(result.unmatched_mentees) == set(range(n))
    # Never worse than greedy.
    assert result.total_score >= greedy(matrix, capacities, config.min_score).total_score - 1e-9


@SOLVERS
def test_optimal_beats_greedy_where_greedy_is_myopic(solve: Solver) -> None:
    # Greedy takes the single best pair (A-X, 90) and leaves B with nobody;
    # the optimum pairs A-Y (80) and B-X (85).
    a = mentee(learns={"ai": 5, "excel": 5})
    b = mentee(learns={"ai": 5})
    x = mentor(teaches={"ai": 5, "excel": 5})
    y = mentor(teaches={"excel": 5})
    matrix = score_matrix([a, b], [x, y], ScoringConfig())
    matrix.total[:] = np.array([[90.0, 80.0], [85.0, 0.0]])
    optimal = solve(matrix, [1, 1], 10)
    assert optimal.pairs == [(0, 1, 80.0), (1, 0, 85.0)]
    assert greedy(matrix, [1, 1], min_score=10).total_score == 90.0


@SOLVERS
def test_capacity_and_unmatched_reasons(solve: Solver) -> None:
    popular = mentor(teaches={"ai": 5}, capacity=2)
    unpopular = mentor(teaches={"ai": 1}, languages=frozenset({"de"}))
    seniors = [mentee(learns={"ai": 5}) for _ in range(3)]
    german_only = mentee(languages=frozenset({"fi"}))
    config = ScoringConfig(min_score=0)
    matrix = score_matrix([*seniors, german_only], [popular, unpopular], config)
    result = solve(matrix, [2, 1], config.min_score)
    assert [j for _, j, _ in result.pairs] == [0, 0]
    assert result.unmatched_mentees[3] is UnmatchedReason.NO_ELIGIBLE_PARTNER
    full = [
        i for i, why in result.unmatched_mentees.items() if why is UnmatchedReason.PARTNERS_TAKEN
    ]
    assert len(full) == 1
    assert result.unmatched_mentors[1] is UnmatchedReason.NO_ELIGIBLE_PARTNER

    strict = ScoringConfig(min_score=99)
    matrix = score_matrix(seniors, [popular], strict)
    result = solve(matrix, [2], strict.min_score)
    assert result.pairs == []
    assert set(result.unmatched_mentees.values()) == {UnmatchedReason.BELOW_MINIMUM_SCORE}
    assert result.unmatched_mentors[0] is UnmatchedReason.BELOW_MINIMUM_SCORE


@SOLVERS
def test_deterministic(solve: Solver) -> None:
    rng = random.Random(7)
    mentees, mentors = random_people(rng, 60, 40)
    config = ScoringConfig(min_score=20)
    capacities = [c.capacity for c in mentors]
    first = solve(score_matrix(mentees, mentors, config), capacities, config.min_score)
    second = solve(score_matrix(mentees, mentors, config), capacities, config.min_score)
    assert first.pairs == second.pairs
    assert first.unmatched_mentees == second.unmatched_mentees


@pytest.mark.parametrize("seed", range(10))
def test_the_graph_scored_in_slices_is_the_graph_of_the_whole_matrix(seed: int) -> None:
    rng = random.Random(seed)
    mentees, mentors = random_people(rng, rng.randint(1, 30), rng.randint(1, 20))
    config = ScoringConfig(min_motivation=2, min_score=rng.choice([0, 30]))
    capacities = [rng.choice([0, 1, 2]) for _ in mentors]
    population = Population(mentees, mentors, config)
    whole = graph_of(population.block(), capacities, config.min_score)
    sliced = candidate_graph(
        population, capacities, config.min_score, keep=None, slice_cells=rng.randint(1, 40)
    )
    for name in ("mentees", "mentors", "scores"):
        assert np.array_equal(getattr(sliced, name), getattr(whole, name)), name
    for name in ("mentee_eligible", "mentee_usable", "mentor_eligible", "mentor_usable"):
        assert np.array_equal(getattr(sliced, name), getattr(whole, name)), name
    assert sparse(population.block(), capacities, config.min_score).pairs == (
        assign_sparse(sliced, capacities).pairs
    )


@pytest.mark.parametrize("seed", range(10))
def test_pruning_keeps_each_mentees_best_mentors_and_exact_reasons(seed: int) -> None:
    rng = random.Random(seed)
    mentees, mentors = random_people(rng, 40, 25)
    config = ScoringConfig(min_score=30)
    capacities = [c.capacity for c in mentors]
    population = Population(mentees, mentors, config)
    matrix = population.block()
    allowed = usable(matrix, config.min_score) & (np.array(capacities) > 0)[None, :]
    keep = 3
    graph = candidate_graph(population, capacities, config.min_score, keep=keep, slice_cells=100)
    edges = set(zip(graph.mentees.tolist(), graph.mentors.tolist(), strict=True))
    assert all(allowed[i, j] for i, j in edges)
    scores = np.where(allowed, matrix.total, -1.0)
    for i in range(len(mentees)):
        best = sorted(scores[i][allowed[i]], reverse=True)[:keep]
        assert (
            sorted((matrix.total[i, j] for ii, j in edges if ii == i), reverse=True)[: len(best)]
            == best
        )
    # Reasons come from every pair scored, not from the edges kept.
    pruned = assign_sparse(graph, capacities)
    full = assign(matrix, capacities, config.min_score)
    unmatched = set(pruned.unmatched_mentees) & set(full.unmatched_mentees)
    for i in unmatched:
        assert pruned.unmatched_mentees[i] == full.unmatched_mentees[i]
    # With as many prospects as mentors, nothing is pruned: the optimum is the dense one.
    whole = candidate_graph(population, capacities, config.min_score, keep=len(mentors))
    assert assign_sparse(whole, capacities).total_score == pytest.approx(full.total_score)
