"""Where a request came from: one rule for the audit trail and for axes.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each of which appends the
address it received the request from to ``X-Forwarded-For``, the client is
the entry that many places from the right. Anything further left was written
by the client and can be forged, so it is never used. Without proxies (the
default) the address is the socket's ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return _valid(forwarded[-count])
    return _valid(request.META.get("REMOTE_ADDR", ""))
