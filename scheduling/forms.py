"""Planning forms. They turn what the coordinator typed into a ``ShiftData``
(local date and clock times into instants, T2) and leave every rule to the
recording service; refusals come back as errors on the fields they concern."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from assistans import selectors

from . import services
from .models import Kind, Shift
from .rules import model as m
from .rules.timeutil import AmbiguousTime, LocalTimeError, make_aware, minutes_between
from .texts import finding_message

SEGMENT_ROWS = 3
MAX_COPY_WEEKS = 26

#: Which field a refusal concerns, by rule code (the rest go above the form).
FIELD_OF_CODE = {
    "A0": "assistant",
    "H1": "start_time",
    "H3": "end_time",
    "M3": "date",
    "T2": "start_time",
}

_EXCEPTION_KEY = re.compile(r"^reason_([A-Z][0-9]{1,2})$")
_SEGMENT_KEY = re.compile(r"^seg([1-9][0-9]?)_(?:time|kind)$")


def fold_field() -> forms.ChoiceField:
    """Which 02:xx is meant on the autumn night the clock is set back (T2)."""
    return forms.ChoiceField(
        label=_("Natten då klockan ställs tillbaka"),
        required=False,
        choices=[("", _("Inte aktuellt")), ("0", _("Första gången (sommartid)")), ("1", _("Andra gången (vintertid)"))],
        help_text=_("Bara sista söndagen i oktober: klockan 02:00–02:59 inträffar två gånger."),
    )


def aware_time(form: forms.Form, day: date, clock: time, field: str) -> datetime | None:
    """``day`` at ``clock`` in Swedish time, with the form's ``fold`` answer; a
    time the autumn night has twice is asked about, never guessed (T2), and a
    time the spring night skips is refused, each next to ``field``."""
    fold = form.cleaned_data.get("fold")
    try:
        return make_aware(day, clock, fold=int(fold) if fold else None)
    except LocalTimeError as exc:
        code = "ambiguous" if isinstance(exc, AmbiguousTime) else "nonexistent"
        form.add_error(field, forms.ValidationError(finding_message(exc), code=code))
        return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _local(instant: datetime) -> datetime:
    return instant.astimezone(m.STOCKHOLM)


def repeated_hour_fold(*instants: datetime) -> str:
    """ "0" or "1" when one of the instants falls in the hour the autumn night
    has twice (which occurrence it is), else "": a form showing a saved time
    says which one it is, so saving it again does not have to ask (T2)."""
    for instant in instants:
        local = _local(instant)
        if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
            return str(local.fold)
    return ""


class ShiftForm(forms.Form):
    assistant = forms.ModelChoiceField(label=_("Assistent"), queryset=None, empty_label=_("Välj assistent"))
    client = forms.ModelChoiceField(label=_("Brukare"), queryset=None, empty_label=_("Välj brukare"))
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Slut"), widget=TimeInput())
    ends_next_day = forms.BooleanField(
        label=_("Slutar nästa dag (nattpass)"),
        required=False,
        help_text=_("Kryssa i när passet går över midnatt, t.ex. 22:00–07:00 eller ett dygnspass 08:00–08:00."),
    )
    fold = fold_field()
    kind = forms.ChoiceField(label=_("Typ av tid"), choices=Kind.choices, initial=Kind.ACTIVE)
    double = forms.BooleanField(
        label=_("Dubbelassistans"),
        required=False,
        help_text=_("Två assistenter samtidigt hos brukaren; ersätts bara inom beslutets timmar för dubbelassistans."),
    )
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assistant"].queryset = selectors.assistants_for(user)
        self.fields["client"].queryset = selectors.clients_for(user)
        # Enough "changes at" rows for every change of the shift being edited
        # (an imported 24 h pass may have more than the usual three), so
        # saving the form again never drops a part silently.
        typed = [int(match.group(1)) for key in self.data if (match := _SEGMENT_KEY.match(key))]
        typed += [int(match.group(1)) for key in self.initial if (match := _SEGMENT_KEY.match(key))]
        self.segment_count = max([SEGMENT_ROWS, *typed])
        for index in range(1, self.segment_count + 1):
            self.fields[f"seg{index}_time"] = forms.TimeField(label=_("Byter kl."), required=False, widget=TimeInput())
            self.fields[f"seg{index}_kind"] = forms.ChoiceField(
                label=_("till"), required=False, choices=[("", "–"), *Kind.choices]
            )
        self._data: services.ShiftData | None = None
        #: V4 refusals by rule code and field ("reason" or "rest"), shown at
        #: the reason box of that rule.
        self.reason_errors: dict[str, dict[str, list[str]]] = {}

    # --- layout helpers for the template

    def segment_rows(self) -> list[tuple]:
        return [(self[f"seg{i}_time"], self[f"seg{i}_kind"]) for i in range(1, self.segment_count + 1)]

    def time_fields(self) -> list:
        """Date, start and end: one row whose errors are shown under it."""
        return [self["date"], self["start_time"], self["end_time"]]

    def has_segments(self) -> bool:
        return any(self[f"seg{i}_time"].value() for i in range(1, self.segment_count + 1))

    def show_fold(self) -> bool:
        return (
            bool(self["fold"].value())
            or self.has_error("start_time", "ambiguous")
            or self.has_error("end_time", "ambiguous")
        )

    @staticmethod
    def initial_for(shift: Shift) -> dict:
        start, end = _local(shift.start), _local(shift.end)
        initial = {
            "assistant": shift.assistant_id,
            "client": shift.client_id,
            "date": start.date(),
            "start_time": start.time().replace(tzinfo=None),
            "end_time": end.time().replace(tzinfo=None),
            "ends_next_day": end.date() > start.date(),
            "fold": repeated_hour_fold(start, end),
            "kind": shift.segments[0][1] if shift.segments else shift.kind,
            "double": shift.double,
            "note": shift.note,
        }
        for index, (offset, kind) in enumerate(shift.segments[1:], start=1):
            initial[f"seg{index}_time"] = _local(shift.start + timedelta(minutes=offset)).time().replace(tzinfo=None)
            initial[f"seg{index}_kind"] = kind
        return initial

    # --- validation

    def _aware(self, day: date, clock: time, field: str) -> datetime | None:
        return aware_time(self, day, clock, field)

    def clean(self):
        cleaned = super().clean()
        day, start_time, end_time = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day is None or start_time is None or end_time is None:
            return cleaned
        next_day = cleaned.get("ends_next_day")
        if not next_day and end_time <= start_time:
            self.add_error(
                "end_time",
                forms.ValidationError(
                    _(
                        "Sluttiden %(end)s ligger inte efter starttiden %(start)s. Går passet över midnatt? "
                        "Kryssa då i ”Slutar nästa dag”."
                    )
                    % {"end": f"{end_time:%H:%M}", "start": f"{start_time:%H:%M}"},
                    code="end_before_start",
                ),
            )
            return cleaned
        start = self._aware(day, start_time, "start_time")
        end = self._aware(day + timedelta(days=1) if next_day else day, end_time, "end_time")
        if start is None or end is None:
            return cleaned
        segments = self._segments(day, start, end, cleaned)
        if segments is None:
            return cleaned
        self._data = services.ShiftData(
            assistant_id=cleaned["assistant"].pk if cleaned.get("assistant") else 0,
            client_id=cleaned["client"].pk if cleaned.get("client") else 0,
            start=start,
            end=end,
            kind=segments[0][1] if segments else cleaned.get("kind") or Kind.ACTIVE,
            segments=segments,
            double=bool(cleaned.get("double")),
            note=cleaned.get("note", ""),
        )
        return cleaned

    def _segments(self, day: date, start: datetime, end: datetime, cleaned: dict) -> list | None:
        """[[0, kind], [offset, kind], ...] from the "changes at" rows: each
        clock time is its first occurrence after the start (so a night's
        waiting time from 22:00 to 06:00 is typed as two rows)."""
        changes = []
        for index in range(1, self.segment_count + 1):
            clock, kind = cleaned.get(f"seg{index}_time"), cleaned.get(f"seg{index}_kind")
            if clock is None and not kind:
                continue
            if clock is None or not kind:
                self.add_error(f"seg{index}_time", _("Ange både klockslag och typ av tid för bytet."))
                return None
            at = None
            for offset_days in (0, 1, 2):
                if offset_days == 0 and clock <= cleaned["start_time"]:
                    # Before the start on its own day: the change is on a later
                    # day, and this day's clock time (which may not exist, or
                    # exist twice, on a DST night) is never meant.
                    continue
                candidate = self._aware(day + timedelta(days=offset_days), clock, f"seg{index}_time")
                if candidate is None:
                    return None
                if candidate > start:
                    at = candidate
                    break
            if at is None or at >= end:
                self.add_error(
                    f"seg{index}_time",
                    _("Bytet kl. %(clock)s ligger inte inom passet.") % {"clock": f"{clock:%H:%M}"},
                )
                return None
            changes.append((minutes_between(start, at), kind))
        if not changes:
            return []
        changes.sort()
        return [[0, cleaned.get("kind") or Kind.ACTIVE]] + [[offset, kind] for offset, kind in changes]

    def shift_data(self) -> services.ShiftData | None:
        """The typed shift, or None while the date and times do not make one
        (an unchosen assistant or client is id 0: the service says it is unknown)."""
        self.is_valid()
        return self._data

    def exceptions(self) -> list[services.ExceptionData]:
        """The reasons typed for rule breaks (``reason_V1``, ``rest_V1`` ...)."""
        out = []
        for key, value in self.data.items():
            match = _EXCEPTION_KEY.match(key)
            if match and value.strip():
                code = match.group(1)
                out.append(services.ExceptionData(code, value.strip(), self.data.get(f"rest_{code}", "").strip()))
        return out

    def add_refusals(self, refusals: list[m.Finding]) -> None:
        """Put each refusal next to the field it concerns (segment errors on the first change row)."""
        for finding in refusals:
            field = FIELD_OF_CODE.get(finding.code)
            if finding.code == "H3" and "segment" in finding.message_en:
                field = "seg1_time"
            text = finding.message + (f" {finding.hint}" if finding.hint else "")
            if finding.code == "V4":
                # The reason box of the rule is where it is fixed; the top of
                # the form only points there.
                code = finding.message_en.rsplit(" ", 1)[-1]
                where = "rest" if finding.message_en.startswith("compensatory rest") else "reason"
                self.reason_errors.setdefault(code, {}).setdefault(where, []).append(text)
                self.add_error(
                    None,
                    forms.ValidationError(
                        _("Passet är inte sparat: se regel %(code)s under Kontroll mot reglerna.") % {"code": code},
                        code="V4",
                    ),
                )
                continue
            self.add_error(field, forms.ValidationError(text, code=finding.code))


class CopyWeekForm(forms.Form):
    week = forms.CharField(
        label=_("Vecka att kopiera"),
        widget=forms.TextInput(attrs={"type": "week"}),
        help_text=_("Till exempel 2026-W48 (år och veckonummer)."),
    )
    weeks = forms.IntegerField(label=_("Antal veckor framåt"), required=False, min_value=1, max_value=MAX_COPY_WEEKS)
    until = forms.DateField(label=_("eller till och med datum"), required=False, widget=DateInput())
    all_or_nothing = forms.BooleanField(
        label=_("Allt eller inget"),
        required=False,
        help_text=_("Spara inga kopior alls om någon enda inte kan läggas in."),
    )

    def clean_week(self) -> date:
        value = self.cleaned_data["week"]
        monday = parse_week(value)
        if monday is None:
            raise forms.ValidationError(_("Ange veckan som ÅÅÅÅ-Wvv, till exempel 2026-W48."))
        return monday

    def clean(self):
        cleaned = super().clean()
        monday, weeks, until = cleaned.get("week"), cleaned.get("weeks"), cleaned.get("until")
        if monday is None or self.has_error("weeks") or self.has_error("until"):
            return cleaned
        if weeks and until:
            self.add_error("until", _("Ange antingen antal veckor eller ett slutdatum, inte båda."))
        elif until:
            days = (until - (monday + timedelta(days=7))).days
            if days < 0:
                self.add_error("until", _("Slutdatumet måste ligga efter veckan som kopieras."))
            else:
                count = days // 7 + 1
                if count > MAX_COPY_WEEKS:
                    self.add_error("until", _("Högst %(max)s veckor åt gången.") % {"max": MAX_COPY_WEEKS})
                cleaned["weeks"] = count
        elif not weeks:
            self.add_error("weeks", _("Ange hur många veckor framåt, eller ett slutdatum."))
        return cleaned


def parse_week(value: str) -> date | None:
    """Monday of ``2026-W48`` (also accepts a date in the week)."""
    value = (value or "").strip()
    match = re.fullmatch(r"(\d{4})-?W(\d{1,2})", value, flags=re.IGNORECASE)
    try:
        if match:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day - timedelta(days=day.weekday())


def parse_month(value: str) -> date | None:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None
