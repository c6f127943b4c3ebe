"""Idempotency keys on POST (after Stripe's ``Idempotency-Key``).

The first request with a key claims a row *before* it runs; a repeat gets
the stored answer (and ``Idempotent-Replayed: true``) and never runs the
change again, so a retried POST never makes a second shift. The same key with
another body or path is refused (422); a repeat while the first is still
running gets 409. Server errors are not stored: the client may retry."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import ApiToken, IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
#: A claim still unanswered after this long belongs to a request whose process
#: died (every web request is killed long before: gunicorn's timeout); its
#: transaction rolled back, so the key may be claimed again.
STALE_CLAIM = timedelta(minutes=10)


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("Idempotensnyckeln har redan använts för en annan begäran.")
    default_code = "idempotency_key_reused"


class KeyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("En begäran med samma idempotensnyckel pågår redan. Försök igen om en stund.")
    default_code = "idempotency_in_progress"


class BadKey(exceptions.ValidationError):
    pass


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.get_full_path().encode())
    digest.update(b"\0")
    # Django's .body enforces DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig).
    digest.update(request._request.body)
    return digest.hexdigest()


def begin(request) -> IdempotencyRecord | Response | None:
    """Claim the key of a POST. Returns the claimed row (run the request,
    then :func:`finish`), the stored response of an earlier request (send
    it), or None when the request carries no key."""
    if request.method != "POST":
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise BadKey({HEADER: [_("Idempotensnyckeln ska vara 1–255 synliga tecken.")]})
    token = request.auth if isinstance(request.auth, ApiToken) else None
    owner = {"token": token} if token else {"user": request.user, "token": None}
    request_hash = _request_hash(request)
    # Let go of an unanswered claim left by a dead process (conditional: if
    # two retries race here, one deletes it and the other's create loses).
    IdempotencyRecord.objects.filter(
        key=key, status_code__isnull=True, created_at__lt=timezone.now() - STALE_CLAIM, **owner
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user=request.user,
                token=token,
                key=key,
                method=request.method,
                path=request.get_full_path()[:500],
                request_hash=request_hash,
            )
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(key=key, **owner).first()
    if existing is None:  # the first request failed and let go of the key meanwhile
        raise KeyInProgress()
    if existing.request_hash != request_hash:
        raise KeyReused()
    if existing.status_code is None:
        raise KeyInProgress()
    return Response(existing.response_body, status=existing.status_code, headers={"Idempotent-Replayed": "true"})


def finish(record: IdempotencyRecord, response) -> None:
    if response.status_code >= 500 or not hasattr(response, "data"):
        abandon(record)
        return
    body = None if response.data is None else json.loads(JSONRenderer().render(response.data))
    IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=response.status_code, response_body=body)


def abandon(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).delete()


def purge(*, older_than) -> int:
    """Forget answered keys made before ``older_than`` (a datetime); a
    client retries within minutes, not weeks. Returns how many went."""
    deleted, _per_model = IdempotencyRecord.objects.filter(created_at__lt=older_than).delete()
    return deleted
