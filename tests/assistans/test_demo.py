import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assistans.demo import DEMO_PASSWORD, create_demo
from assistans.models import Assistant, Client, Decision, Employment, Membership, Provider

pytestmark = pytest.mark.django_db


def test_the_demo_command_creates_a_realistic_provider(capsys):
    call_command("load_demo")
    output = capsys.readouterr().out
    provider = Provider.objects.get(name="Solgläntan Assistans AB")
    clients = Client.objects.filter(provider=provider)
    assert 3 <= clients.count() <= 5
    assert Decision.objects.filter(client__provider=provider, payer=Decision.Payer.MUNICIPALITY).exists()
    assert Decision.objects.filter(client__provider=provider, rate_kind=Decision.RateKind.RAISED).exists()
    assert 12 <= Assistant.objects.count() <= 20
    assert set(Employment.objects.values_list("regime", flat=True)) == {"agreement", "atl", "household"}
    assert set(Membership.objects.values_list("role", flat=True)) == {"admin", "coordinator", "assistant", "client"}
    assert DEMO_PASSWORD in output and "samordnare" in output
    # every registry row passed full_clean on the way in; spot-check the logins work
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    # axes guards authenticate() and needs the request it came with.
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="samordnare", password=DEMO_PASSWORD) is not None


def test_the_demo_is_deterministic(django_db_blocker):
    from django.db import transaction

    def snapshot():
        result = create_demo(seed=7)
        return [(a.first_name, a.last_name, a.personal_number, a.phone) for a in result.assistants]

    with transaction.atomic():
        first = snapshot()
        transaction.set_rollback(True)
    with transaction.atomic():
        second = snapshot()
        transaction.set_rollback(True)
    assert first == second


def test_the_demo_refuses_a_database_that_has_data_unless_asked_to_skip(capsys):
    call_command("load_demo")
    with pytest.raises(CommandError):
        call_command("load_demo")
    call_command("load_demo", "--if-empty")
    assert "already loaded" in capsys.readouterr().out
