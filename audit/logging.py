"""A logging filter that keeps personnummer out of every log line.

Installed on every handler in ``settings.LOGGING``. It masks anything shaped
like a personnummer or samordningsnummer (YYYYMMDDNNNN, YYYYMMDD-NNNN,
YYMMDD-NNNN, YYMMDD+NNNN; a samordningsnummer has day + 60) to YYMMDD-****,
in the message, its arguments and an exception's text. The match is on shape
and date, not on the check digit: a mistyped number is still personal data.
Bare ten-digit runs are left alone (order and OCR numbers look the same).
"""

from __future__ import annotations

import logging
import re

# The century is optional only when a separator is present, so that a bare
# 10-digit reference (OCR, organisation number) is not taken for a person.
_PATTERN = re.compile(
    r"(?<![\d])"
    r"(?:(?P<century>18|19|20)(?P<yy1>\d{2})(?P<md1>(?:0[1-9]|1[0-2])(?:[0-3]\d|[6-9]\d))[-+]?(?P<tail1>\d{4})"
    r"|(?P<yy2>\d{2})(?P<md2>(?:0[1-9]|1[0-2])(?:[0-3]\d|[6-9]\d))[-+](?P<tail2>\d{4}))"
    r"(?![\d])"
)


def _replace(match: re.Match) -> str:
    yy = match.group("yy1") or match.group("yy2")
    month_day = match.group("md1") or match.group("md2")
    return f"{yy}{month_day}-****"


def mask_personal_numbers(text: str) -> str:
    return _PATTERN.sub(_replace, text)


class MaskPersonalNumbers(logging.Filter):
    """Rewrites the record in place, so every handler after it (and every
    formatter) sees the masked text only."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the caller's bug; log it as is
            message = str(record.msg)
        masked = mask_personal_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_personal_numbers(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_personal_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_numbers(record.stack_info)
        return True
