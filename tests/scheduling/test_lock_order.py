"""Recording shifts locks the provider's row before any assistant's, so a
transaction that records several shifts (copy week, sick call) cannot
deadlock with a single recording on another of the provider's assistants:
both bump the provider's engine-input version (scheduling.input_version)."""

from __future__ import annotations

import threading
import time as clock
from datetime import date, time

import pytest
from django.db import connection, transaction

from assistans import factories as f
from scheduling import services
from scheduling.models import Shift
from scheduling.rules.timeutil import make_aware

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def data(assistant, client, day: int) -> services.ShiftData:
    return services.ShiftData(
        assistant.pk,
        client.pk,
        make_aware(date(2026, 3, day), time(8)),
        make_aware(date(2026, 3, day), time(16)),
    )


def test_a_multi_shift_transaction_and_a_single_recording_do_not_deadlock(alice):
    a0, a1 = alice.assistants
    client = alice.clients[0]
    f.AssignmentFactory(assistant=a1, client=client)
    first_saved, errors = threading.Event(), []

    def several():
        try:
            with transaction.atomic():
                services.record_shift(actor=alice.coordinator, provider=alice.provider, data=data(a0, client, 2))
                first_saved.set()
                clock.sleep(0.5)  # the other recording starts and waits meanwhile
                services.record_shift(actor=alice.coordinator, provider=alice.provider, data=data(a1, client, 3))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def single():
        try:
            first_saved.wait(timeout=10)
            services.record_shift(actor=alice.coordinator, provider=alice.provider, data=data(a1, client, 4))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=several), threading.Thread(target=single)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Shift.objects.filter(provider=alice.provider).count() == 3
