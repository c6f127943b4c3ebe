from datetime import date

import pytest

from assistans import identity

VALID = [
    # (input, normalised, birth date, samordningsnummer) – the rule in plain words as the id
    pytest.param("19811218-9876", "198112189876", date(1981, 12, 18), False, id="12 digits with hyphen"),
    pytest.param("198112189876", "198112189876", date(1981, 12, 18), False, id="12 digits without hyphen"),
    pytest.param("811218-9876", "198112189876", date(1981, 12, 18), False, id="10 digits: century from the date"),
    pytest.param("811218+9876", "188112189876", date(1881, 12, 18), False, id="plus sign means 100 years or older"),
    pytest.param("19811278-9873", "198112789873", date(1981, 12, 18), True, id="samordningsnummer: day minus 60"),
]


@pytest.mark.parametrize(("value", "normalized", "birth", "coordination"), VALID)
def test_it_normalises_valid_personal_numbers(value, normalized, birth, coordination):
    parsed = identity.parse_personal_number(value)
    assert parsed.normalized == normalized
    assert parsed.birth_date == birth
    assert parsed.coordination is coordination


INVALID = [
    pytest.param("19811218-9875", "Kontrollsiffran", id="wrong check digit"),
    pytest.param("19810230-1234", "Födelsedatumet", id="30 February does not exist"),
    pytest.param("abc", "Ange personnummer", id="not a number at all"),
    pytest.param("198112189", "Ange personnummer", id="too short"),
    pytest.param("", "Ange personnummer", id="empty"),
]


@pytest.mark.parametrize(("value", "message"), INVALID)
def test_it_refuses_invalid_personal_numbers_in_swedish(value, message):
    with pytest.raises(identity.InvalidNumber) as excinfo:
        identity.parse_personal_number(value)
    assert message in excinfo.value.message


def test_it_refuses_a_birth_date_in_the_future():
    number = identity.make_personal_number(date(2030, 1, 1), 5)
    with pytest.raises(identity.InvalidNumber, match="framtiden"):
        identity.parse_personal_number(number, today=date(2026, 11, 24))


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        pytest.param("556036-0793", "5560360793", id="organisation number with hyphen"),
        pytest.param("5560360793", "5560360793", id="organisation number digits only"),
        pytest.param("19811218-9876", "198112189876", id="self-employer gives a personnummer"),
    ],
)
def test_it_accepts_organisation_numbers(value, normalized):
    assert identity.normalize_org_number(value) == normalized


@pytest.mark.parametrize("value", ["556036-0794", "123", "19811218-9875", "55²²²²-²²²²", "55٣٣٣٣-٣٣٣٣"])
def test_it_refuses_invalid_organisation_numbers(value):
    with pytest.raises(identity.InvalidNumber):
        identity.normalize_org_number(value)


def test_it_masks_personal_numbers_as_yymmdd_stars():
    assert identity.mask("198112189876") == "811218-****"


def test_generated_demo_numbers_are_valid():
    for serial in range(0, 1000, 37):
        number = identity.make_personal_number(date(1990, 5, 17), serial)
        assert identity.parse_personal_number(number).birth_date == date(1990, 5, 17)
        coordination = identity.make_personal_number(date(1990, 5, 17), serial, coordination=True)
        assert identity.parse_personal_number(coordination).coordination
        assert identity.normalize_org_number(identity.make_org_number(serial)).startswith("559")


@pytest.mark.parametrize("value", ["5050-1055", "50501055"])
def test_bankgiro_numbers_with_a_valid_check_digit_pass(value):
    from assistans.models import validate_bankgiro

    validate_bankgiro(value)


@pytest.mark.parametrize("value", ["5050-1056", "12", "²²²²-²²²²", "٥٠٥٠-١٠٥٥"])
def test_other_bankgiro_numbers_get_a_swedish_message(value):
    from django.core.exceptions import ValidationError

    from assistans.models import validate_bankgiro

    with pytest.raises(ValidationError) as excinfo:
        validate_bankgiro(value)
    assert "Bankgiro" in str(excinfo.value)
