"""Deterministic demo data: one provider with clients, decisions, assistants
under different regimes, and users for every role. Shifts are added by
``scheduling.demo`` once the registry exists (see the ``load_demo`` command)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from . import identity
from .models import (
    Assignment,
    Assistant,
    Client,
    CollectiveAgreement,
    Decision,
    Employment,
    Membership,
    Permit,
    Provider,
    RestProfile,
    ServicePeriod,
)

DEMO_PASSWORD = "demo-assistans-2026"

FIRST_NAMES = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Sara",
    "Mikael",
    "Elin",
    "Anders",
    "Emma",
    "Per",
    "Linnea",
    "Oskar",
    "Fatima",
    "Ahmed",
    "Hanna",
    "Nils",
    "Ida",
    "Yusuf",
    "Sofia",
    "Gustav",
    "Amira",
    "Olle",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Axelsson",
    "Hussein",
    "Berglund",
    "Lundqvist",
]


@dataclass
class DemoResult:
    provider: Provider
    clients: list[Client] = field(default_factory=list)
    assistants: list[Assistant] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, description)


@transaction.atomic
def create_demo(*, seed: int = 2026, today: date | None = None) -> DemoResult:
    """Create the demo provider. Refuses to run twice (the org number is unique)."""
    rng = random.Random(seed)
    today = today or date(2026, 11, 24)
    agreement, _created = CollectiveAgreement.objects.get_or_create(
        code="vardforetagarna-pa",
        defaults={"name": "Vårdföretagarna–Kommunal, personlig assistans", "default_rest_profile": "vardforetagarna"},
    )
    provider = Provider(
        name="Solgläntan Assistans AB",
        org_number=identity.make_org_number(424242),
        kind=Provider.Kind.COMPANY,
        bankgiro="50501055",
        collective_agreement=agreement,
    )
    provider.full_clean()
    provider.save()
    Permit.objects.create(provider=provider, number="IVO 3.5.1-2019-1234", valid_from=date(2019, 5, 1))
    result = DemoResult(provider=provider)

    client_specs = [
        # (first, last, weekly FK hours, double h/week, raised rate, municipal hours/week)
        ("Astrid", "Lindgren", Decimal("168"), Decimal("20"), None, None),
        ("Bertil", "Håkansson", Decimal("112"), Decimal("0"), Decimal("375.50"), None),
        ("Cecilia", "Ekström", Decimal("84"), Decimal("0"), None, None),
        ("David", "Öberg", Decimal("56"), Decimal("0"), None, Decimal("6")),
    ]
    for index, (first, last, weekly, double, raised, municipal) in enumerate(client_specs):
        client = Client(
            provider=provider,
            first_name=first,
            last_name=last,
            personal_number=identity.make_personal_number(
                date(1960 + 9 * index, 1 + index * 3, 5 + index), 101 + index
            ),
            municipality="Uppsala",
            representative_name="" if index % 2 else f"God man för {first} {last}",
        )
        client.full_clean()
        client.save()
        ServicePeriod.objects.create(client=client, start=date(2023, 1, 1))
        for start, end in ((date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2026, 12, 31))):
            decision = Decision(
                client=client,
                payer=Decision.Payer.FK,
                start=start,
                end=end,
                weekly_hours=weekly,
                double_hours_per_week=double,
                rate_kind=Decision.RateKind.RAISED if raised else Decision.RateKind.STANDARD,
                raised_rate=raised,
                case_number=f"FK-{2026}{index:02d}{start.month:02d}",
            )
            decision.full_clean()
            decision.save()
        if municipal is not None:
            decision = Decision(
                client=client,
                payer=Decision.Payer.MUNICIPALITY,
                municipality_name="Uppsala kommun",
                start=date(2026, 1, 1),
                end=date(2026, 12, 31),
                weekly_hours=municipal,
                case_number="LSS-2026-0457",
            )
            decision.full_clean()
            decision.save()
        result.clients.append(client)

    regimes = [Employment.Regime.AGREEMENT] * 12 + [Employment.Regime.ATL] * 3
    profiles = [RestProfile.VARDFORETAGARNA, RestProfile.ATL, RestProfile.ATL_DYGNSBRYT]
    for index, regime in enumerate(regimes):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = rng.choice(LAST_NAMES)
        birth = date(1965 + rng.randrange(0, 38), rng.randrange(1, 13), rng.randrange(1, 28))
        if index == 14:
            birth = date(2008, 3, 10)  # turns 18 on 2026-03-10 (E1)
        assistant = Assistant(
            provider=provider,
            first_name=first,
            last_name=last,
            personal_number=identity.make_personal_number(birth, 200 + index, coordination=index == 13),
            email=f"{first.lower()}.{last.lower()}@example.se".replace("ö", "o").replace("å", "a").replace("ä", "a"),
            phone=f"070-{rng.randrange(1000000, 9999999)}",
        )
        assistant.full_clean()
        assistant.save()
        employment = Employment(
            assistant=assistant,
            employer=provider,
            start=date(2024, 1, 1) if index < 13 else date(2026, 2, 1),
            regime=regime,
            period_anchor=date(2026, 1, 1),
            rest_profile=profiles[index % len(profiles)] if regime == Employment.Regime.AGREEMENT else RestProfile.ATL,
            is_relative=index == 2,
            lives_with_client=index == 2,
        )
        employment.full_clean()
        employment.save()
        result.assistants.append(assistant)

    # Each client gets a team of assistants; a few work for two clients.
    teams = {0: range(0, 6), 1: range(5, 10), 2: range(9, 13), 3: range(12, 15)}
    for client_index, team in teams.items():
        for assistant_index in team:
            assistant = result.assistants[assistant_index]
            start = date(2026, 2, 1) if assistant_index >= 13 else date(2024, 1, 1)
            assignment = Assignment(
                assistant=assistant,
                client=result.clients[client_index],
                start=start,
                # The newest assistant's notice reached FK two days late (E2).
                fk_notified_on=date(2026, 2, 3) if assistant_index == 14 else start,
            )
            assignment.full_clean()
            assignment.save()

    _create_self_employer(result)
    _create_users(result)
    return result


def _create_self_employer(result: DemoResult) -> None:
    """A client who employs her own assistants: the household-work law (52 h
    per week on average over a fixed chain of 28-day periods) applies."""
    birth = date(1979, 6, 14)
    employer = Provider(
        name="Eva Ek (egen arbetsgivare)",
        org_number=identity.make_personal_number(birth, 321),
        kind=Provider.Kind.SELF_EMPLOYER,
    )
    employer.full_clean()
    employer.save()
    client = Client(
        provider=employer,
        first_name="Eva",
        last_name="Ek",
        personal_number=identity.make_personal_number(birth, 321),
        municipality="Uppsala",
    )
    client.full_clean()
    client.save()
    ServicePeriod.objects.create(client=client, start=date(2022, 3, 1))
    for start, end in ((date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2026, 12, 31))):
        Decision(client=client, start=start, end=end, weekly_hours=Decimal("70")).save()
    for index, (first, last) in enumerate((("Jonas", "Ek"), ("Leila", "Rahimi"))):
        assistant = Assistant(
            provider=employer,
            first_name=first,
            last_name=last,
            personal_number=identity.make_personal_number(date(1985 + index, 9, 2 + index), 400 + index),
        )
        assistant.full_clean()
        assistant.save()
        employment = Employment(
            assistant=assistant,
            employer=employer,
            start=date(2022, 3, 1),
            regime=Employment.Regime.HOUSEHOLD,
            period_anchor=date(2026, 1, 5),
            is_relative=index == 0,
            lives_with_client=index == 0,
        )
        employment.full_clean()
        employment.save()
        Assignment.objects.create(
            assistant=assistant, client=client, start=date(2022, 3, 1), fk_notified_on=date(2022, 2, 20)
        )
        result.assistants.append(assistant)
    result.clients.append(client)


def _create_users(result: DemoResult) -> None:
    User = get_user_model()
    provider = result.provider

    def user(username: str, first: str, last: str) -> object:
        account = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@example.se",
        )
        return account

    admin = user("admin", "Agnes", "Admin")
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    Membership.objects.create(user=admin, provider=provider, role=Membership.Role.ADMIN)
    result.logins.append(("admin", "Administratör", "ser allt hos anordnaren, även Django-admin"))

    coordinator = user("samordnare", "Sam", "Samordnare")
    Membership.objects.create(user=coordinator, provider=provider, role=Membership.Role.COORDINATOR)
    result.logins.append(("samordnare", "Samordnare", "ser alla brukare"))

    restricted = user("samordnare2", "Siv", "Samordnare")
    membership = Membership.objects.create(
        user=restricted, provider=provider, role=Membership.Role.COORDINATOR, all_clients=False
    )
    membership.clients.add(result.clients[2], result.clients[3])
    result.logins.append(("samordnare2", "Samordnare", "ser bara två brukare"))

    first_assistant = result.assistants[0]
    account = user("assistent", first_assistant.first_name, first_assistant.last_name)
    first_assistant.user = account
    first_assistant.save(update_fields=["user"])
    Membership.objects.create(
        user=account, provider=provider, role=Membership.Role.ASSISTANT, assistant=first_assistant
    )
    result.logins.append(("assistent", "Assistent", f"{first_assistant} – bara sitt eget schema"))

    representative = user("foretradare", "Gun", "Företrädare")
    membership = Membership.objects.create(user=representative, provider=provider, role=Membership.Role.CLIENT)
    membership.clients.add(result.clients[0])
    result.logins.append(("foretradare", "Brukare/företrädare", f"företrädare för {result.clients[0]}"))
