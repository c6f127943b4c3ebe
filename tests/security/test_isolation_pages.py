"""The isolation matrix: every page that takes an object id, opened by every
role of provider A with provider B's object, answers 404 (not 403, not data).

The pages are found by walking the URL resolver, so a new page with an id in
its URL fails ``test_every_page_with_an_id_is_in_the_matrix`` until it is
added to ``PAGES`` below: one line, its URL name and what each URL kwarg is
(``pk("shift")`` = the id of B's shift, ``value("2026-03")`` = a month; the
kinds of object are in ``objects.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .objects import Objects, content_type_of, pk, value

# URL name → how to fill each of its kwargs with provider B's objects.
PAGES: dict[str, dict] = {
    "client-detail": {"pk": pk("client")},
    "assistant-detail": {"pk": pk("assistant")},
    "audit-object": {"content_type": content_type_of("client"), "pk": pk("client")},
    "client-follow-up": {"pk": pk("client")},
    "report-detail": {"pk": pk("report")},
    "report-export": {"pk": pk("report"), "fmt": value("csv")},
    "time-report-pdf": {"pk": pk("time_report")},
    "schedule-client": {"pk": pk("client")},
    "schedule-copy-week": {"pk": pk("client")},
    "schedule-assistant": {"pk": pk("assistant")},
    "shift-edit": {"pk": pk("shift")},
    "shift-delete": {"pk": pk("shift")},
    "api-token-revoke": {"pk": pk("api_token")},
    "sick-call": {"pk": pk("assistant")},
    "deviation-decide": {"pk": pk("deviation")},
    "deviation-report": {"pk": pk("shift")},
}

# Parts of the site outside the matrix, each with the reason.
EXCLUDED_PREFIXES = {
    # Django admin is for the operator's staff users; ProviderScopedAdmin scopes it.
    "admin/": "Django admin",
    # The REST API has its own matrix in tests/api (JSON answers, the same 404 rule).
    "api/": "REST API",
}

# Pages whose URL carries something other than an object id, each with the reason.
NOT_OBJECT_IDS = {
    # The secret token is the credential (no login); tests/scheduling covers a wrong or revoked token.
    "calendar-feed": "secret token",
}

ROLES = ("admin", "coordinator", "restricted_coordinator", "assistant_user", "client_user")


@dataclass(frozen=True)
class Page:
    route: str
    name: str | None
    kwargs: tuple[str, ...]


def _kwargs_of(pattern) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern.pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def _walk(patterns, prefix: str = "", namespace: str = "", inherited: tuple[str, ...] = ()):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        kwargs = inherited + _kwargs_of(entry)
        if isinstance(entry, URLResolver):
            child_namespace = namespace
            if entry.namespace:
                child_namespace = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, route, child_namespace, kwargs)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Page(route=route, name=name, kwargs=kwargs)


def pages_with_ids() -> list[Page]:
    pages = []
    for page in _walk(get_resolver().url_patterns):
        if not page.kwargs or any(page.route.startswith(prefix) for prefix in EXCLUDED_PREFIXES):
            continue
        pages.append(page)
    return pages


def test_every_page_with_an_id_is_in_the_matrix():
    missing = [page for page in pages_with_ids() if page.name not in PAGES and page.name not in NOT_OBJECT_IDS]
    assert not missing, (
        "pages with an id in the URL that the isolation matrix does not cover; "
        "add each to PAGES in tests/security/test_isolation_pages.py: "
        + ", ".join(f"{page.name or '(unnamed)'} ({page.route})" for page in missing)
    )


def test_the_matrix_names_only_pages_that_exist():
    names = {page.name for page in pages_with_ids()}
    assert set(PAGES) - names == set()
    assert set(NOT_OBJECT_IDS) - names == set()
    for name, kwargs in PAGES.items():
        page = next(p for p in pages_with_ids() if p.name == name)
        assert set(kwargs) == set(page.kwargs), name


def _url(name: str, objects: Objects) -> str:
    return reverse(name, kwargs={kwarg: fill(objects) for kwarg, fill in PAGES[name].items()})


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_role_of_provider_a_reaches_provider_bs_object(client, alice, bob, name):
    url = _url(name, Objects(bob))
    leaks = []
    for role in ROLES:
        client.force_login(getattr(alice, role))
        answers = {"GET": client.get(url).status_code, "POST": client.post(url, {}).status_code}
        # 405: the page does not take that method at all, whoever asks and for
        # whatever id; the other method must then be the 404.
        if set(answers.values()) - {404, 405} or 404 not in answers.values():
            leaks.append(f"{role}: {answers}")
    assert not leaks, f"{url}: " + "; ".join(leaks)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_owners_reach_the_same_page(client, bob, name):
    """The control: the matrix's URLs are real pages that some role of the
    object's own provider opens (or posts to), not 404s for everyone."""
    url = _url(name, Objects(bob))
    answers = {}
    for role in ROLES:
        client.force_login(getattr(bob, role))
        answers[f"GET as {role}"] = client.get(url).status_code
        if answers[f"GET as {role}"] == 405:
            answers[f"POST as {role}"] = client.post(url, {}).status_code
    assert {200, 302} & set(answers.values()), f"{url}: {answers}"
