"""Descriptions and examples of every endpoint for the OpenAPI schema (kept
apart from the views so the views stay short)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from . import serializers as s
from .schema import ERROR_EXAMPLES


def _example(
    name: str,
    value,
    *,
    request: bool = False,
    response: bool = False,
    status: str | None = None,
    media_type: str = "application/json",
):
    return OpenApiExample(
        name,
        value=value,
        request_only=request,
        response_only=response,
        status_codes=[status] if status else None,
        media_type=media_type,
    )


CLIENT = {
    "id": 101,
    "first_name": "Åsa",
    "last_name": "Öberg",
    "personal_number": "800412-****",
    "representative_name": "Per Öberg",
    "municipality": "Uppsala",
    "created_at": "2026-01-10T09:15:00+01:00",
}
CLIENT_IN = {
    "first_name": "Åsa",
    "last_name": "Öberg",
    "personal_number": "19800412-1235",
    "representative_name": "Per Öberg",
    "municipality": "Uppsala",
}
ASSISTANT = {
    "id": 12,
    "first_name": "Märta",
    "last_name": "Ström",
    "personal_number": "851230-****",
    "email": "marta@example.se",
    "phone": "070-123 45 67",
    "created_at": "2026-01-10T09:15:00+01:00",
}
ASSISTANT_IN = {
    "first_name": "Märta",
    "last_name": "Ström",
    "personal_number": "19851230-2467",
    "email": "marta@example.se",
    "phone": "070-123 45 67",
}
DECISION = {
    "id": 7,
    "client": 101,
    "payer": "fk",
    "start": "2026-01-01",
    "end": "2026-06-30",
    "weekly_hours": "100.00",
    "rate_kind": "standard",
    "raised_rate": None,
    "double_hours_per_week": "0.00",
    "wait_factor": "1/4",
    "standby_factor": "1/7",
    "case_number": "FK-2026-123",
    "municipality_name": "",
    "created_at": "2025-12-20T10:00:00+01:00",
}
EMPLOYMENT = {
    "id": 3,
    "assistant": 12,
    "employer": 1,
    "start": "2025-01-01",
    "end": None,
    "regime": "atl",
    "period_anchor": "2025-01-01",
    "rest_profile": "atl",
    "is_relative": False,
    "lives_with_client": False,
    "external_note": "",
}
ASSIGNMENT = {
    "id": 5,
    "assistant": 12,
    "client": 101,
    "start": "2025-01-01",
    "end": None,
    "fk_notified_on": "2024-12-15",
}


def _without(data: dict, *names: str) -> dict:
    return {k: v for k, v in data.items() if k not in names}


INPUTS = {
    "Brukare": CLIENT_IN,
    "Assistenter": ASSISTANT_IN,
    "Beslut": _without(DECISION, "id", "created_at"),
    "Anställningar": _without(EMPLOYMENT, "id", "employer"),
    "Uppdrag": _without(ASSIGNMENT, "id"),
}


def _page(item: dict) -> dict:
    return {"count": 1, "next": None, "previous": None, "results": [item]}


def registry_docs(tag: str, title: str, item: dict) -> dict:
    """list/retrieve/create/update/partial_update of a registry resource."""
    written = INPUTS[title]
    return {
        "list": extend_schema(
            tags=[tag],
            summary=f"{title}: lista",
            description="Det du når med din roll, sidindelat (page, page_size) och sorterbart (ordering).",
            examples=[_example("Sida", _page(item), response=True), *ERROR_EXAMPLES],
        ),
        "retrieve": extend_schema(
            tags=[tag],
            summary=f"{title}: en",
            description="En annan anordnares id ger 404.",
            examples=[_example("En", item, response=True), *ERROR_EXAMPLES],
        ),
        "create": extend_schema(
            tags=[tag],
            summary=f"{title}: skapa",
            description="Administratör eller samordnare. Samma kontroller som i administrationen; inget sparas "
            "om något fält är fel.",
            examples=[
                _example("Ny", written, request=True),
                _example("Skapad", item, response=True, status="201"),
                *ERROR_EXAMPLES,
            ],
        ),
        "update": extend_schema(
            tags=[tag],
            summary=f"{title}: ersätt",
            examples=[_example("Ändrad", written, request=True), _example("Svar", item, response=True)],
        ),
        "partial_update": extend_schema(
            tags=[tag],
            summary=f"{title}: ändra fält",
            examples=[
                _example("Ett fält", {next(iter(written)): written[next(iter(written))]}, request=True),
                _example("Svar", item, response=True),
            ],
        ),
    }


FINDING = {
    "code": "V1",
    "severity": "warning",
    "message": "Dygnsvilan blir 9 h 0 min; arbetstidslagen kräver 11 timmar i följd.",
    "hint": "Flytta passet eller registrera ett undantag med skäl.",
    "start": "2026-03-10T22:00:00+01:00",
    "end": "2026-03-11T07:00:00+01:00",
    "minutes": 120,
    "accepted": False,
}
SHIFT_IN = {
    "assistant": 12,
    "client": 101,
    "start": "2026-03-10T08:00:00+01:00",
    "end": "2026-03-10T16:00:00+01:00",
    "kind": "active",
    "note": "",
}
SHIFT = {
    "id": 1022,
    **SHIFT_IN,
    "segments": [],
    "double": False,
    "status": "planned",
    "findings": [FINDING],
    "created_at": "2026-03-01T12:00:00+01:00",
    "updated_at": "2026-03-01T12:00:00+01:00",
}
NIGHT_SHIFT_IN = {
    "assistant": 12,
    "client": 101,
    "start": "2026-03-10T08:00:00+01:00",
    "end": "2026-03-11T08:00:00+01:00",
    "segments": [
        {"offset": 0, "kind": "active"},
        {"offset": 840, "kind": "waiting"},
        {"offset": 1320, "kind": "active"},
    ],
}
REFUSED = {
    "code": "conflict",
    "detail": "Assistenten har redan ett pass som överlappar den här tiden.",
    "fields": {},
    "findings": [
        {
            **FINDING,
            "code": "H1",
            "severity": "refused",
            "message": "Assistenten har redan ett pass som överlappar den här tiden.",
            "hint": "Välj en annan tid.",
            "minutes": 60,
        }
    ],
}


def shift_docs() -> dict:
    writes = [
        _example("Svar med motorns utfall", SHIFT, response=True),
        _example("Nekas", REFUSED, response=True, status="409"),
    ]
    return {
        "list": extend_schema(
            tags=["pass"],
            summary="Pass: lista",
            description="Assistenter ser bara sina egna pass, brukare bara sina. Filtrera med date_from/date_to "
            "(lokala dagar), assistant, client, status, kind.",
            examples=[_example("Sida", _page(SHIFT), response=True), *ERROR_EXAMPLES],
        ),
        "retrieve": extend_schema(
            tags=["pass"],
            summary="Pass: ett",
            description="Med det regelmotorn sparade vid senaste kontrollen.",
            examples=[_example("Ett pass", SHIFT, response=True), *ERROR_EXAMPLES],
        ),
        "create": extend_schema(
            tags=["pass"],
            summary="Pass: registrera",
            description="Regelmotorn kontrollerar passet i samma transaktion. Svaret har motorns utfall "
            "(findings) på begärans språk. Nekas passet (överlapp, inskickad månad …) blir svaret 409 "
            "(eller 400 för omöjliga värden) med skälen, och inget sparas. Skicka Idempotency-Key för säkra "
            "omförsök.",
            examples=[
                _example("Dagpass", SHIFT_IN, request=True),
                _example("Dygnspass med väntetid", NIGHT_SHIFT_IN, request=True),
                _example("Registrerat", SHIFT, response=True, status="201"),
                _example("Nekas", REFUSED, response=True, status="409"),
            ],
        ),
        "update": extend_schema(
            tags=["pass"],
            summary="Pass: ersätt",
            examples=[_example("Ny tid", SHIFT_IN, request=True), *writes],
        ),
        "partial_update": extend_schema(
            tags=["pass"],
            summary="Pass: ändra fält",
            examples=[_example("Flytta slutet", {"end": "2026-03-10T17:00:00+01:00"}, request=True), *writes],
        ),
        "destroy": extend_schema(
            tags=["pass"],
            summary="Pass: ta bort",
            description="Motorn kontrollerar assistentens pass runt tiden igen; svaret har vad den nu finner där.",
            responses={200: s.ShiftDeletedSerializer},
            examples=[_example("Borttaget", {"id": 1022, "findings": []}, response=True)],
        ),
    }


REPORT = {
    "id": 44,
    "client": 101,
    "client_name": "Åsa Öberg",
    "month": "2026-03",
    "version": 1,
    "replaces": None,
    "status": "draft",
    "amount": "55805.85",
    "ruleset": "2026.1",
    "computed_at": "2026-04-01T06:00:00+02:00",
    "client_signed_at": None,
    "completed_on": None,
    "submitted_on": None,
    "paid_on": None,
    "paid_amount": None,
    "claim": {
        "total_minutes": 9630,
        "minutes": {"active": 9630, "waiting": 0, "standby": 0},
        "payable_minutes": {"active": 9630, "waiting": 0, "standby": 0},
        "converted_hours": "160.50",
        "payable_converted_hours": "160.50",
        "amount": "55805.85",
        "not_payable": [],
    },
    "time_reports": [
        {
            "id": 90,
            "assistant": 12,
            "assistant_name": "Märta Ström",
            "minutes": 9630,
            "assistant_signed_at": "2026-04-02T10:00:00+02:00",
            "provider_signed_at": None,
        }
    ],
    "missing_signatures": ["Tidsredovisningen för Märta Ström är inte signerad av anordnaren."],
}
NOT_YET = {
    "code": "conflict",
    "detail": "Redovisningen kan inte skickas in förrän allt är signerat.",
    "fields": {},
    "rule": "M2",
    "missing": ["Räkningen är inte signerad av brukaren eller företrädaren."],
}


def report_docs() -> dict:
    return {
        "list": extend_schema(
            tags=["månadsredovisningar"],
            summary="Månadsredovisningar: lista",
            description="Per brukare och månad (FK 3057 med tidsredovisningarna FK 3059). Assistenter ser bara "
            "redovisningar med sin egen tidsredovisning, och bara den.",
            examples=[_example("Sida", _page(REPORT), response=True), *ERROR_EXAMPLES],
        ),
        "retrieve": extend_schema(
            tags=["månadsredovisningar"],
            summary="Månadsredovisning: en",
            examples=[_example("En", REPORT, response=True), *ERROR_EXAMPLES],
        ),
        "sign": extend_schema(
            tags=["månadsredovisningar"],
            summary="Signera",
            description="Med time_report: assistenten signerar sin tidsredovisning, administratör eller "
            "samordnare signerar för anordnaren. Utan: brukaren eller företrädaren signerar räkningen (när alla "
            "tidsredovisningar är signerade). Ett nekat steg ger 409 med vad som saknas.",
            request=s.SignSerializer,
            responses={200: s.MonthlyReportSerializer},
            examples=[
                _example("Tidsredovisning", {"time_report": 90}, request=True),
                _example("Räkningen", {}, request=True),
                _example("Signerad", REPORT, response=True),
                _example("Saknas signaturer", NOT_YET, response=True, status="409"),
            ],
        ),
        "submit": extend_schema(
            tags=["månadsredovisningar"],
            summary="Markera som inskickad",
            description="Administratör eller samordnare. Månadens pass låses (M3).",
            request=s.SubmitSerializer,
            responses={200: s.MonthlyReportSerializer},
            examples=[
                _example("I dag", {}, request=True),
                _example("Visst datum", {"submitted_on": "2026-04-03"}, request=True),
                _example("Inskickad", {**REPORT, "status": "submitted", "submitted_on": "2026-04-03"}, response=True),
                _example("Inte klar", NOT_YET, response=True, status="409"),
            ],
        ),
        "export": extend_schema(
            tags=["månadsredovisningar"],
            summary="Exportera (CSV eller JSON)",
            description="Innehåller personnummer: bara administratör och samordnare, och varje export förs in i "
            "granskningsloggen. Format i docs/exports.md.",
            parameters=[OpenApiParameter("type", str, enum=["csv", "json"], default="json", description="Filformat.")],
            responses={
                (200, "application/json"): OpenApiResponse(
                    {"type": "object", "additionalProperties": True}, description="assistanstid.month/1"
                ),
                (200, "text/csv"): OpenApiResponse({"type": "string"}, description="Semikolonseparerad, UTF-8."),
            },
            examples=[
                _example(
                    "JSON",
                    {"format": "assistanstid.month/1", "contains_personal_numbers": True, "month": "2026-03"},
                    response=True,
                ),
                _example(
                    "CSV",
                    "month;provider_org_number;client_id;client_name;client_personal_number;…\r\n"
                    "2026-03;556677-8899;101;Åsa Öberg;19800412-1235;…\r\n",
                    response=True,
                    media_type="text/csv",
                ),
            ],
        ),
    }


INVOICE = {
    "id": 8,
    "number": 1001,
    "report": 44,
    "client": 101,
    "credit_of": None,
    "issued_on": "2026-04-06",
    "due_on": "2026-05-06",
    "ocr": "10016",
    "amount": "6954.00",
    "recipient": "Uppsala kommun",
    "lines": [
        {
            "description": "Personlig assistans enligt LSS, 2026-03",
            "hours": "20.00",
            "rate": "347.70",
            "amount": "6954.00",
        }
    ],
    "created_at": "2026-04-06T06:00:00+02:00",
}


def invoice_docs() -> dict:
    return {
        "list": extend_schema(
            tags=["fakturor"],
            summary="Fakturor: lista",
            description="Fakturor till kommuner (LSS). Administratör och samordnare.",
            examples=[_example("Sida", _page(INVOICE), response=True), *ERROR_EXAMPLES],
        ),
        "retrieve": extend_schema(
            tags=["fakturor"],
            summary="Faktura: en",
            examples=[_example("En", INVOICE, response=True), *ERROR_EXAMPLES],
        ),
        "pdf": extend_schema(
            tags=["fakturor"],
            summary="Faktura som PDF",
            responses={(200, "application/pdf"): OpenApiResponse({"type": "string", "format": "binary"})},
            examples=[_example("PDF", "%PDF-1.4 …", response=True, media_type="application/pdf")],
        ),
    }


FORECAST = OpenApiExample(
    "Prognos",
    value={
        "today": "2026-04-10",
        "payouts": [
            {
                "day": "2026-04-20",
                "amount": "55805.85",
                "months": [
                    {
                        "report": 44,
                        "client": 101,
                        "client_name": "Åsa Öberg",
                        "month": "2026-03",
                        "status": "complete",
                        "amount": "55805.85",
                        "expected_on": "2026-04-20",
                        "estimated": False,
                        "deadline": "2026-05-31",
                        "late": False,
                        "blocked": False,
                        "missing": [],
                    }
                ],
            }
        ],
        "months": [],
        "received": [],
    },
    response_only=True,
)
