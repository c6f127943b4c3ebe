"""Personal API tokens and the stored answers to idempotent POST requests.

A token's secret is shown once, when it is made; only its SHA-256 hash is
stored, next to a short public prefix that finds the row without a scan. A
token acts as its owner (the owner's membership decides what it reaches) and
can be narrowed to reading only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assistans.models import Provider


class ApiToken(models.Model):
    provider = models.ForeignKey(
        Provider, verbose_name=_("anordnare"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ägare"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("namn"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("hash av hemligheten"), max_length=64, editable=False)
    read_only = models.BooleanField(
        _("bara läsning"), default=False, help_text=_("Nyckeln kan bara läsa, aldrig ändra något.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["provider", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an ``Idempotency-Key``. The row is
    claimed before the request runs (``status_code`` None), so a second request
    with the same key never runs the change a second time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    key = models.CharField(_("nyckel"), max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent begäran")
        verbose_name_plural = _("idempotenta begäranden")
        constraints = [
            models.UniqueConstraint(
                fields=["token", "key"], condition=Q(token__isnull=False), name="idempotency_key_per_token"
            ),
            models.UniqueConstraint(
                fields=["user", "key"], condition=Q(token__isnull=True), name="idempotency_key_per_session_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
