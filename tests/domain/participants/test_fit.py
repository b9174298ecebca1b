"""From stored profiles to the scorer: time windows, reporting chains, program settings."""

import uuid

from app.domain.participants.fit import manager_chains, scoring_config, utc_slots
from app.domain.participants.scoring import score_matrix
from app.domain.programs.matching_settings import MatchingSettings
from app.domain.programs.models import Objective, ObjectiveCategory, Program
from tests.domain.participants.factories import mentee, mentor


def test_local_windows_become_utc_half_hours() -> None:
    # Monday 09:00-10:00 in UTC+1 is Monday 08:00-09:00 UTC: half-hours 16 and 17.
    assert utc_slots([{"day": 0, "start": "09:00", "end": "10:00"}], 1.0) == {16, 17}
    # A window that starts before midnight UTC on Monday wraps to Sunday evening.
    assert utc_slots([{"day": 0, "start": "00:00", "end": "00:30"}], 1.0) == {7 * 48 - 2}
    # Minutes round outwards to whole half-hours.
    assert utc_slots([{"day": 1, "start": "09:15", "end": "09:45"}], 0.0) == {66, 67}


def test_people_in_different_time_zones_overlap_in_utc() -> None:
    paris = utc_slots([{"day": 2, "start": "14:00", "end": "16:00"}], 1.0)
    montreal = utc_slots([{"day": 2, "start": "08:00", "end": "10:00"}], -5.0)
    # 14:00-16:00 in Paris and 08:00-10:00 in Montreal are both 13:00-15:00 UTC.
    assert paris == montreal
    berlin_morning = utc_slots([{"day": 2, "start": "09:00", "end": "14:30"}], 1.0)
    matrix = score_matrix(
        [mentee(availability=berlin_morning)],
        [mentor(availability=montreal)],
        scoring_config(_program(), []),
    )
    assert matrix.components["overlap_hours"][0, 0] == 0.5  # 13:00-13:30 UTC


def test_reporting_chains_go_all_the_way_up_and_survive_cycles() -> None:
    ceo, vp, lead, dev = (uuid.uuid4() for _ in range(4))
    a, b = uuid.uuid4(), uuid.uuid4()
    chains = manager_chains({ceo: None, vp: ceo, lead: vp, dev: lead, a: b, b: a})
    assert chains[dev] == {lead, vp, ceo}
    assert chains[ceo] == frozenset()
    assert chains[a] == {b}


def _program(**settings: object) -> Program:
    return Program(
        organization_id=uuid.uuid4(),
        name="p",
        matching_settings=MatchingSettings.model_validate(settings).to_document(),
    )


def test_program_settings_map_onto_the_scorer() -> None:
    objectives = [
        Objective(
            organization_id=uuid.uuid4(),
            program_id=uuid.uuid4(),
            title="AI",
            category=ObjectiveCategory.DIGITAL_TRANSFORMATION,
            topic_tags=["generative-ai"],
        ),
        Objective(
            organization_id=uuid.uuid4(),
            program_id=uuid.uuid4(),
            title="Inclusion",
            category=ObjectiveCategory.DIVERSITY_INCLUSION,
            topic_tags=["inclusion"],
        ),
    ]
    config = scoring_config(
        _program(minimum_score=0.6, mindset={"threshold": 0.75, "weight": 0.3}), objectives
    )
    assert config.min_score == 60
    assert config.min_motivation == config.min_openness == 4
    assert config.weight_mindset == 0.3
    assert config.objective_tags == {"generative-ai", "inclusion"}
    assert config.diversity_objective
    assert config.reverse_required
    relaxed = scoring_config(_program(reverse={"hard": False}, mindset={"threshold": 0}), [])
    assert not relaxed.reverse_required
    assert relaxed.min_motivation == 1
    assert not relaxed.diversity_objective
