"""Personal API tokens: made, found and revoked only here.

A token reads ``ast_<prefix>_<secret>``. The prefix is stored as it is, to
find the row; of the whole token only a SHA-256 hash is stored, so a leaked
database does not leak usable tokens. The secret has 256 random bits, so a
fast hash is enough (unlike a password, it cannot be guessed from a list)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assistans.models import Membership, Provider

from .models import ApiToken

TOKEN_PREFIX = "ast_"
#: last_used_at is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(*, provider: Provider, owner, name: str, read_only: bool, created_by) -> tuple[ApiToken, str]:
    """Make a token for ``owner`` (a user of ``provider``). Returns the row and
    the plain token, which is never stored and can be shown only now."""
    name = (name or "").strip()
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [_("Ge nyckeln ett namn, t.ex. vilket system som använder den.")]
    try:
        owner_provider_id = owner.membership.provider_id
    except (Membership.DoesNotExist, AttributeError):
        owner_provider_id = None
    if owner_provider_id != provider.pk:
        errors["owner"] = [_("Ägaren måste vara en användare hos anordnaren.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        provider=provider, owner=owner, name=name, prefix=prefix, secret_hash=_hash(raw), read_only=read_only
    )
    token.created_by = created_by
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def revoke_token(*, token: ApiToken, now: datetime | None = None) -> bool:
    """Revoke at once; True if this call revoked it (safe to call twice).
    Saved through the model (not a queryset update), so the audit trail
    records who revoked it, when and from where."""
    current = ApiToken.objects.select_for_update().filter(pk=token.pk, revoked_at__isnull=True).first()
    if current is None:
        return False
    current.revoked_at = now or timezone.now()
    current.save(update_fields=["revoked_at"])
    token.revoked_at = current.revoked_at
    return True


def find_token(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The active token ``raw`` names, or None. Marks it used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not secret or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("owner", "provider").filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(raw)):
        return None
    now = now or timezone.now()
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    return token
