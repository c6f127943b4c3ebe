"""An assistant's private calendar feed: the secret token behind its address,
and the iCalendar text (RFC 5545) written by hand.

The token is 32 random bytes (URL-safe base64); only its SHA-256 is stored,
so a database copy does not give anyone the feeds. A token is shown once,
when it is created; renewing makes a new one and revokes the old.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from assistans.models import Membership

from .models import CalendarToken, Kind, Shift

#: The feed shows this far back and ahead.
FEED_PAST = timedelta(days=62)
FEED_AHEAD = timedelta(days=370)
#: Clients that honour it refresh about this often.
REFRESH = "PT1H"
PRODID = "-//Assistanstid//Mitt schema//SV"
KIND_LABELS = dict(Kind.choices)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(*, user, assistant, now: datetime) -> str:
    """A new token for the assistant (any live one is revoked). Returns the
    secret; it cannot be read back later."""
    CalendarToken.objects.filter(assistant=assistant, revoked_at__isnull=True).update(revoked_at=now)
    for _attempt in range(3):
        secret = secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                CalendarToken.objects.create(user=user, assistant=assistant, token_hash=hash_token(secret))
        except IntegrityError:  # pragma: no cover - a 256-bit collision
            continue
        return secret
    raise RuntimeError("could not issue a unique calendar token")


def revoke_tokens(*, assistant, now: datetime) -> int:
    return CalendarToken.objects.filter(assistant=assistant, revoked_at__isnull=True).update(revoked_at=now)


def live_token(assistant) -> CalendarToken | None:
    return CalendarToken.objects.filter(assistant=assistant, revoked_at__isnull=True).first()


def token_for(secret: str) -> CalendarToken | None:
    """The live token with this secret, or None (unknown or revoked). A link
    also dies with its owner's access: the user must still be active and
    still be that assistant (an assistant who left sees no more shifts)."""
    if not secret or len(secret) > 100:
        return None
    return (
        CalendarToken.objects.filter(
            token_hash=hash_token(secret),
            revoked_at__isnull=True,
            user__is_active=True,
            user__membership__role=Membership.Role.ASSISTANT,
            user__membership__assistant=F("assistant"),
        )
        .select_related("assistant")
        .first()
    )


# --- iCalendar text -------------------------------------------------------------


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and
    line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 3.1),
    never splitting a UTF-8 character; continuation lines start with a space."""
    pieces: list[str] = []
    current, size, limit = [], 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space takes one octet
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def utc_stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Event:
    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    modified: datetime | None = None


def shift_events(shifts: Iterable[Shift], *, host: str) -> list[Event]:
    """One event per shift. Only the client's first name and the initial of
    the last name go into the feed: a synced calendar lives with a third
    party, and the assistant knows whom they work for."""
    events = []
    for shift in shifts:
        client = shift.client
        who = f"{client.first_name} {client.last_name[:1]}." if client.last_name else client.first_name
        kinds = ", ".join(
            str(KIND_LABELS.get(kind, kind)) for kind in dict.fromkeys(k for _a, _b, k in shift.segment_list())
        )
        # The shift's note stays out: the feed lands in a third party's
        # calendar, and notes hold door codes and health details.
        description = _("Typ av tid: %(kinds)s.") % {"kinds": kinds}
        events.append(
            Event(
                uid=f"shift-{shift.pk}@{host}",
                start=shift.start,
                end=shift.end,
                summary=_("Pass hos %(who)s") % {"who": who},
                description=description,
                modified=shift.updated_at,
            )
        )
    return events


def render(events: Iterable[Event], *, name: str, now: datetime) -> str:
    """The VCALENDAR text with CRLF line ends, every line folded."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    stamp = utc_stamp(now)
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(event.start)}",
            f"DTEND:{utc_stamp(event.end)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.modified is not None:
            lines.append(f"LAST-MODIFIED:{utc_stamp(event.modified)}")
        lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def feed_for(token: CalendarToken, *, host: str, now: datetime) -> str:
    assistant = token.assistant
    shifts = (
        Shift.objects.filter(assistant=assistant, end__gt=now - FEED_PAST, start__lt=now + FEED_AHEAD)
        .select_related("client")
        .order_by("start")
    )
    CalendarToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return render(
        shift_events(shifts, host=host), name=_("Mitt schema – %(name)s") % {"name": assistant.first_name}, now=now
    )
