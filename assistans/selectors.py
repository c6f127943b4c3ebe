"""Provider-scoped reads. Every view, endpoint and task reaches registry rows
through these functions, so another provider's rows are unreachable (a 404),
not merely hidden."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Assignment, Assistant, Client, Decision, Employment, Membership, Provider


def membership_of(user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def require_membership(user) -> Membership:
    membership = membership_of(user)
    if membership is None:
        raise Http404("no membership")
    return membership


def providers_for(user) -> QuerySet[Provider]:
    membership = membership_of(user)
    if membership is None:
        return Provider.objects.none()
    return Provider.objects.filter(pk=membership.provider_id)


def clients_for(user) -> QuerySet[Client]:
    """Admins and coordinators with full access see the provider's clients; a
    restricted coordinator and a client (representative) see their own list;
    an assistant sees the clients they are assigned to."""
    membership = membership_of(user)
    if membership is None:
        return Client.objects.none()
    clients = Client.objects.filter(provider_id=membership.provider_id)
    role = membership.role
    if role == Membership.Role.ADMIN or (role == Membership.Role.COORDINATOR and membership.all_clients):
        return clients
    if role in (Membership.Role.COORDINATOR, Membership.Role.CLIENT):
        return clients.filter(memberships=membership)
    if role == Membership.Role.ASSISTANT:
        return clients.filter(assignments__assistant_id=membership.assistant_id).distinct()
    return Client.objects.none()


def assistants_for(user) -> QuerySet[Assistant]:
    membership = membership_of(user)
    if membership is None:
        return Assistant.objects.none()
    assistants = Assistant.objects.filter(provider_id=membership.provider_id)
    role = membership.role
    if role == Membership.Role.ADMIN or (role == Membership.Role.COORDINATOR and membership.all_clients):
        return assistants
    if role == Membership.Role.COORDINATOR:
        return assistants.filter(assignments__client__memberships=membership).distinct()
    if role == Membership.Role.ASSISTANT:
        return assistants.filter(pk=membership.assistant_id)
    return Assistant.objects.none()


def decisions_for(user) -> QuerySet[Decision]:
    return Decision.objects.filter(client__in=clients_for(user))


def employments_for(user) -> QuerySet[Employment]:
    return Employment.objects.filter(assistant__in=assistants_for(user))


def assignments_for(user) -> QuerySet[Assignment]:
    return Assignment.objects.filter(client__in=clients_for(user), assistant__in=assistants_for(user))


def can_manage(user) -> bool:
    """Provider admins and coordinators plan and change things."""
    membership = membership_of(user)
    return membership is not None and membership.role in (Membership.Role.ADMIN, Membership.Role.COORDINATOR)


def parse_id(value) -> int | None:
    """A row id typed into a query string or posted by a form, or None.

    ASCII digits only: ``str.isdigit()`` is also true of "²" (which ``int()``
    refuses) and of "٣" (which ``int()`` reads as another row's id)."""
    value = value if isinstance(value, str) else ""
    return int(value) if value.isascii() and value.isdigit() else None
