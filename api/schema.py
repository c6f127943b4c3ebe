"""The OpenAPI description: the token scheme, the error responses every
operation can give (in the one error format), and the Idempotency-Key
header on every POST."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

ERROR_STATUSES = {
    "400": "Ogiltig begäran: felaktig JSON, fel typ, okänt fält, datum utanför intervallet.",
    "401": "Ingen eller ogiltig/återkallad API-nyckel.",
    "403": "Rollen eller nyckeln (bara läsning) får inte göra det här.",
    "404": "Finns inte, eller hör till en annan anordnare.",
    "413": "Begäran är för stor.",
    "429": "För många anrop med nyckeln; se Retry-After.",
}
WRITE_STATUSES = {
    "409": "Konflikt: regelmotorn nekar, månaden är inskickad, eller samma idempotensnyckel pågår.",
    "422": "Idempotensnyckeln användes redan för en annan begäran.",
}

ERROR_EXAMPLES = [
    OpenApiExample(
        "Ogiltiga fält",
        value={"code": "invalid", "detail": "Ogiltig inmatning.", "fields": {"start": ["Okänt fält."]}},
        response_only=True,
        status_codes=["400"],
    ),
    OpenApiExample(
        "Annan anordnares objekt",
        value={"code": "not_found", "detail": "Hittades inte.", "fields": {}},
        response_only=True,
        status_codes=["404"],
    ),
]


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ast_<prefix>_<hemlighet>",
            "description": "Personlig API-nyckel som anordnarens administratör skapar under /api-nycklar/.",
        }


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not self.path.startswith("/api/v1"):
            return responses
        from .serializers import ErrorSerializer

        statuses = dict(ERROR_STATUSES)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            statuses.update(WRITE_STATUSES)
        for code, description in statuses.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="Valfri nyckel (1–255 tecken). Samma nyckel igen ger det första svaret, "
                    "och ändringen görs aldrig två gånger.",
                )
            )
        return parameters
