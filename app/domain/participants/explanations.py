"""Why a pair scores what it scores, in numbers and in words."""

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.participants.scoring import (
    COMPONENTS,
    INELIGIBLE_TEXT,
    Candidate,
    Format,
    Ineligible,
    ScoreMatrix,
    ScoringConfig,
)


@dataclass(frozen=True)
class Explanation:
    score: float
    eligible: bool
    ineligible_reason: str | None
    components: Mapping[str, float]  # each 0-100
    weights: Mapping[str, float]
    reasons: list[str]
    # The stable code of ``ineligible_reason`` (``reporting_line``, ``avoided``...).
    ineligible_code: str | None = None


def _listing(tags: list[str], limit: int = 5) -> str:
    shown = ", ".join(tags[:limit])
    return shown + (f" and {len(tags) - limit} more" if len(tags) > limit else "")


def _years(gap: int) -> str:
    return f"{gap} year{'s' if gap != 1 else ''}"


def _reasons(
    mentee: Candidate, mentor: Candidate, config: ScoringConfig, overlap: float
) -> list[str]:
    reasons: list[str] = []
    wanted = sorted(mentee.learns, key=lambda t: (-mentee.learns[t], t))
    covered = [t for t in wanted if mentor.teaches.get(t, 0) > 0]
    if wanted:
        reasons.append(
            f"covers {len(covered)} of {len(wanted)} wanted topics"
            + (f": {_listing(covered)}" if covered else "")
        )
    mentor_wants = sorted(mentor.learns, key=lambda t: (-mentor.learns[t], t))
    taught_back = [t for t in mentor_wants if mentee.teaches.get(t, 0) > 0]
    if taught_back:
        reasons.append(
            f"the mentee can teach back {len(taught_back)} of {len(mentor_wants)} topics the "
            f"mentor wants: {_listing(taught_back)}"
        )
    objective = sorted({*covered, *taught_back} & config.objective_tags)
    if objective:
        reasons.append(f"serves the program's objectives: {_listing(objective)}")

    facts = []
    if mentor.birth_year and mentee.birth_year and mentor.birth_year > mentee.birth_year:
        facts.append(f"{_years(mentor.birth_year - mentee.birth_year)} younger")
    if mentor.seniority < mentee.seniority:
        gap = mentee.seniority - mentor.seniority
        facts.append(f"{gap} seniority level{'s' if gap != 1 else ''} below")
    reasons.append(
        f"reverse pair: the mentor is {' and '.join(facts)}"
        if facts
        else "not a reverse pair: the mentor is neither younger nor less senior"
    )
    reasons.append(f"mentor motivation {mentor.mindset}/5, mentee openness {mentee.mindset}/5")

    shared = sorted(mentee.languages & mentor.languages)
    reasons.append(f"shared languages: {', '.join(shared)}" if shared else "no shared language")
    if mentee.availability and mentor.availability:
        reasons.append(f"{overlap:g} h of weekly availability overlap")
    else:
        distance = abs(mentee.utc_offset_hours - mentor.utc_offset_hours)
        reasons.append(f"time zones {distance:g} h apart" if distance else "same time zone")
    if mentee.format == Format.IN_PERSON and mentor.format == Format.IN_PERSON:
        reasons.append(
            f"both meet in person in {mentee.location}"
            if mentee.location and mentee.location == mentor.location
            else f"both want in-person meetings but work in {mentee.location} / {mentor.location}"
        )
    elif {mentee.format, mentor.format} == {Format.IN_PERSON, Format.REMOTE}:
        reasons.append("formats clash: one wants in-person meetings, the other remote")
    else:
        reasons.append(
            f"format: {mentee.format.replace('_', ' ')} / {mentor.format.replace('_', ' ')}"
        )

    if config.diversity_objective:
        if (
            config.diversity_department
            and mentee.department
            and mentor.department
            and mentee.department != mentor.department
        ):
            reasons.append(f"different department: {mentor.department} / {mentee.department}")
        if (
            config.diversity_location
            and mentee.location
            and mentor.location
            and mentee.location != mentor.location
        ):
            reasons.append(f"different location: {mentor.location} / {mentee.location}")
    if mentor.employee_id in mentee.prefer:
        reasons.append("the mentee asked for this mentor")
    if mentee.employee_id in mentor.prefer:
        reasons.append("the mentor asked for this mentee")
    return reasons


def explain(matrix: ScoreMatrix, i: int, j: int, config: ScoringConfig) -> Explanation:
    """Explain the pair (mentee i, mentor j) of an already computed matrix."""
    mentee, mentor = matrix.mentees[i], matrix.mentors[j]
    reason = Ineligible(int(matrix.ineligible[i, j]))
    weights = config.weights()
    return Explanation(
        score=float(matrix.total[i, j]),
        eligible=reason is Ineligible.ELIGIBLE,
        ineligible_reason=None if reason is Ineligible.ELIGIBLE else INELIGIBLE_TEXT[reason],
        components={
            name: round(float(matrix.components[name][i, j]) * 100, 1) for name in COMPONENTS
        },
        weights={name: weight for name, weight in weights.items() if weight},
        reasons=_reasons(mentee, mentor, config, float(matrix.components["overlap_hours"][i, j])),
        ineligible_code=None if reason is Ineligible.ELIGIBLE else reason.name.lower(),
    )
