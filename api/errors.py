"""One error format for every error of the API:

    {"code": "invalid", "detail": "…", "fields": {"start": ["…"]}}

plus ``findings`` when the rules engine refused a shift and ``missing`` when
a report step waits for signatures. ``detail`` and the messages follow the
request's language (``Accept-Language``: Swedish or English)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from billing.services import ReportError
from scheduling.services import ShiftRefused
from scheduling.texts import english, finding_hint, finding_message

logger = logging.getLogger(__name__)

#: Refusals that mean "this input can never be saved" (400); every other
#: refusal is a conflict with what is already there (409).
INPUT_REFUSALS = {"A0", "H3"}


def finding_data(finding) -> dict:
    """An engine finding (scheduling.rules.model.Finding) for the API."""
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "message": finding_message(finding),
        "hint": finding_hint(finding),
        "start": finding.start,
        "end": finding.end,
        "minutes": finding.minutes,
        "accepted": finding.accepted,
    }


def error_body(code: str, detail: str, fields: dict | None = None, **extra) -> dict:
    return {"code": code, "detail": str(detail), "fields": fields or {}, **extra}


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"field" | "field.sub" | "items.0": [messages]}."""
    result: dict[str, list[str]] = {}
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            # A nested serializer's own errors belong to its field.
            nested_own = key == "non_field_errors" and prefix
            name = prefix if nested_own else (f"{prefix}.{key}" if prefix else str(key))
            for sub, messages in _flatten(value, name).items():
                result.setdefault(sub, []).extend(messages)
    elif isinstance(errors, list | tuple):
        if all(not isinstance(item, Mapping | list | tuple) for item in errors):
            result[prefix] = [str(item) for item in errors]
        else:
            for index, value in enumerate(errors):
                if value:
                    result.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        result[prefix] = [str(errors)]
    return result


def _validation_response(detail) -> Response:
    fields = _flatten(detail if isinstance(detail, Mapping | list) else {"non_field_errors": [detail]})
    general = fields.pop("non_field_errors", []) + fields.pop("", [])
    message = " ".join(general) if general else _("Uppgifterna är ogiltiga; se fälten.")
    return Response(error_body("invalid", message, fields), status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every exception a view raises
    becomes one response in the error format; nothing escapes as HTML."""
    if isinstance(exc, ShiftRefused):
        first = exc.findings[0]
        code = "invalid" if {f.code for f in exc.findings} <= INPUT_REFUSALS else "conflict"
        detail = finding_message(first)
        return Response(
            error_body(code, detail, findings=[finding_data(f) for f in exc.findings]),
            status=status.HTTP_400_BAD_REQUEST if code == "invalid" else status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ReportError):
        detail = exc.message_en if english() else exc.message
        return Response(
            error_body("conflict", detail, rule=exc.code, missing=list(exc.missing)), status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        return _validation_response(as_serializer_error(exc))
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("payload_too_large", _("Begäran är för stor.")), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError()
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = exc.detail if isinstance(exc.detail, str) else exc.default_detail
        return Response(error_body(code, detail), status=exc.status_code, headers=headers)
    logger.exception("unhandled error in the API", exc_info=exc)
    return Response(
        error_body("server_error", _("Ett oväntat fel inträffade. Försök igen eller kontakta supporten.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
