"""Personnummer: masked on pages except where the role needs them, never
written to the logs."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest
from django.conf import settings

from audit.logging import MaskPersonalNumbers, mask_personal_numbers

# (text, expected) in plain words: what a log line may contain and what is written.
MASKING = [
    ("personnummer 19800412-1234 saknas", "personnummer 800412-**** saknas"),
    ("19800412-1234", "800412-****"),
    ("id=198004121234;", "id=800412-****;"),
    ("kort form 800412-1234", "kort form 800412-****"),
    ("hundraåring 150412+1234", "hundraåring 150412-****"),
    ("samordningsnummer 19800472-1235", "samordningsnummer 800472-****"),
    ("samordningsnummer kort 800472-1235", "samordningsnummer kort 800472-****"),
    ("två: 19800412-1234, 19900101-0017", "två: 800412-****, 900101-****"),
    # Not personnummer: left as they are.
    ("OCR 8004121234 betald", "OCR 8004121234 betald"),  # ten bare digits: an OCR or order number
    ("orgnr 556677-8899", "orgnr 556677-8899"),  # month 66 is an organisation number
    ("faktura 1042, pass 1022", "faktura 1042, pass 1022"),
    ("tid 2026-03-29 01:30", "tid 2026-03-29 01:30"),
    ("belopp 12345678901234", "belopp 12345678901234"),  # longer digit runs are not split
]


@pytest.mark.parametrize(("text", "expected"), MASKING)
def test_the_mask_hides_the_last_four_digits(text, expected):
    assert mask_personal_numbers(text) == expected


def _logger_with_filter():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalNumbers())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.security.mask")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_the_filter_masks_arguments_and_tracebacks():
    logger, stream = _logger_with_filter()
    logger.info("client %s imported with %s", "19800412-1234", {"pnr": "198004121234"})
    try:
        raise ValueError("bad number 19800412-1234")
    except ValueError:
        logger.exception("import failed for %s", "800412-1234")
    written = stream.getvalue()
    assert "1234" not in written.replace("800412-****", "")
    assert written.count("800412-****") == 5
    assert "ValueError: bad number 800412-****" in written


def test_every_configured_handler_masks():
    """settings.LOGGING puts the filter on every handler it defines, and
    Django's own loggers write through those handlers."""
    handlers = settings.LOGGING["handlers"]
    assert handlers
    for name, handler in handlers.items():
        assert "mask_personal_numbers" in handler.get("filters", []), name
    for name in ("django", "django.request", "django.server", "celery", "billing"):
        logger = logging.getLogger(name)
        while logger is not None:
            for handler in logger.handlers:
                if type(handler).__module__.startswith("_pytest") or isinstance(handler, logging.NullHandler):
                    continue  # pytest's capture, or a handler that writes nothing
                assert any(isinstance(f, MaskPersonalNumbers) for f in handler.filters), (name, handler)
            logger = logger.parent if logger.propagate else None


def test_a_log_line_through_the_settings_is_masked(capsys):
    """The configured console handler, end to end."""
    logging.config.dictConfig(settings.LOGGING)
    logging.getLogger("django.request").error("Not Found: /brukare/?q=%s", "19800412-1234")
    captured = capsys.readouterr()
    assert "800412-****" in captured.err
    assert "19800412-1234" not in captured.err


@pytest.mark.django_db
def test_pages_show_numbers_masked_except_to_the_providers_admin(client, alice):
    person = alice.clients[0]
    full = f"{person.personal_number[:8]}-{person.personal_number[8:]}"
    masked = f"{person.personal_number[2:8]}-****"
    url = f"/brukare/{person.pk}/"
    client.force_login(alice.admin)
    page = client.get(url).content.decode()
    assert full in page
    for role in ("coordinator", "client_user"):
        client.force_login(getattr(alice, role))
        page = client.get(url).content.decode()
        assert masked in page, role
        assert person.personal_number[8:] not in page.replace(masked, ""), role
    client.force_login(alice.admin)
    listing = client.get("/brukare/").content.decode()
    assert masked in listing and full not in listing


@pytest.mark.django_db
def test_an_assistants_number_is_shown_in_full_only_to_the_admin(client, alice):
    person = alice.assistants[0]
    full = f"{person.personal_number[:8]}-{person.personal_number[8:]}"
    url = f"/assistenter/{person.pk}/"
    client.force_login(alice.admin)
    assert full in client.get(url).content.decode()
    client.force_login(alice.coordinator)
    page = client.get(url).content.decode()
    assert full not in page and f"{person.personal_number[2:8]}-****" in page


def test_a_celery_worker_keeps_the_masking_handlers():
    """Celery replaces the root logger's handlers when a worker starts, unless
    someone answers its setup_logging signal: config/celery.py does."""
    from celery.signals import setup_logging

    import config.celery  # noqa: F401 - connects the receiver

    root = logging.getLogger()
    saved = root.handlers[:]
    try:
        root.handlers = []  # as a fresh worker process starts
        setup_logging.send(sender=None, loglevel=logging.INFO, logfile=None, format="", colorize=False)
        ours = [h for h in root.handlers if not type(h).__module__.startswith("_pytest")]
        assert ours and all(any(isinstance(f, MaskPersonalNumbers) for f in h.filters) for h in ours)
    finally:
        root.handlers = saved
