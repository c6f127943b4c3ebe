"""Bad input to the registry is refused with a clear Swedish message, in model
validation (forms and admin) and, where one can hold it, by the database."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assistans import factories as f
from assistans.models import Assistant, Decision, Employment, Provider, RestProfile

pytestmark = pytest.mark.django_db


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["client", "payer", "start", "end", "weekly_hours", "rate_kind", "raised_rate"]


def errors_of(exc: ValidationError) -> str:
    return " ".join(str(m) for messages in exc.message_dict.values() for m in messages)


def test_it_refuses_an_invalid_personnummer_with_a_swedish_message():
    assistant = f.AssistantFactory.build(provider=f.ProviderFactory(), personal_number="19811218-9875")
    with pytest.raises(ValidationError) as excinfo:
        assistant.full_clean()
    assert "Kontrollsiffran stämmer inte" in errors_of(excinfo.value)


def test_it_stores_the_personnummer_normalised():
    assistant = f.AssistantFactory.build(provider=f.ProviderFactory(), personal_number="811218-9876")
    assistant.full_clean()
    assert assistant.personal_number == "198112189876"
    assert assistant.masked_personal_number == "811218-****"


def test_it_refuses_an_invalid_org_number():
    provider = Provider(name="X", org_number="556036-0794", kind=Provider.Kind.COMPANY)
    with pytest.raises(ValidationError) as excinfo:
        provider.full_clean()
    assert "Organisationsnumret är ogiltigt" in errors_of(excinfo.value)


def test_a_self_employer_is_registered_with_a_personnummer():
    provider = Provider(name="Eva Ek", org_number="556036-0793", kind=Provider.Kind.SELF_EMPLOYER)
    with pytest.raises(ValidationError) as excinfo:
        provider.full_clean()
    assert "personnummer" in errors_of(excinfo.value)


def test_the_decision_form_refuses_end_before_start_in_swedish():
    client = f.ClientFactory()
    form = DecisionForm(
        data={
            "client": client.pk,
            "payer": "fk",
            "start": "2026-06-30",
            "end": "2026-01-01",
            "weekly_hours": "100",
            "rate_kind": "standard",
        }
    )
    assert not form.is_valid()
    assert "Beslutsperiodens slut kan inte ligga före dess start." in str(form.errors)


def test_the_database_refuses_a_decision_ending_before_it_starts():
    client = f.ClientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(client=client, start=date(2026, 6, 30), end=date(2026, 1, 1), weekly_hours=10)


def test_it_refuses_overlapping_decisions_for_the_same_payer():
    decision = f.DecisionFactory(start=date(2026, 1, 1), end=date(2026, 6, 30))
    overlapping = Decision(
        client=decision.client, start=date(2026, 6, 1), end=date(2026, 11, 30), weekly_hours=Decimal("90")
    )
    with pytest.raises(ValidationError) as excinfo:
        overlapping.full_clean()
    assert "överlappar ett annat beslut" in errors_of(excinfo.value)


def test_a_municipal_decision_may_overlap_an_fk_decision():
    decision = f.DecisionFactory(start=date(2026, 1, 1), end=date(2026, 6, 30))
    municipal = Decision(
        client=decision.client,
        payer=Decision.Payer.MUNICIPALITY,
        municipality_name="Uppsala kommun",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        weekly_hours=Decimal("6"),
    )
    municipal.full_clean()


def test_an_fk_grant_period_is_at_most_six_months():
    client = f.ClientFactory()
    decision = Decision(client=client, start=date(2026, 1, 1), end=date(2026, 7, 1), weekly_hours=Decimal("10"))
    with pytest.raises(ValidationError) as excinfo:
        decision.full_clean()
    assert "högst sex månader" in errors_of(excinfo.value)


@pytest.mark.postgres
def test_postgres_refuses_overlapping_decisions_even_past_validation():
    decision = f.DecisionFactory(start=date(2026, 1, 1), end=date(2026, 6, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(client=decision.client, start=date(2026, 6, 30), end=date(2026, 7, 31), weekly_hours=10)
    # The same dates for another payer are fine.
    Decision.objects.create(
        client=decision.client,
        payer="municipality",
        municipality_name="K",
        start=date(2026, 6, 30),
        end=date(2026, 7, 31),
        weekly_hours=10,
    )


def test_a_raised_rate_needs_an_amount_and_a_standard_rate_none():
    client = f.ClientFactory()
    decision = Decision(
        client=client,
        start=date(2026, 1, 1),
        end=date(2026, 6, 30),
        weekly_hours=Decimal("10"),
        rate_kind=Decision.RateKind.RAISED,
    )
    with pytest.raises(ValidationError) as excinfo:
        decision.full_clean()
    assert "förhöjda timbeloppet" in errors_of(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        decision.save()


def test_it_refuses_an_employment_without_a_regime():
    assistant = f.AssistantFactory()
    employment = Employment(
        assistant=assistant,
        employer=assistant.provider,
        start=date(2026, 1, 1),
        regime="",
        period_anchor=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        employment.full_clean()
    assert "Välj vilka arbetstidsregler" in errors_of(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        employment.save()


def test_the_agreement_regime_needs_an_employer_with_an_agreement():
    assistant = f.AssistantFactory()
    employment = Employment(
        assistant=assistant,
        employer=assistant.provider,
        start=date(2026, 1, 1),
        regime=Employment.Regime.AGREEMENT,
        period_anchor=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        employment.full_clean()
    assert "inget kollektivavtal" in errors_of(excinfo.value)


def test_the_household_regime_is_only_for_self_employers():
    assistant = f.AssistantFactory()
    employment = Employment(
        assistant=assistant,
        employer=assistant.provider,
        start=date(2026, 1, 1),
        regime=Employment.Regime.HOUSEHOLD,
        period_anchor=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        employment.full_clean()
    assert "husligt arbete" in errors_of(excinfo.value)


def test_an_assistant_cannot_have_two_employments_at_once():
    employment = f.EmploymentFactory(start=date(2025, 1, 1))
    second = Employment(
        assistant=employment.assistant,
        employer=employment.employer,
        start=date(2026, 1, 1),
        regime=Employment.Regime.ATL,
        period_anchor=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "redan en anställning" in errors_of(excinfo.value)


def test_an_assignment_links_assistant_and_client_of_one_provider():
    assistant = f.AssistantFactory()
    other_client = f.ClientFactory()  # another provider
    assignment = f.AssignmentFactory.build(assistant=assistant, client=other_client)
    with pytest.raises(ValidationError) as excinfo:
        assignment.full_clean()
    assert "samma anordnare" in errors_of(excinfo.value)


def test_the_same_person_may_be_a_client_of_two_providers_but_once_per_provider():
    client = f.ClientFactory()
    f.ClientFactory(personal_number=client.personal_number)  # another provider: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ClientFactory(provider=client.provider, personal_number=client.personal_number)


def test_rest_profile_choices_match_the_engine():
    from scheduling.rules.rest import PROFILES

    assert set(RestProfile.values) == set(PROFILES)


def test_admin_add_form_shows_the_swedish_error(admin_client):
    provider = f.ProviderFactory()
    response = admin_client.post(
        "/admin/assistans/assistant/add/",
        {
            "provider": provider.pk,
            "first_name": "A",
            "last_name": "B",
            "personal_number": "19811218-9875",
            "employments-TOTAL_FORMS": 0,
            "employments-INITIAL_FORMS": 0,
            "assignments-TOTAL_FORMS": 0,
            "assignments-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Kontrollsiffran stämmer inte" in response.content.decode()
    assert not Assistant.objects.filter(first_name="A").exists()
