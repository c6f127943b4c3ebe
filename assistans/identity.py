"""Swedish identity numbers: personnummer, samordningsnummer, organisationsnummer.

python-stdnum does the checksum and date work; it does not know
samordningsnummer (day of birth + 60), so those are checked here with its Luhn
helper. Numbers are stored normalised as 12 digits (YYYYMMDDNNNN) for persons
and 10 digits for organisations, and shown masked (YYMMDD-****) by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr, personnummer


class InvalidNumber(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PersonalNumber:
    normalized: str  # YYYYMMDDNNNN
    birth_date: date
    coordination: bool  # samordningsnummer

    @property
    def masked(self) -> str:
        return mask(self.normalized)

    @property
    def display(self) -> str:
        return display(self.normalized)


_PERSON_RE = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")


def parse_personal_number(value: str, *, today: date | None = None) -> PersonalNumber:
    """Validate a personnummer or samordningsnummer and normalise it to 12 digits.

    Accepts YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN and YYMMDD+NNNN (100+).
    """
    raw = (value or "").strip().replace(" ", "")
    match = _PERSON_RE.match(raw)
    if not match:
        raise InvalidNumber(
            "Ange personnummer eller samordningsnummer som ÅÅÅÅMMDD-NNNN (12 siffror) eller ÅÅMMDD-NNNN."
        )
    century, short_date, separator, tail = match.groups()
    ten = short_date + tail
    if not luhn.is_valid(ten):
        raise InvalidNumber("Kontrollsiffran stämmer inte. Kontrollera personnumret.")
    day_field = int(short_date[4:6])
    coordination = day_field > 60
    real_day = day_field - 60 if coordination else day_field
    adjusted = short_date[:4] + f"{real_day:02d}"
    # Let stdnum settle the century and the calendar date on the adjusted number
    # (for a samordningsnummer the checksum was verified above on the original).
    adjusted_ten = adjusted + tail[:3]
    adjusted_full = (century or "") + adjusted_ten + luhn.calc_check_digit(adjusted_ten)
    if not century:
        adjusted_full = adjusted_full[:6] + (separator or "-") + adjusted_full[6:]
    try:
        birth = personnummer.get_birth_date(adjusted_full)
    except (StdnumError, ValueError) as exc:
        raise InvalidNumber("Födelsedatumet i numret finns inte. Kontrollera personnumret.") from exc
    if today is not None and birth > today:
        raise InvalidNumber("Födelsedatumet i numret ligger i framtiden. Kontrollera personnumret.")
    normalized = f"{birth.year:04d}{short_date[2:]}{tail}"
    return PersonalNumber(normalized=normalized, birth_date=birth, coordination=coordination)


def normalize_org_number(value: str) -> str:
    """Validate an organisationsnummer (10 digits, Luhn) or, for someone who
    employs their own assistants, a personnummer. Returns digits only."""
    raw = (value or "").strip().replace(" ", "")
    digits = re.sub(r"[-+]", "", raw)
    if len(digits) == 10 and digits.isascii() and digits.isdigit() and int(digits[2:4]) >= 20:
        # Organisation numbers have 20 or more in the "month" position.
        try:
            return orgnr.compact(orgnr.validate(raw))
        except StdnumError as exc:
            raise InvalidNumber("Organisationsnumret är ogiltigt (kontrollsiffran stämmer inte).") from exc
    try:
        return parse_personal_number(raw).normalized
    except InvalidNumber as exc:
        raise InvalidNumber(
            "Ange ett giltigt organisationsnummer (NNNNNN-NNNN) eller, för den som själv är "
            "arbetsgivare, ett personnummer."
        ) from exc


def mask(normalized: str) -> str:
    """YYMMDD-**** for a stored 12-digit number."""
    if len(normalized) == 12:
        return f"{normalized[2:8]}-****"
    return "******-****"


def birth_date_of(normalized: str) -> date:
    return parse_personal_number(normalized).birth_date


def display(normalized: str) -> str:
    """A stored 12-digit number as written on FK's forms: ÅÅÅÅMMDD-NNNN."""
    return f"{normalized[:8]}-{normalized[8:]}"


def format_org_number(normalized: str) -> str:
    if len(normalized) == 10:
        return f"{normalized[:6]}-{normalized[6:]}"
    return display(normalized)


def make_personal_number(birth: date, serial: int, *, coordination: bool = False) -> str:
    """A valid 12-digit number for demo data and tests (serial 0-999)."""
    day = birth.day + (60 if coordination else 0)
    ten_without_check = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth:%Y}"[:2] + ten_without_check + luhn.calc_check_digit(ten_without_check)


def make_org_number(serial: int) -> str:
    nine = f"559{serial:06d}"
    return nine + luhn.calc_check_digit(nine)
