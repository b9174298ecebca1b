"""Matching at scale: scoring and the optimal assignment for thousands of participants.

Builds realistic random profiles (topics drawn from a popularity-skewed catalogue, ages and
seniority typical of reverse mentoring, languages, availability in several time zones,
formats, departments and locations, reporting chains, a few preferences and avoidances),
then times the vectorised scoring and the exact solver, reports peak memory, and compares
the optimal total score with a greedy best-pair-first baseline.

    .venv/bin/python -m bench.matching --mentors 2000 --mentees 3000
"""

import argparse
import random
import resource
import time
import tracemalloc
import uuid

from app.domain.matching.solver import assign, greedy
from app.domain.participants.scoring import Candidate, ScoringConfig, score_matrix

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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mentors", type=int, default=2000)
    parser.add_argument("--mentees", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    mentors, mentees = people(random.Random(args.seed), args.mentors, args.mentees)
    config = ScoringConfig(
        min_motivation=2,
        min_openness=2,
        min_score=35.0,
        diversity_objective=True,
        objective_tags=frozenset({"generative-ai", "teams", "data-literacy", "inclusion"}),
    )
    capacities = [m.capacity for m in mentors]

    tracemalloc.start()
    started = time.perf_counter()
    matrix = score_matrix(mentees, mentors, config)
    scored = time.perf_counter()
    result = assign(matrix, capacities, config.min_score)
    solved = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    baseline = greedy(matrix, capacities, config.min_score)

    slots = sum(capacities)
    print(f"{args.mentors} mentors ({slots} places), {args.mentees} mentees, seed {args.seed}")
    print(f"scoring          {scored - started:6.2f} s   ({matrix.total.size:,} pairs)")
    print(f"optimal solver   {solved - scored:6.2f} s")
    print(f"total            {solved - started:6.2f} s")
    print(
        f"peak memory      {peak / 2**20:6.0f} MiB traced, {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB max RSS"
    )
    print(f"eligible pairs   {int(matrix.eligible.sum()):,} ({matrix.eligible.mean():.0%})")
    print(
        f"optimal          {len(result.pairs)} pairs, total score {result.total_score:,.1f}, mean {result.total_score / max(len(result.pairs), 1):.1f}"
    )
    print(
        f"greedy           {len(baseline.pairs)} pairs, total score {baseline.total_score:,.1f}, mean {baseline.total_score / max(len(baseline.pairs), 1):.1f}"
    )
    print(f"optimal / greedy {result.total_score / baseline.total_score:.4f} total score")
    reasons: dict[str, int] = {}
    for why in result.unmatched_mentees.values():
        reasons[why.value] = reasons.get(why.value, 0) + 1
    print(f"unmatched mentees {sum(reasons.values())}: {reasons}")


if __name__ == "__main__":
    main()
