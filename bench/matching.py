"""Matching at scale: scoring, the optimal assignment and explanations for thousands.

Builds realistic random profiles (topics drawn from a popularity-skewed catalogue, ages and
seniority typical of reverse mentoring, languages, availability in several time zones,
formats, departments and locations, reporting chains, a few preferences and avoidances),
then runs what a matching run runs, timing each stage: encoding the people, scoring every
mentee x mentor a slice at a time while keeping each mentee's best candidates (graph.py),
the min-cost flow over those candidates, and the explanations of the pairs chosen. It
reports peak memory, and compares the total score with a greedy best-pair-first baseline
and, where the dense matrix fits (up to --dense-up-to cells), with the exact optimum of the
whole matrix (the dense solver), for each --keep given (where it does not fit, the keeps
are compared with each other).

Each size runs in a process of its own, so its peak memory is its own.

    .venv/bin/python -m bench.matching                                  # both sizes
    .venv/bin/python -m bench.matching --sizes 2000x3000 --keep 16,32,64,96,128 --seeds 1,2,3
    .venv/bin/python -m bench.matching --sizes 10000x15000 --keep 128,256,512,1024,auto
"""

import argparse
import random
import resource
import subprocess
import sys
import time
import tracemalloc
import uuid

import numpy as np

from app.domain.matching.computation import explained
from app.domain.matching.graph import CandidateGraph, candidate_graph, default_keep
from app.domain.matching.solver import Assignment, assign, assign_sparse, greedy
from app.domain.participants.scoring import Candidate, Population, ScoringConfig

TOPICS = [
    "generative-ai",
    "chatgpt",
    "prompting",
    "tiktok",
    "instagram",
    "linkedin",
    "teams",
    "slack",
    "notion",
    "figma",
    "canva",
    "excel",
    "power-bi",
    "python",
    "sql",
    "no-code",
    "cybersecurity",
    "cloud",
    "data-literacy",
    "podcasts",
    "video-editing",
    "remote-work",
    "gen-z-culture",
    "diversity",
    "inclusion",
    "sustainability",
    "esports",
    "crypto",
    "ux",
    "agile",
    "negotiation",
    "leadership",
    "strategy",
    "finance",
    "public-speaking",
    "networking",
]
DEPARTMENTS = ["Sales", "Finance", "Marketing", "Engineering", "HR", "Operations", "Legal", "IT"]
PLACES = [("Paris", 1.0), ("Lyon", 1.0), ("Berlin", 1.0), ("London", 0.0), ("Montreal", -5.0)]


def _topics(rng: random.Random, count: int) -> dict[str, int]:
    weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(TOPICS))]
    chosen = sorted(set(rng.choices(TOPICS, weights=weights, k=count)))
    return {t: rng.randint(1, 5) for t in chosen}


def _availability(rng: random.Random, offset: float) -> frozenset[int]:
    slots: set[int] = set()
    for _ in range(rng.randint(0, 4)):
        day = rng.randint(0, 4)
        start_local = rng.choice(range(16, 34))  # 08:00 to 17:00 local, in half-hours
        start = day * 48 + start_local - int(offset * 2)
        slots.update(s % (7 * 48) for s in range(start, start + rng.choice([2, 3, 4])))
    return frozenset(slots)


def people(
    rng: random.Random, mentors: int, mentees: int
) -> tuple[list[Candidate], list[Candidate]]:
    executives = [uuid.uuid4() for _ in range(40)]

    def candidate(role: str) -> Candidate:
        location, offset = rng.choice(PLACES)
        languages = {"en"} | ({"fr"} if location in ("Paris", "Lyon", "Montreal") else set())
        if location == "Berlin":
            languages = {"de"} | ({"en"} if rng.random() < 0.8 else set())
        junior = role == "mentor"
        return Candidate(
            id=uuid.uuid4(),
            employee_id=uuid.uuid4(),
            teaches=_topics(rng, rng.randint(2, 6) if junior else rng.randint(1, 4)),
            learns=_topics(rng, rng.randint(1, 3) if junior else rng.randint(2, 5)),
            mindset=rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 5, 8, 6])[0],
            birth_year=rng.randint(1995, 2004) if junior else rng.randint(1962, 1985),
            seniority=rng.randint(0, 5) if junior else rng.randint(8, 18),
            languages=frozenset(languages),
            availability=_availability(rng, offset),
            utc_offset_hours=offset,
            format=rng.choice(["in_person", "remote", "either", "either"]),
            location=location,
            department=rng.choice(DEPARTMENTS),
            capacity=rng.randint(1, 3) if junior else 1,
            managers=frozenset(rng.sample(executives, 2)),
        )

    mentor_list = [candidate("mentor") for _ in range(mentors)]
    mentee_list = [candidate("mentee") for _ in range(mentees)]
    for senior in rng.sample(mentee_list, mentees // 20):
        object.__setattr__(senior, "prefer", frozenset({rng.choice(mentor_list).employee_id}))
    for junior in rng.sample(mentor_list, mentors // 50):
        object.__setattr__(junior, "avoid", frozenset({rng.choice(mentee_list).employee_id}))
    return mentor_list, mentee_list


CONFIG = ScoringConfig(
    min_motivation=2,
    min_openness=2,
    min_score=35.0,
    diversity_objective=True,
    objective_tags=frozenset({"generative-ai", "teams", "data-literacy", "inclusion"}),
)


def graph_greedy(graph: CandidateGraph, capacities: list[int]) -> float:
    """Best pair first over the candidate graph: the baseline where no dense matrix fits."""
    room = list(capacities)
    taken: set[int] = set()
    total = 0.0
    for e in np.argsort(-graph.scores, kind="stable"):
        i, j = int(graph.mentees[e]), int(graph.mentors[e])
        if i not in taken and room[j] > 0:
            taken.add(i)
            room[j] -= 1
            total += float(graph.scores[e])
    return total


def gib(size: float) -> str:
    return f"{size / 2**30:.2f} GiB"


def one_size(
    mentor_count: int, mentee_count: int, seed: int, keep_options: list[str], dense_up_to: int
) -> None:
    mentors, mentees = people(random.Random(seed), mentor_count, mentee_count)
    capacities = [m.capacity for m in mentors]
    keeps = [default_keep(mentor_count) if k == "auto" else int(k) for k in keep_options]
    keep = keeps[-1]
    print(
        f"{mentor_count} mentors ({sum(capacities)} places), {mentee_count} mentees, seed {seed}, keep {keep}"
    )

    tracemalloc.start()
    started = time.perf_counter()
    population = Population(mentees, mentors, CONFIG)
    encoded = time.perf_counter()
    graph = candidate_graph(population, capacities, CONFIG.min_score, keep=keep)
    scored = time.perf_counter()
    result = assign_sparse(graph, capacities)
    solved = time.perf_counter()
    documents = explained(population, CONFIG, [(i, j) for i, j, _ in result.pairs])
    done = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert len(documents) == len(result.pairs)

    cells = mentee_count * mentor_count
    print(f"encoding         {encoded - started:6.2f} s")
    print(
        f"scoring          {scored - encoded:6.2f} s   ({cells:,} pairs, {graph.edges:,} kept as candidates)"
    )
    print(f"solving          {solved - scored:6.2f} s   (min-cost flow)")
    print(f"explaining       {done - solved:6.2f} s   ({len(documents):,} pairs)")
    print(f"total            {done - started:6.2f} s")
    print(f"peak memory      {gib(peak)} traced, {gib(rss)} max RSS")
    total = result.total_score
    print(
        f"optimal          {len(result.pairs)} pairs, total score {total:,.2f}, mean {total / max(len(result.pairs), 1):.2f}"
    )
    reasons: dict[str, int] = {}
    for why in result.unmatched_mentees.values():
        reasons[why.value] = reasons.get(why.value, 0) + 1
    print(f"unmatched mentees {sum(reasons.values())}: {reasons}")
    baseline = graph_greedy(graph, capacities)
    print(f"optimal / greedy {total / baseline:.4f} (greedy over the candidates: {baseline:,.2f})")
    if cells > dense_up_to:
        if len(keeps) > 1:  # no dense optimum: compare the keeps with each other
            compare(population, capacities, keeps, None)
        return

    started = time.perf_counter()
    matrix = population.block()
    scored = time.perf_counter()
    exact = assign(matrix, capacities, CONFIG.min_score)
    solved = time.perf_counter()
    whole = greedy(matrix, capacities, CONFIG.min_score)
    print(
        f"dense, all at once: scoring {scored - started:.2f} s, solver {solved - scored:.2f} s (scipy linear_sum_assignment)"
    )
    print(f"dense optimum    {len(exact.pairs)} pairs, total score {exact.total_score:,.2f}")
    print(
        f"dense greedy     total score {whole.total_score:,.2f}; optimal / greedy {exact.total_score / whole.total_score:.4f}"
    )
    print(f"eligible pairs   {int(matrix.eligible.sum()):,} ({matrix.eligible.mean():.0%})")
    compare(population, capacities, keeps, exact.total_score)


def compare(
    population: Population, capacities: list[int], keeps: list[int], optimum: float | None
) -> None:
    """Each keep's total against the dense optimum (or, without one, the best of them)."""
    totals = []
    for k in keeps:
        candidates = candidate_graph(population, capacities, CONFIG.min_score, keep=k)
        sparse: Assignment = assign_sparse(candidates, capacities)
        totals.append((k, candidates.edges, sparse.total_score))
    reference = optimum if optimum is not None else max(total for _, _, total in totals)
    against = "dense" if optimum is not None else "best"
    print(f"keep   candidates   sparse total    gap to {against:5s}   sparse / {against}")
    for k, edges, total in totals:
        gap = round(reference - total, 2) + 0.0  # no "-0.00"
        print(f"{k:4d}   {edges:10,}   {total:12,.2f}   {gap:12,.2f}   {total / reference:.6f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="2000x3000,10000x15000", help="MENTORSxMENTEES,...")
    parser.add_argument("--seeds", default="2026")
    parser.add_argument(
        "--keep",
        default="auto",
        help="candidates kept per mentee (auto: what runs use, graph.default_keep); several, "
        "comma-separated, are compared with the dense optimum (or each other where it does "
        "not fit), the last one is timed",
    )
    parser.add_argument("--dense-up-to", type=int, default=6_000_000, help="cells")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    keeps = args.keep.split(",")
    sizes = [tuple(int(x) for x in size.split("x")) for size in args.sizes.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.one:
        [(mentor_count, mentee_count)] = sizes
        one_size(mentor_count, mentee_count, seeds[0], keeps, args.dense_up_to)
        return
    for mentor_count, mentee_count in sizes:
        for seed in seeds:
            command = [sys.executable, "-m", "bench.matching", "--one"]
            command += ["--sizes", f"{mentor_count}x{mentee_count}", "--seeds", str(seed)]
            command += ["--keep", args.keep, "--dense-up-to", str(args.dense_up_to)]
            subprocess.run(command, check=True)
            print(flush=True)


if __name__ == "__main__":
    main()
