"""The main menu per role, in one place. The base template renders it through
the context processor; the login page's demo hint and ``load_demo`` use the
role summaries, so what a newcomer reads matches what they then see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Membership

Role = Membership.Role
MANAGERS = frozenset({Role.ADMIN, Role.COORDINATOR})
ADMINS = frozenset({Role.ADMIN})
ASSISTANTS = frozenset({Role.ASSISTANT})
CLIENTS = frozenset({Role.CLIENT})
EVERYONE = frozenset(Role)


def _own_client(user) -> tuple:
    """A client's (representative's) pages are about their client; with
    several, the first one (the schedule page switches between them)."""
    client = selectors.clients_for(user).order_by("last_name", "first_name", "pk").first()
    return (client.pk,) if client is not None else ()


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    roles: frozenset
    # The URL names on which this entry is the current page (aria-current);
    # empty: just ``url_name``.
    current_on: tuple[str, ...] = ()
    # Positional URL arguments for the user (the client's own schedule); None: no arguments.
    args: Callable | None = field(default=None, compare=False)

    def current_names(self) -> set[str]:
        return set(self.current_on) or {self.url_name}


ENTRIES: tuple[NavEntry, ...] = (
    NavEntry("home", _("Hem"), EVERYONE),
    # Coordinators and admins: the client list leads to each client's schedule.
    NavEntry(
        "client-list",
        _("Schema"),
        MANAGERS,
        current_on=("schedule-client", "schedule-assistant", "shift-new", "shift-edit", "schedule-copy-week"),
    ),
    NavEntry("day-changes", _("Dagens ändringar"), MANAGERS, current_on=("day-changes", "sick-call")),
    NavEntry("deviation-list", _("Avvikelser"), MANAGERS, current_on=("deviation-list", "deviation-decide")),
    NavEntry("month-end", _("Månadsavslut"), MANAGERS, current_on=("month-end", "report-detail")),
    NavEntry("cashflow", _("Utbetalningar"), MANAGERS),
    NavEntry("client-list", _("Brukare"), MANAGERS, current_on=("client-list", "client-detail")),
    NavEntry("assistant-list", _("Assistenter"), MANAGERS, current_on=("assistant-list", "assistant-detail")),
    NavEntry("audit-log", _("Logg"), ADMINS),
    NavEntry("api-tokens", _("API-nycklar"), ADMINS),
    # Assistants.
    NavEntry("my-schedule", _("Mitt schema"), ASSISTANTS, current_on=("my-schedule", "deviation-report")),
    NavEntry("my-time-reports", _("Tidrapporter"), ASSISTANTS),
    NavEntry("calendar-settings", _("Kalender"), ASSISTANTS),
    # Clients and representatives.
    NavEntry("schedule-client", _("Schema"), CLIENTS, args=_own_client),
    NavEntry("client-follow-up", _("Uppföljning"), CLIENTS, args=_own_client),
    NavEntry("client-reports", _("Räkningar"), CLIENTS),
)

# The home page's shortcuts: the everyday actions, under their own names.
QUICK_LINKS: tuple[NavEntry, ...] = (
    NavEntry("shift-new", _("Lägg till ett pass"), MANAGERS),
    NavEntry("day-changes", _("Sjukanmälan och dagens ändringar"), MANAGERS),
    NavEntry("month-end", _("Signaturer och inskick för månaden"), MANAGERS),
    NavEntry("my-schedule", _("Hela mitt schema"), ASSISTANTS),
    NavEntry("my-time-reports", _("Granska och signera mina tidrapporter"), ASSISTANTS),
    NavEntry("calendar-settings", _("Schemat i mobilens kalender"), ASSISTANTS),
    NavEntry("schedule-client", _("Hela schemat"), CLIENTS, args=_own_client),
    NavEntry("client-reports", _("Granska och signera räkningar"), CLIENTS),
)

# What each role sees, in one sentence (login page demo hint, load_demo).
ROLE_SUMMARIES = {
    Role.ADMIN: _("Allt hos anordnaren: scheman, månadsslut, utbetalningar, loggen och API-nycklar."),
    Role.COORDINATOR: _(
        "Planerar pass, hanterar dagens ändringar och avvikelser, sköter månadsslut och utbetalningar."
    ),
    Role.ASSISTANT: _("Bara sitt eget schema, sina tidrapporter och sin kalender."),
    Role.CLIENT: _("Brukarens schema, uppföljning av beviljade timmar och räkningar att signera."),
}


def role_summary(membership: Membership) -> str:
    """The role summary, noting a coordinator who sees only assigned clients."""
    text = str(ROLE_SUMMARIES.get(membership.role, ""))
    if membership.role == Role.COORDINATOR and not membership.all_clients:
        restricted = _("Ser bara de brukare som tilldelats.")
        text = f"{text} {restricted}"
    return text


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def entries_for(membership: Membership | None, entries: tuple[NavEntry, ...] | None = None) -> list[NavEntry]:
    if membership is None:
        return []
    return [entry for entry in (ENTRIES if entries is None else entries) if membership.role in entry.roles]


def items_for(request, entries: tuple[NavEntry, ...] | None = None) -> list[NavItem]:
    """The menu (or other ``entries``) for the request's user, the current
    page marked."""
    user = getattr(request, "user", None)
    membership = selectors.membership_of(user)
    match = getattr(request, "resolver_match", None)
    current_name = match.url_name if match else None
    items = []
    for entry in entries_for(membership, entries):
        args = ()
        if entry.args is not None:
            args = entry.args(user)
            if not args:
                continue  # e.g. a representative not yet linked to a client
        items.append(
            NavItem(
                label=str(entry.label),
                url=reverse(entry.url_name, args=args),
                current=current_name in entry.current_names(),
            )
        )
    return items
