"""Three months of plausible shifts for the demo provider: day and evening
shifts, nights with waiting time, a 24 h pass now and then, double assistance
where granted, and a few rule breaks so the findings have something to show."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from django.db import transaction

from assistans.models import Assignment, Client, Provider

from . import input_version
from .models import Shift
from .rules.timeutil import make_aware
from .services import recheck

# (start, end-day offset, end, kind, segments) per slot of a client's day
DAY_PLANS = {
    "24h": [((7, 0), 0, (15, 0), "active"), ((15, 0), 0, (22, 0), "active"), ((22, 0), 1, (7, 0), "waiting")],
    "long": [((8, 0), 0, (16, 0), "active"), ((16, 0), 0, (22, 30), "active")],
    "day": [((8, 0), 0, (16, 0), "active")],
    "short": [((9, 0), 0, (14, 0), "active")],
}


def _plan_for(weekly_hours: float) -> str:
    if weekly_hours >= 150:
        return "24h"
    if weekly_hours >= 90:
        return "long"
    if weekly_hours >= 60:
        return "day"
    return "short"


@transaction.atomic
def create_demo_shifts(*, provider: Provider, first: date, last: date, today: date, seed: int = 2026) -> int:
    rng = random.Random(seed)
    busy_until: dict[int, object] = {}
    shifts: list[Shift] = []
    clients = list(Client.objects.filter(provider=provider).prefetch_related("decisions").order_by("pk"))
    teams = {
        client.pk: list(
            Assignment.objects.filter(client=client).order_by("assistant_id").values_list("assistant_id", flat=True)
        )
        for client in clients
    }
    for team in teams.values():
        rng.shuffle(team)
    day = first
    while day <= last:
        for client in clients:
            decision = next((d for d in client.decisions.all() if d.payer == "fk" and d.start <= day <= d.end), None)
            if decision is None or not teams[client.pk]:
                continue
            team = teams[client.pk]
            for slot, ((sh, sm), end_offset, (eh, em), kind) in enumerate(
                DAY_PLANS[_plan_for(float(decision.weekly_hours))]
            ):
                start = make_aware(day, time(sh, sm))
                end = make_aware(day + timedelta(days=end_offset), time(eh, em))
                # Rotate through the team; skip anyone still busy (no overlaps).
                offset = (day.toordinal() + slot * 2) % len(team)
                candidates = team[offset:] + team[:offset]
                free = [a for a in candidates if busy_until.get(a) is None or busy_until[a] <= start]
                if not free:
                    continue
                assistant = free[0]
                busy_until[assistant] = end
                status = (
                    Shift.Status.APPROVED
                    if day < today - timedelta(days=30)
                    else (Shift.Status.WORKED if day < today else Shift.Status.PLANNED)
                )
                shifts.append(
                    Shift(
                        provider=provider,
                        assistant_id=assistant,
                        client=client,
                        start=start,
                        end=end,
                        kind=kind,
                        status=status,
                    )
                )
            if decision.double_hours_per_week and day.weekday() in (1, 4):
                # Two assistants for the morning routine (granted double assistance).
                start, end = make_aware(day, time(7, 0)), make_aware(day, time(9, 0))
                free = [a for a in team if busy_until.get(a) is None or busy_until[a] <= start]
                occupied = {
                    s.assistant_id for s in shifts[-4:] if s.client_id == client.pk and s.start <= start < s.end
                }
                helper = next((a for a in free if a not in occupied), None)
                if helper is not None:
                    busy_until[helper] = end
                    shifts.append(
                        Shift(
                            provider=provider,
                            assistant_id=helper,
                            client=client,
                            start=start,
                            end=end,
                            double=True,
                            status=Shift.Status.PLANNED if day >= today else Shift.Status.WORKED,
                        )
                    )
        day += timedelta(days=1)
    Shift.objects.bulk_create(shifts, batch_size=1000)
    # bulk_create sends no signals: the engine-input counter is bumped here.
    input_version.bump([provider.pk])
    recheck(provider=provider, start=make_aware(first, time(0)), end=make_aware(last + timedelta(days=1), time(0)))
    return len(shifts)
