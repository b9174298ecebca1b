"""A matching run's numbers: from a program's pool to the pairs, the people left out and
the summary. CPU work and no database: a run does each stage in a worker thread.

Stages: the problem (who takes part, the pairs to keep and to forbid), the candidate graph
(every pair scored, a slice of mentees at a time, each person's best prospects kept:
graph.py), the optimal assignment over that graph (solver.py), and the explanations of the
pairs chosen, computed with the same scorer on small blocks.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.domain.errors import Conflict, Invalid, field_error
from app.domain.matching.candidates import Pool, explanation_document
from app.domain.matching.graph import CandidateGraph, candidate_graph, default_keep
from app.domain.matching.run_models import MatchingRunCreate, PairRef, RunSummary
from app.domain.matching.solver import UNMATCHED_TEXT, Assignment, assign_sparse
from app.domain.participants.explanations import explain
from app.domain.participants.models import ParticipantRole
from app.domain.participants.scoring import Candidate, Population, ScoringConfig

# Chosen pairs explained per block: at most this many mentees (and their mentors).
EXPLAIN_BLOCK = 256

Proposal = tuple[Candidate, Candidate, float, dict[str, Any]]  # mentee, mentor, score, why


@dataclass
class Problem:
    mentees: list[Candidate]  # those still to pair
    mentors: list[Candidate]  # every active mentor, full ones too (for the reasons)
    capacities: list[int]  # seats each mentor has left
    forbidden: list[tuple[int, int]]  # (mentee index, mentor index)
    kept: list[tuple[Candidate, Candidate]]
    refused: list[dict[str, str]]  # pairs to keep that a hard exclusion refuses

    @property
    def pairs_to_score(self) -> int:
        return len(self.mentees) * len(self.mentors)


@dataclass
class Outcome:
    pairs: list[Proposal]
    unmatched: list[tuple[Candidate, str, str]]  # candidate, role, reason code


def _pair_refs(
    pool: Pool, refs: list[PairRef], name: str, *, must_be_free: bool
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    errors = []
    for index, ref in enumerate(refs):
        mentee = pool.participants.get(ref.mentee_id)
        mentor = pool.participants.get(ref.mentor_id)
        if mentee is None or mentee.role != ParticipantRole.MENTEE:
            errors.append(field_error(f"{name}.{index}.mentee_id", "not an approved mentee"))
        if mentor is None or mentor.role != ParticipantRole.MENTOR:
            errors.append(field_error(f"{name}.{index}.mentor_id", "not an approved mentor"))
    if errors:
        raise Invalid("Some pairs do not name approved participants.", errors=errors)
    if must_be_free:
        mentees = [ref.mentee_id for ref in refs]
        if len(set(mentees)) != len(mentees):
            raise Invalid(
                "A mentee can be kept in one pair only.",
                errors=[field_error(name, "a mentee appears twice", "duplicate")],
            )
    return [(ref.mentee_id, ref.mentor_id) for ref in refs]


def problem(pool: Pool, data: MatchingRunCreate) -> Problem:
    """Who the run pairs. Raises ``Invalid`` or ``Conflict`` when the pairs to keep or to
    forbid name people who cannot be kept (the request is checked, and the run again)."""
    keep = _pair_refs(pool, data.keep, "keep", must_be_free=True)
    banned = set(_pair_refs(pool, data.forbid, "forbid", must_be_free=False))
    free = {pid: pool.free_seats(pool.participants[pid]) for pid in pool.candidates}
    kept: list[tuple[Candidate, Candidate]] = []
    refused: list[dict[str, str]] = []
    for mentee_id, mentor_id in keep:
        mentee, mentor = pool.candidates.get(mentee_id), pool.candidates.get(mentor_id)
        if mentee is None or mentor is None or free[mentee_id] < 1 or free[mentor_id] < 1:
            raise Conflict(
                "A pair to keep names someone inactive, already paired or without a free seat.",
                code="keep_unavailable",
                mentee_id=str(mentee_id),
                mentor_id=str(mentor_id),
            )
        why = _exclusion(pool, mentee, mentor, (mentee_id, mentor_id) in banned)
        if why is not None:
            # Never proposed: the two are matched like everyone else, and the run says why.
            refused.append({"mentee_id": str(mentee_id), "mentor_id": str(mentor_id), **why})
            continue
        free[mentee_id] -= 1
        free[mentor_id] -= 1
        kept.append((mentee, mentor))
    mentees = [c for pid, c in pool.candidates.items() if _role(pool, pid, "mentee")]
    mentors = [c for pid, c in pool.candidates.items() if _role(pool, pid, "mentor")]
    mentees = sorted((c for c in mentees if free[c.id] > 0), key=lambda c: c.id)
    # Full mentors stay in (with no seat to give) so a waiting mentee learns that every
    # eligible mentor is full rather than that none is eligible.
    mentors = sorted(mentors, key=lambda c: c.id)
    row = {c.id: i for i, c in enumerate(mentees)}
    column = {c.id: j for j, c in enumerate(mentors)}
    forbidden = [(row[a], column[b]) for a, b in sorted(banned) if a in row and b in column]
    return Problem(mentees, mentors, [free[c.id] for c in mentors], forbidden, kept, refused)


def _exclusion(
    pool: Pool, mentee: Candidate, mentor: Candidate, forbidden: bool
) -> dict[str, str] | None:
    """Why a pair to keep may not be kept (the door would refuse it), or None."""
    matrix = pool.population([mentee], [mentor], [(0, 0)] if forbidden else []).block()
    verdict = explain(matrix, 0, 0, pool.config)
    if verdict.eligible:
        return None
    return {"reason": str(verdict.ineligible_code), "detail": str(verdict.ineligible_reason)}


def _role(pool: Pool, participant_id: uuid.UUID, role: str) -> bool:
    return str(pool.participants[participant_id].role) == role


def population(pool: Pool, problem: Problem) -> Population:
    return pool.population(problem.mentees, problem.mentors, problem.forbidden)


def graph(
    pool: Pool,
    problem: Problem,
    *,
    keep: int | None = None,
    scored: Callable[[int], None] | None = None,
) -> CandidateGraph:
    """Every pair scored, a slice at a time; each mentee's best ``keep`` mentors kept
    (``default_keep`` of the mentors when None)."""
    keep = keep if keep is not None else default_keep(len(problem.mentors))
    return candidate_graph(
        population(pool, problem),
        problem.capacities,
        pool.config.min_score,
        keep=keep,
        scored=scored,
    )


def solve(problem: Problem, graph: CandidateGraph) -> Assignment:
    return assign_sparse(graph, problem.capacities)


def outcome(pool: Pool, problem: Problem, assignment: Assignment) -> Outcome:
    """The pairs with their explanations (kept pairs first), and the people left out."""
    config = pool.config
    pairs: list[Proposal] = []
    for mentee, mentor in problem.kept:
        one = pool.score([mentee], [mentor])
        document = explanation_document(explain(one, 0, 0, config))
        pairs.append((mentee, mentor, float(one.total[0, 0]), document))
    encoded = population(pool, problem)
    chosen = sorted(assignment.pairs)
    for start in range(0, len(chosen), EXPLAIN_BLOCK):
        part = chosen[start : start + EXPLAIN_BLOCK]
        rows = np.array([i for i, _, _ in part], dtype=np.intp)
        columns, at = np.unique(
            np.array([j for _, j, _ in part], dtype=np.intp), return_inverse=True
        )
        block = encoded.block(rows, columns)
        for p, (i, j, score) in enumerate(part):
            document = explanation_document(explain(block, p, int(at[p]), config))
            pairs.append((problem.mentees[i], problem.mentors[j], score, document))
    unmatched = [
        (problem.mentees[i], "mentee", str(reason))
        for i, reason in sorted(assignment.unmatched_mentees.items())
    ] + [
        (problem.mentors[j], "mentor", str(reason))
        for j, reason in sorted(assignment.unmatched_mentors.items())
    ]
    return Outcome(pairs, unmatched)


def explained(
    encoded: Population, config: ScoringConfig, pairs: list[tuple[int, int]]
) -> list[dict[str, Any]]:
    """The explanation of each (mentee index, mentor index) pair, each mentee at most once,
    scored again in blocks of ``EXPLAIN_BLOCK`` mentees x their mentors."""
    documents: list[dict[str, Any]] = []
    for start in range(0, len(pairs), EXPLAIN_BLOCK):
        part = pairs[start : start + EXPLAIN_BLOCK]
        rows = np.array([i for i, _ in part], dtype=np.intp)
        columns, at = np.unique(np.array([j for _, j in part], dtype=np.intp), return_inverse=True)
        block = encoded.block(rows, columns)
        documents += [
            explanation_document(explain(block, p, int(at[p]), config)) for p in range(len(part))
        ]
    return documents


def unmatched_documents(pool: Pool, outcome: Outcome) -> list[dict[str, Any]]:
    """The people left out, each with a stable reason and its words."""
    return [
        {
            "participant_id": str(c.id),
            "employee_id": str(c.employee_id),
            "role": role,
            "reason": reason,
            "detail": _unmatched_text(role, reason),
        }
        for c, role, reason in outcome.unmatched
    ] + [
        {
            "participant_id": str(p.id),
            "employee_id": str(p.employee_id),
            "role": str(p.role),
            "reason": "employee_not_active",
            "detail": "the employee is no longer active",
        }
        for p in pool.inactive
    ]


def _unmatched_text(role: str, reason: str) -> str:
    for (side, code), text in UNMATCHED_TEXT.items():
        if side == role and str(code) == reason:
            return text
    return reason.replace("_", " ")


def summary(pool: Pool, outcome: Outcome, unmatched: int) -> RunSummary:
    scores = [score for _, _, score, _ in outcome.pairs]
    covered = sorted(
        {
            tag
            for mentee, mentor, _, _ in outcome.pairs
            for tag in pool.objective_tags
            if (tag in mentee.learns and tag in mentor.teaches)
            or (tag in mentor.learns and tag in mentee.teaches)
        }
    )
    return RunSummary(
        participants=len(pool.participants),
        pairs=len(scores),
        unmatched=unmatched,
        mean_score=round(sum(scores) / len(scores), 2) if scores else None,
        min_score=min(scores) if scores else None,
        total_score=round(sum(scores), 2),
        objective_topics=pool.objective_tags,
        objective_topics_covered=covered,
    )
