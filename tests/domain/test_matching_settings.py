"""The matching settings document: defaults, validation and the weights scoring uses."""

import math

import pytest
from pydantic import ValidationError

from app.domain.errors import Invalid
from app.domain.programs.matching_settings import MatchingSettings, MatchMode


def test_defaults_are_a_valid_reverse_program() -> None:
    settings = MatchingSettings()
    assert settings.reverse.hard is True
    assert settings.reverse.min_seniority_gap == 1
    assert settings.modes == [MatchMode.AUTOMATIC]
    assert MatchingSettings.model_validate(settings.to_document()) == settings


def test_other_kinds_do_not_require_a_reversed_pair() -> None:
    for kind in ("traditional", "peer"):
        settings = MatchingSettings.defaults_for(kind)
        assert settings.reverse.hard is False
        assert settings.reverse.weight == 0
        assert settings.normalised_weights()["reverse"] == 0
    assert MatchingSettings.defaults_for("reverse") == MatchingSettings()


def test_weights_are_normalised_to_one() -> None:
    settings = MatchingSettings.model_validate(
        {
            "mutual_learning": {"weight": 1},
            "reverse": {"weight": 0.5},
            "mindset": {"weight": 0.5},
            "practical_fit": {"weight": 0},
            "diversity": {"weight": 0},
        }
    )
    weights = settings.normalised_weights()
    assert math.isclose(sum(weights.values()), 1)
    assert weights["mutual_learning"] == 0.5
    assert weights["reverse"] == weights["mindset"] == 0.25
    assert math.isclose(sum(MatchingSettings().normalised_weights().values()), 1)


@pytest.mark.parametrize(
    ("document", "location"),
    [
        ({"minimum_score": 1.5}, ("minimum_score",)),
        ({"mindset": {"threshold": -0.1}}, ("mindset", "threshold")),
        (
            {"practical_fit": {"max_timezone_gap_hours": 24}},
            ("practical_fit", "max_timezone_gap_hours"),
        ),
        ({"modes": []}, ("modes",)),
        ({"modes": ["manual", "manual"]}, ("modes",)),
        ({"modes": ["lottery"]}, ("modes", 0)),
        ({"reverse": {"hard": True, "strict": True}}, ("reverse", "strict")),
        ({"minimum_score": False}, ("minimum_score",)),
        ({"reverse": {"hard": "yes"}}, ("reverse", "hard")),
        ({"reverse": {"min_seniority_gap": "2"}}, ("reverse", "min_seniority_gap")),
    ],
)
def test_invalid_documents_are_refused(
    document: dict[str, object], location: tuple[object, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        MatchingSettings.model_validate(document)
    assert caught.value.errors()[0]["loc"] == location


def test_some_criterion_needs_a_weight() -> None:
    # A rule across members, which the schema cannot state: a business rule.
    every = ("mutual_learning", "reverse", "mindset", "practical_fit", "diversity")
    with pytest.raises(Invalid) as caught:
        MatchingSettings.model_validate({name: {"weight": 0} for name in every})
    assert caught.value.code == "no_weight"
