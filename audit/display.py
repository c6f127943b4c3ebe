"""Audit entries as rows a person can read: field, before, after."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    0: _("Skapad"),
    1: _("Ändrad"),
    2: _("Borttagen"),
    3: _("Export"),
}

_EMPTY = (None, "None", "")


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_relation(field) -> bool:
    return field is not None and (field.many_to_one or field.one_to_one)


def _key(field, value):
    try:
        return field.related_model._meta.pk.to_python(value)
    except ValidationError:
        return None


def _names(entries: list) -> dict:
    """{(related model, pk): str(object)} for every foreign key value in the
    entries' changes, one query per related model."""
    wanted = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, value in (entry.changes or {}).items():
            field = _field(model, name)
            if _is_relation(field) and isinstance(value, list | tuple):
                for side in value:
                    if side not in _EMPTY and (key := _key(field, side)) is not None:
                        wanted[field.related_model].add(key)
    names = {}
    for related, keys in wanted.items():
        for pk, obj in related._base_manager.in_bulk(list(keys)).items():
            names[(related, str(pk))] = str(obj)
    return names


def _shown(value, field, names: dict) -> str:
    if value in _EMPTY:
        return "–"
    if _is_relation(field):
        name = names.get((field.related_model, str(value)))
        return f"{name} (#{value})" if name is not None else f"#{value}"
    if field is not None and getattr(field, "get_internal_type", str)() == "BooleanField":
        return str(_("Ja") if value == "True" else _("Nej"))
    choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
    return str(choices.get(value, value))


def _rows(entry, names: dict) -> list[ChangeRow]:
    model = entry.content_type.model_class()
    rows = []
    for name, value in (entry.changes or {}).items():
        if name == "id":
            continue  # the object's own id is in its link
        field = _field(model, name)
        label = str(getattr(field, "verbose_name", name))
        if isinstance(value, dict) and value.get("type") == "m2m":
            objects = ", ".join(value.get("objects", []))
            if value.get("operation") == "add":
                rows.append(ChangeRow(label, "–", _("tillagd: %(objects)s") % {"objects": objects}))
            else:
                rows.append(ChangeRow(label, _("borttagen: %(objects)s") % {"objects": objects}, "–"))
            continue
        before, after = value
        rows.append(ChangeRow(label, _shown(before, field, names), _shown(after, field, names)))
    return rows


def with_change_rows(entries: Iterable) -> list:
    """The entries, each with ``change_rows`` for the template."""
    entries = list(entries)
    names = _names(entries)
    for entry in entries:
        entry.change_rows = _rows(entry, names)
    return entries
