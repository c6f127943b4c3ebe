"""Tenant scoping: every page reads through a provider-scoped selector, so an
object of another provider is a 404 for every role, never data."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["admin", "coordinator", "restricted_coordinator", "assistant_user", "client_user"]


@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_provider_a_reaches_provider_b_clients(client, alice, bob, role):
    client.force_login(getattr(alice, role))
    for other in bob.clients:
        response = client.get(reverse("client-detail", args=[other.pk]))
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_provider_a_reaches_provider_b_assistants(client, alice, bob, role):
    client.force_login(getattr(alice, role))
    for other in bob.assistants:
        response = client.get(reverse("assistant-detail", args=[other.pk]))
        assert response.status_code == 404


def test_lists_show_only_the_own_provider(client, alice, bob):
    client.force_login(alice.coordinator)
    page = client.get(reverse("client-list")).content.decode()
    assert all(str(c) in page for c in alice.clients)
    assert not any(c.masked_personal_number in page and str(c) in page for c in bob.clients)
    page = client.get(reverse("assistant-list")).content.decode()
    assert all(str(a) in page for a in alice.assistants)
    assert not any(str(a) in page for a in bob.assistants)


def test_a_coordinator_with_full_access_sees_every_client_of_the_provider(client, alice):
    client.force_login(alice.coordinator)
    for own in alice.clients:
        assert client.get(reverse("client-detail", args=[own.pk])).status_code == 200


def test_a_restricted_coordinator_sees_only_assigned_clients(client, alice):
    client.force_login(alice.restricted_coordinator)
    assert client.get(reverse("client-detail", args=[alice.clients[1].pk])).status_code == 200
    assert client.get(reverse("client-detail", args=[alice.clients[0].pk])).status_code == 404


def test_an_assistant_sees_only_themselves(client, alice):
    client.force_login(alice.assistant_user)
    assert client.get(reverse("assistant-list")).status_code == 404
    assert client.get(reverse("assistant-detail", args=[alice.assistants[1].pk])).status_code == 404
    # the client they work for is visible, the other is not
    assert client.get(reverse("client-detail", args=[alice.clients[0].pk])).status_code == 200
    assert client.get(reverse("client-detail", args=[alice.clients[1].pk])).status_code == 404


def test_a_client_representative_sees_only_their_client(client, alice):
    client.force_login(alice.client_user)
    assert client.get(reverse("client-detail", args=[alice.clients[0].pk])).status_code == 200
    assert client.get(reverse("client-detail", args=[alice.clients[1].pk])).status_code == 404
    assert client.get(reverse("assistant-list")).status_code == 404


def test_personnummer_is_shown_masked(client, alice):
    client.force_login(alice.coordinator)
    page = client.get(reverse("client-detail", args=[alice.clients[0].pk])).content.decode()
    number = alice.clients[0].personal_number
    assert alice.clients[0].masked_personal_number in page
    assert number not in page and number[2:8] + "-" + number[8:] not in page


def test_anonymous_users_are_sent_to_login(client, alice):
    response = client.get(reverse("client-detail", args=[alice.clients[0].pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_provider_admin_in_django_admin_sees_only_own_rows(client, alice, bob):
    alice.admin.is_staff = True
    alice.admin.save()
    from django.contrib.auth.models import Permission

    alice.admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="assistans"))
    client.force_login(alice.admin)
    listing = client.get("/admin/assistans/client/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert str(alice.clients[0]) in page
    assert str(bob.clients[0]) not in page
    assert client.get(f"/admin/assistans/client/{bob.clients[0].pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/assistans/decision/{bob.clients[0].decisions.first().pk}/change/").status_code in (
        302,
        404,
    )
