"""Who may do what through the API.

Reads are scoped by the querysets (the selectors), so another provider's
object is a 404. Writes need a role (``view.write_roles``) and, with a token,
a token that may write. On a single object both checks wait until the object
is found: another provider's object is a 404 for everyone, never a 403."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from assistans.models import Membership
from assistans.selectors import membership_of

from .models import ApiToken

MANAGERS = frozenset({Membership.Role.ADMIN, Membership.Role.COORDINATOR})


class ReadOnlyToken(exceptions.PermissionDenied):
    default_detail = _("API-nyckeln får bara läsa.")
    default_code = "token_read_only"


class RoleNotAllowed(exceptions.PermissionDenied):
    default_detail = _("Din roll får inte göra den här ändringen.")
    default_code = "permission_denied"


class NoMembership(exceptions.PermissionDenied):
    default_detail = _("Användaren hör inte till någon anordnare.")
    default_code = "no_membership"


def _is_detail(view) -> bool:
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    return bool(lookup and lookup in getattr(view, "kwargs", {}))


class ApiPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        if membership_of(request.user) is None:
            raise NoMembership()
        if _is_detail(view):
            return True  # decided in has_object_permission, after the 404 check
        self._check_write(request, view)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        self._check_write(request, view)
        return True

    @staticmethod
    def _check_write(request, view) -> None:
        if request.method in permissions.SAFE_METHODS and not getattr(view, "action_writes", False):
            return
        if isinstance(request.auth, ApiToken) and request.auth.read_only:
            raise ReadOnlyToken()
        roles = view.get_write_roles() if hasattr(view, "get_write_roles") else MANAGERS
        if membership_of(request.user).role not in roles:
            raise RoleNotAllowed()
