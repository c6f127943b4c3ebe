"""What every API view shares: authentication, the permission and throttle
classes, the error format, idempotency keys on POST and audit attribution.

Token authentication happens inside DRF, after the audit middleware has
looked at the request, so every mutating request runs inside
``auditlog.context.set_actor`` here: changes made with a token are recorded
as made by the token's owner, from the caller's address."""

from __future__ import annotations

import contextlib

from auditlog.context import auditlog_value, set_actor
from rest_framework import mixins, viewsets
from rest_framework.permissions import SAFE_METHODS

from assistans.selectors import membership_of
from audit.network import client_ip

from . import idempotency
from .parsers import JSONParser
from .permissions import MANAGERS


class _Replay(Exception):
    def __init__(self, response):
        super().__init__("idempotent replay")
        self.response = response


@contextlib.contextmanager
def acting_as(user, remote_addr: str | None):
    """set_actor for the duration of the request; the audit middleware's outer
    context is put back afterwards (set_actor itself does not restore it)."""
    try:
        previous = auditlog_value.get()
    except LookupError:
        previous = None
    try:
        with set_actor(user, remote_addr=remote_addr):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


class ApiViewMixin:
    #: Roles that may change things through this view (see permissions).
    write_roles = MANAGERS
    parser_classes = [JSONParser]

    def get_write_roles(self):
        return self.write_roles

    @property
    def membership(self):
        return membership_of(self.request.user)

    @property
    def provider(self):
        return self.membership.provider

    def initial(self, request, *args, **kwargs):
        self._idempotency_record = None
        self._audit = contextlib.ExitStack()
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            self._audit.enter_context(acting_as(request.user, client_ip(request)))
        claimed = idempotency.begin(request)
        if claimed is None:
            return
        if not isinstance(claimed, idempotency.IdempotencyRecord):
            raise _Replay(claimed)
        self._idempotency_record = claimed

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        try:
            response = super().finalize_response(request, response, *args, **kwargs)
            record = getattr(self, "_idempotency_record", None)
            if record is not None:
                idempotency.finish(record, response)
            return response
        finally:
            audit = getattr(self, "_audit", None)
            if audit is not None:
                audit.close()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        membership = membership_of(self.request.user) if self.request else None
        context["membership"] = membership
        return context


class ReadViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RegistryViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and change; registry rows are not deleted through
    the API (they are protected by what refers to them)."""
