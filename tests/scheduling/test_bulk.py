from datetime import date, time

import pytest

from scheduling import bulk
from scheduling.models import Shift
from scheduling.rules.timeutil import make_aware


def at(day: int, hour: int):
    return make_aware(date(2026, 3, day), time(hour))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_checking_providers_on_two_processes_finds_what_one_finds(alice, bob):
    for side in (alice, bob):
        for day in range(2, 9):  # 14:00-22:00 then 06:00 next day: quick returns (V1)
            Shift.objects.create(
                provider=side.provider,
                assistant=side.assistants[0],
                client=side.clients[0],
                start=at(day, 14),
                end=at(day, 22),
            )
            Shift.objects.create(
                provider=side.provider,
                assistant=side.assistants[0],
                client=side.clients[0],
                start=at(day + 1, 6),
                end=at(day + 1, 10),
            )
    kwargs = {"start": at(1, 0), "end": at(31, 0), "history_days": 30}
    one = bulk.check_providers(workers=1, **kwargs)
    two = bulk.check_providers(workers=2, **kwargs)
    assert one.providers == two.providers == 2
    assert one.shifts == two.shifts == 28
    assert one.findings == two.findings
    assert one.findings["V1"] > 0
