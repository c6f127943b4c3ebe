"""Authentication by personal API token: ``Authorization: Bearer ast_…``.

The token acts as its owner: the owner's membership decides what it reaches.
A revoked token, an owner who has left the provider or been deactivated, and
a token that names nothing all get the same 401."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from assistans.models import Membership

from . import tokens


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("API-nyckeln saknas eller är felaktigt angiven."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("API-nyckeln är ogiltig eller återkallad.")) from exc
        token = tokens.find_token(raw)
        if token is None or not token.owner.is_active:
            raise exceptions.AuthenticationFailed(_("API-nyckeln är ogiltig eller återkallad."))
        try:
            membership = token.owner.membership
        except Membership.DoesNotExist:
            membership = None
        if membership is None or membership.provider_id != token.provider_id:
            raise exceptions.AuthenticationFailed(_("API-nyckeln är ogiltig eller återkallad."))
        return token.owner, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
