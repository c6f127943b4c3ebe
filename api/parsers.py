"""The API's JSON parser: DRF's, with a Swedish (or English) message for
broken JSON and a 400 instead of a server error for a document nested so deep
that Python's decoder runs out of stack (``[[[[…]]]]``)."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            cause = exc.__cause__ or exc.__context__  # DRF re-raises the decoder's ValueError
            if isinstance(cause, json.JSONDecodeError):
                detail = _("Ogiltig JSON (rad %(line)s, kolumn %(column)s).") % {
                    "line": cause.lineno,
                    "column": cause.colno,
                }
            elif isinstance(cause, UnicodeDecodeError):
                detail = _("Ogiltig JSON: texten måste vara UTF-8.")
            else:  # NaN/Infinity, a number with thousands of digits
                detail = _("Ogiltig JSON: ett värde går inte att läsa.")
            raise ParseError(detail) from cause
        except RecursionError as exc:
            raise ParseError(_("Ogiltig JSON: dokumentet är för djupt nästlat.")) from exc
