"""Finding texts in the reader's language.

The rules engine writes every finding twice: ``message``/``hint`` in Swedish
and ``message_en``/``hint_en`` in English (engine findings, stored
``ShiftFinding`` rows, and ``LocalTimeError`` for ``message``). Pages, forms
and the API show the English text when the active language is English and
the English text exists, else the Swedish one (rows stored before the English
columns existed have none). Templates use the filters of the same names
(``{% load findings %}``)."""

from __future__ import annotations

from django.utils.translation import get_language


def english() -> bool:
    """Whether the active language is English (``en``, ``en-gb`` ...)."""
    return (get_language() or "").lower().startswith("en")


def _pick(obj, name: str) -> str:
    swedish = getattr(obj, name, "") or ""
    if english():
        return getattr(obj, f"{name}_en", "") or swedish
    return swedish


def finding_message(obj) -> str:
    """``obj.message_en`` in English (when not empty), else ``obj.message``."""
    return _pick(obj, "message")


def finding_hint(obj) -> str:
    """``obj.hint_en`` in English (when not empty), else ``obj.hint``."""
    return _pick(obj, "hint")
