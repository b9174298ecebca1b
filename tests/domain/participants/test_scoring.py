"""Each scoring rule and each hard exclusion, on small hand-made cases."""

import uuid

import numpy as np

from app.domain.participants.explanations import explain
from app.domain.participants.scoring import Ineligible, ScoringConfig, score_matrix
from tests.domain.participants.factories import mentee, mentor

CONFIG = ScoringConfig()


def one(mentee_, mentor_, config: ScoringConfig = CONFIG, previous=frozenset()):  # type: ignore[no-untyped-def]
    matrix = score_matrix([mentee_], [mentor_], config, previous)
    return matrix, explain(matrix, 0, 0, config)


def test_learning_covers_wanted_topics_by_priority_and_proficiency() -> None:
    wants = {"generative-ai": 5, "teams": 3, "tiktok": 2, "excel": 1}
    full = mentor(teaches={"generative-ai": 5, "teams": 5, "tiktok": 5, "excel": 5})
    partial = mentor(teaches={"generative-ai": 5, "teams": 3, "tiktok": 4})
    weak = mentor(teaches={"excel": 5})
    matrix = score_matrix([mentee(learns=wants)], [full, partial, weak], CONFIG)
    learning = matrix.components["learning"][0]
    assert learning[0] == 1.0
    assert learning[0] > learning[1] > learning[2] > 0
    # priority x proficiency: (5*5 + 3*3 + 2*4) / 5 / (5+3+2+1)
    assert np.isclose(learning[1], (25 + 9 + 8) / 5 / 11)
    _, why = one(mentee(learns=wants), partial)
    assert "covers 3 of 4 wanted topics: generative-ai, teams, tiktok" in why.reasons


def test_learning_counts_the_reverse_direction_and_objective_topics() -> None:
    senior = mentee(learns={"tiktok": 5}, teaches={"negotiation": 5})
    curious = mentor(teaches={"tiktok": 5}, learns={"negotiation": 4})
    incurious = mentor(teaches={"tiktok": 5}, learns={"python": 4})
    matrix = score_matrix([senior], [curious, incurious], CONFIG)
    assert matrix.components["learning"][0, 0] > matrix.components["learning"][0, 1]
    _, why = one(senior, curious)
    assert any("teach back 1 of 1 topics the mentor wants: negotiation" in r for r in why.reasons)

    wants = {"generative-ai": 3, "golf": 3}
    ai = mentor(teaches={"generative-ai": 5})
    golf = mentor(teaches={"golf": 5})
    config = ScoringConfig(objective_tags=frozenset({"generative-ai"}))
    matrix = score_matrix([mentee(learns=wants)], [ai, golf], config)
    assert matrix.components["learning"][0, 0] > matrix.components["learning"][0, 1]
    _, why = one(mentee(learns=wants), ai, config)
    assert "serves the program's objectives: generative-ai" in why.reasons


def test_reverse_criterion_as_weight_and_as_hard_rule() -> None:
    senior = mentee(birth_year=1968, seniority=14)
    young_junior = mentor(birth_year=2000, seniority=1)
    young_senior = mentor(birth_year=2000, seniority=15)
    old_senior = mentor(birth_year=1960, seniority=16)
    matrix = score_matrix([senior], [young_junior, young_senior, old_senior], CONFIG)
    reverse = matrix.components["reverse"][0]
    assert reverse[0] > reverse[1] > reverse[2] == 0
    assert matrix.eligible.all()  # as a weight only

    hard = ScoringConfig(reverse_required=True)
    matrix = score_matrix([senior], [young_junior, young_senior, old_senior], hard)
    assert list(matrix.ineligible[0]) == [0, 0, Ineligible.NOT_REVERSE]
    _, why = one(senior, young_junior)
    assert (
        "reverse pair: the mentor is 32 years younger and 13 seniority levels below" in why.reasons
    )
    _, why = one(senior, old_senior, hard)
    assert why.ineligible_reason == "the mentor is neither younger nor less senior than the mentee"


def test_mindset_scores_and_thresholds() -> None:
    config = ScoringConfig(min_motivation=3, min_openness=3)
    eager, lukewarm = mentor(mindset=5), mentor(mindset=2)
    open_, closed = mentee(mindset=5), mentee(mindset=2)
    matrix = score_matrix([open_, closed], [eager, lukewarm], config)
    assert matrix.components["mindset"][0, 0] == 1.0
    assert matrix.ineligible[0, 1] == Ineligible.MENTOR_MOTIVATION_LOW
    assert matrix.ineligible[1, 0] == Ineligible.MENTEE_OPENNESS_LOW
    assert matrix.eligible[0, 0]


def test_practical_fit_language_time_and_format() -> None:
    french = mentee(languages=frozenset({"fr"}))
    english = mentor(languages=frozenset({"en"}))
    bilingual = mentor(languages=frozenset({"en", "fr"}))
    matrix = score_matrix([french], [english, bilingual], CONFIG)
    assert matrix.ineligible[0, 0] == Ineligible.NO_SHARED_LANGUAGE
    assert matrix.eligible[0, 1]

    # Availability overlap in UTC half-hours: 4 shared slots = 2 h.
    senior = mentee(availability=frozenset(range(100, 110)))
    overlapping = mentor(availability=frozenset(range(106, 120)))
    disjoint = mentor(availability=frozenset(range(200, 210)))
    far = mentor(utc_offset_hours=9.0)
    matrix = score_matrix([senior], [overlapping, disjoint], CONFIG)
    practical = matrix.components["practical"][0]
    assert practical[0] > practical[1]
    _, why = one(senior, overlapping)
    assert "2 h of weekly availability overlap" in why.reasons
    matrix = score_matrix([mentee()], [mentor(), far], CONFIG)
    assert matrix.components["practical"][0, 0] > matrix.components["practical"][0, 1]

    in_paris = mentee(format="in_person", location="Paris")
    remote = mentor(format="remote")
    paris = mentor(format="in_person", location="Paris")
    berlin = mentor(format="in_person", location="Berlin")
    either = mentor(format="either")
    practical = score_matrix([in_paris], [remote, paris, berlin, either], CONFIG).components[
        "practical"
    ][0]
    assert practical[1] == practical[3] > practical[2] > practical[0]


def test_diversity_counts_only_with_a_diversity_objective() -> None:
    senior = mentee(department="Finance", location="Paris")
    other = mentor(department="Sales", location="Berlin")
    same = mentor(department="Finance", location="Paris")
    plain = score_matrix([senior], [other, same], CONFIG)
    assert plain.total[0, 0] == plain.total[0, 1]
    diverse_config = ScoringConfig(diversity_objective=True)
    diverse = score_matrix([senior], [other, same], diverse_config)
    assert diverse.total[0, 0] > diverse.total[0, 1]
    _, why = one(senior, other, diverse_config)
    assert "different department: Sales / Finance" in why.reasons


def test_preferences_raise_the_score() -> None:
    wanted = mentor()
    other = mentor()
    senior = mentee(prefer=frozenset({wanted.employee_id}))
    matrix = score_matrix([senior], [wanted, other], CONFIG)
    assert matrix.total[0, 0] > matrix.total[0, 1]
    _, why = one(senior, wanted)
    assert "the mentee asked for this mentor" in why.reasons


def test_hard_exclusions() -> None:
    boss = mentee()
    report = mentor(managers=frozenset({boss.employee_id}))
    skip_level_boss = mentor()
    report_of_report = mentee(managers=frozenset({uuid.uuid4(), skip_level_boss.employee_id}))
    matrix = score_matrix([boss, report_of_report], [report, skip_level_boss], CONFIG)
    assert matrix.ineligible[0, 0] == Ineligible.REPORTING_LINE  # mentor reports to mentee
    assert (
        matrix.ineligible[1, 1] == Ineligible.REPORTING_LINE
    )  # mentee reports to mentor, indirectly
    assert matrix.eligible[0, 1]
    assert matrix.eligible[1, 0]

    disliked = mentor()
    picky = mentee(avoid=frozenset({disliked.employee_id}))
    shy = mentor(avoid=frozenset({picky.employee_id}))
    matrix = score_matrix([picky], [disliked, shy, mentor()], CONFIG)
    assert list(matrix.ineligible[0]) == [Ineligible.AVOIDED, Ineligible.AVOIDED, 0]

    former = mentor()
    senior = mentee()
    matrix = score_matrix([senior], [former], CONFIG, {(senior.employee_id, former.employee_id)})
    assert matrix.ineligible[0, 0] == Ineligible.PAIRED_BEFORE

    both = mentee()
    same = mentor(employee_id=both.employee_id)
    assert score_matrix([both], [same], CONFIG).ineligible[0, 0] == Ineligible.SAME_PERSON


def test_explanation_matches_the_matrix_and_is_deterministic() -> None:
    mentees = [mentee(learns={"ai": 4, "sql": 2}, department="Sales") for _ in range(3)]
    mentors = [mentor(teaches={"ai": 5}, department="IT"), mentor(teaches={"sql": 3})]
    config = ScoringConfig(diversity_objective=True)
    first = score_matrix(mentees, mentors, config)
    second = score_matrix(mentees, mentors, config)
    assert np.array_equal(first.total, second.total)
    for i in range(3):
        for j in range(2):
            why = explain(first, i, j, config)
            assert why.score == first.total[i, j]
            weights = config.weights()
            recomputed = (
                sum(weights[c] * why.components[c] / 100 for c in weights)
                * 100
                / sum(weights.values())
            )
            assert abs(recomputed - why.score) < 0.2
    assert first.total.min() >= 0
    assert first.total.max() <= 100


def test_program_settings_tune_the_hard_rules_and_diversity() -> None:
    senior = mentee(birth_year=None, seniority=5)
    one_below = mentor(birth_year=None, seniority=4)
    three_below = mentor(birth_year=None, seniority=2)
    gap = ScoringConfig(reverse_required=True, min_seniority_gap=3)
    matrix = score_matrix([senior], [one_below, three_below], gap)
    assert list(matrix.ineligible[0]) == [Ineligible.NOT_REVERSE, 0]
    assert score_matrix([senior], [one_below], ScoringConfig(reverse_required=True)).eligible[0, 0]

    french = mentee(languages=frozenset({"fr"}))
    english = mentor(languages=frozenset({"en"}))
    relaxed = ScoringConfig(require_common_language=False)
    assert score_matrix([french], [english], relaxed).eligible[0, 0]

    finance_paris = mentee(department="Finance", location="Paris")
    finance_berlin = mentor(department="Finance", location="Berlin")
    sales_paris = mentor(department="Sales", location="Paris")
    departments_only = ScoringConfig(diversity_objective=True, diversity_location=False)
    diversity = score_matrix(
        [finance_paris], [finance_berlin, sales_paris], departments_only
    ).components["diversity"][0]
    assert list(diversity) == [0.0, 1.0]
    _, why = one(finance_paris, finance_berlin, departments_only)
    assert not any(r.startswith("different location") for r in why.reasons)


def test_two_people_whose_pair_was_not_a_fit_are_excluded_in_either_role() -> None:
    alice, bob, carol = mentee(), mentor(), mentor()
    # Bob and Alice ended as not a fit; each could now be on the other side of a pair.
    bob_as_mentee = mentee(employee_id=bob.employee_id)
    alice_as_mentor = mentor(employee_id=alice.employee_id)
    not_a_fit = frozenset({(bob.employee_id, alice.employee_id)})
    matrix = score_matrix(
        [alice, bob_as_mentee], [bob, carol, alice_as_mentor], CONFIG, not_a_fit=not_a_fit
    )
    assert matrix.ineligible[0, 0] == Ineligible.NOT_A_FIT
    assert matrix.ineligible[1, 2] == Ineligible.NOT_A_FIT
    assert matrix.ineligible[0, 1] == Ineligible.ELIGIBLE  # Carol is still a fine mentor
    why = explain(matrix, 0, 0, CONFIG)
    assert not why.eligible
    assert why.ineligible_code == "not_a_fit"
    assert why.ineligible_reason == "a pair of theirs ended as not a fit"
    # The reason says nothing about who answered: it is the same from both sides.
    assert explain(matrix, 1, 2, CONFIG).ineligible_reason == why.ineligible_reason
