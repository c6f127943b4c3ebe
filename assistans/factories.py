"""factory_boy factories for the registry, used by the tests and the demo
data command (deterministic when the caller seeds ``factory.random``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from . import identity, models


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Provider
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Assistansbolaget {n} AB")
    org_number = factory.Sequence(lambda n: identity.make_org_number(1000 + n))
    kind = models.Provider.Kind.COMPANY
    bankgiro = "50501055"
    # A private provider needs an IVO permit for its hours to be payable (E4).
    permit = factory.RelatedFactory(
        "assistans.factories.PermitFactory", factory_related_name="provider", valid_from=date(2015, 1, 1)
    )


class PermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Permit

    provider = factory.SubFactory(ProviderFactory, permit=None)
    number = factory.Sequence(lambda n: f"IVO-{n}")
    valid_from = date(2015, 1, 1)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Client

    provider = factory.SubFactory(ProviderFactory)
    first_name = factory.Sequence(lambda n: f"Brukare{n}")
    last_name = "Andersson"
    personal_number = factory.Sequence(lambda n: identity.make_personal_number(date(1970, 1, 1 + n % 28), n % 1000))
    municipality = "Uppsala"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Decision

    client = factory.SubFactory(ClientFactory)
    payer = models.Decision.Payer.FK
    start = date(2026, 1, 1)
    end = date(2026, 6, 30)
    weekly_hours = Decimal("100")


class AssistantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Assistant

    provider = factory.SubFactory(ProviderFactory)
    first_name = factory.Sequence(lambda n: f"Assistent{n}")
    last_name = "Berg"
    personal_number = factory.Sequence(lambda n: identity.make_personal_number(date(1990, 2, 1 + n % 28), n % 1000))


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Employment

    assistant = factory.SubFactory(AssistantFactory)
    employer = factory.SelfAttribute("assistant.provider")
    start = date(2025, 1, 1)
    regime = models.Employment.Regime.ATL
    period_anchor = date(2025, 1, 1)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Assignment

    assistant = factory.SubFactory(AssistantFactory)
    client = factory.SubFactory(ClientFactory, provider=factory.SelfAttribute("..assistant.provider"))
    start = date(2025, 1, 1)
    fk_notified_on = date(2024, 12, 15)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")
    password = factory.django.Password("demo-losen-2026")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(ProviderFactory)
    role = models.Membership.Role.COORDINATOR
