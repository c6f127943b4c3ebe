"""Auditlog's middleware with our rule for the client's address."""

from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware

from .network import client_ip


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """Records who (the logged-in user) and from where (``audit.network``)
    on every entry written while the request runs. Auditlog's own version
    trusts the left-most ``X-Forwarded-For`` entry, which the client writes."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None
