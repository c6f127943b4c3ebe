"""Rest rules V1-V3: daily rest, continuous work, weekly rest. Pure Python.

Every finding here is a :attr:`Severity.WARNING`: rest is labour-law
compliance, not a payment bar (RULES.md §5). V4 (a recorded reason accepts a
finding) is applied by the engine; the PAN 24 h exception is read here because
it changes what the rule allows.

Readings (shown in the UI's help text; see also :data:`PROFILES`)
-----------------------------------------------------------------
* **Work and rest.** Work is ACTIVE + WAITING time. For daily rest (V1) and
  continuous work (V2) standby is rest; a call-out is an ACTIVE segment inside
  the standby and so is work. For weekly rest (V3) every minute of a shift,
  standby included, is *not* rest (ATL 14 §). Work of the assistant's shifts for
  all clients counts; touching or overlapping stretches merge into one
  continuous block.
* **V1, rolling (default, "atl").** For every block of continuous work, the
  24 real hours from the block's start must contain ``min_daily_rest`` (11 h)
  of consecutive work-free time. A block longer than 13 h therefore always
  breaks it. Shortfall = 11 h - the longest free stretch in those 24 h.
* **V1, fixed day boundary ("atl_dygnsbryt").** Each dygn
  ``[D boundary, D+1 boundary)`` (23 h or 25 h on DST nights) that holds work
  must contain 11 consecutive free hours inside it.
* **V1, averaged ("vardforetagarna").** A block's daily rest is the longest
  free stretch in the 24 h from its start (as in the rolling reading); a local
  day's daily rest is the smallest of those for blocks starting that day, and
  24 h on a day where no block starts. A rest below 11 h but at least
  ``reduced_daily_rest`` (9 h) is allowed when the average over the
  ``averaging_days`` (14) local days ending with that day is at least 11 h.
  Days before the assistant's first block in the input are unknown and left
  out of the average, so callers should load 13 days of history. The shortfall
  is how much longer the rest must be to restore the average (at most up to
  11 h). Below 9 h the shortfall is counted to 9 h.
* **V2, PAN.** A block longer than ``max_continuous_work`` (20 h, work
  including waiting time) is a finding unless a RuleException with code "V2" is
  recorded for one of its shifts and the block is at most
  ``max_continuous_with_exception`` (24 h); such an excepted block must be
  followed by ``rest_after_exception`` (24 h) of rest. Over 24 h is a finding
  even with the exception, and that finding has ``exception_allowed=False``.
  Profiles with a continuous-work maximum judge a block longer than
  24 h - 11 h by the rest that follows it instead of by the rolling window: at
  least as long as the block, at least 11 h, at most 24 h (SKR/Sobona: a 17 h
  pass is followed by 17 h of rest, counted from the pass's end).
* **V3, weekly rest.** Every 7-day period from the week boundary (Monday 00:00
  local by default, 167 h or 169 h on DST weeks) that holds any shift time
  must contain 36 consecutive hours with no shift time, counted inside the
  period. Free time outside the input counts as free.
* **Profiles** are versioned: of the employment covering the local day of a
  block's start, the newest profile with ``valid_from`` not after that day
  applies; otherwise :data:`PROFILES` ``["atl"]``. Fixed dygns and weeks take the
  profile of their first shift time. If employments overlap, the one that
  starts later wins.
* **Findings.** ``minutes`` is the shortfall (or, for V2, the excess),
  rounded up to whole minutes; time is real elapsed time. The span is the
  period judged: the 24 h from the block's start (V1 rolling), the dygn, the
  week (V3), the block (V2 too long) or the short rest after a pass.
  ``shift_ids`` are the shifts of the blocks in that span (for the rest after a
  PAN exception: only the shifts that cut into it).

Performance: one pass groups shifts by assistant as float epoch seconds; per
assistant one sort, one merge and linear sweeps; the common no-finding path
uses C-level ``map``/``compress`` over the blocks and touches Python code only
for flagged blocks and for each long gap (V3). Time-zone work is cached per
UTC hour (Stockholm offsets are whole hours and change on the hour).
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import compress, islice, repeat
from operator import ge, gt, itemgetter, sub

from .model import STOCKHOLM, Assistant, CheckInput, Employment, Finding, Kind, RestProfile, Severity, Shift
from .timeutil import fmt_local, fmt_minutes

__all__ = ["PROFILES", "check", "profile_for"]

#: Built-in rest profiles. An employment names its own versions in
#: ``Employment.rest_profiles``; these are the presets the UI offers.
PROFILES: dict[str, RestProfile] = {
    # Arbetstidslagen 13-14 §§, rolling reading of the 24-hour period.
    "atl": RestProfile(code="atl"),
    # ATL with a fixed dygnsbryt at 07:00: the 11 h must fall inside each dygn.
    "atl_dygnsbryt": RestProfile(code="atl_dygnsbryt", day_boundary=time(7, 0)),
    # Vårdföretagarna-Kommunal, personal assistance: 9 h if the 14-day average is 11 h.
    "vardforetagarna": RestProfile(code="vardforetagarna", reduced_daily_rest=9 * 60, averaging_days=14),
    # SKR/Sobona PAN (municipal) from 2024-02-01: 20 h incl. jour; 24 h with a
    # recorded local exception, then 24 h of rest.
    "pan": RestProfile(
        code="pan",
        valid_from=date(2024, 2, 1),
        max_continuous_work=20 * 60,
        max_continuous_with_exception=24 * 60,
        rest_after_exception=24 * 60,
    ),
}

_ATL = PROFILES["atl"]
_DAY = 24 * 3600
_INF = 1 << 62
_MIDNIGHT = time(0, 0)
_ONE_DAY = timedelta(days=1)
_STANDBY = Kind.STANDBY
_first = itemgetter(0)
_second = itemgetter(1)
#: Shift, assistant and client ids, as in the model.
Id = int | str
_HINT_TAIL = " eller registrera ett skäl och kompensationsvila."
_HINT_TAIL_EN = " or record a reason and compensatory rest."


# --------------------------------------------------------------------------- time helpers


@lru_cache(maxsize=8192)
def _inst(day: date, clock: time) -> int:
    """Epoch second at which local ``clock`` on ``day`` happens (cached)."""
    return int(datetime.combine(day, clock, tzinfo=STOCKHOLM).timestamp())


@lru_cache(maxsize=65536)
def _local_day_of_hour(hour: float) -> date:
    return datetime.fromtimestamp(hour * 3600, STOCKHOLM).date()


def _local_day(t: float) -> date:
    """Local date of epoch second ``t``. Stockholm's offsets are whole hours and
    change on the hour, so the local date is constant within a UTC hour."""
    return _local_day_of_hour(t // 3600)


@lru_cache(maxsize=65536)
def _dt(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


@lru_cache(maxsize=65536)
def _hour_prefix(hour: float) -> str:
    """``"YYYY-MM-DD HH"`` in local time for the UTC hour ``hour``."""
    return fmt_local(datetime.fromtimestamp(hour * 3600, UTC))[:-3]


_FMT: dict[float, str] = {}


def _fmt(t: float) -> str:
    """:func:`fmt_local` of epoch second ``t``. The local minute equals the
    UTC minute (Stockholm's offsets are whole hours), so only the hour part
    needs the time zone (cached); whole strings are memoised too."""
    text = _FMT.get(t)
    if text is None:
        if len(_FMT) > 200_000:
            _FMT.clear()
        text = _FMT[t] = f"{_hour_prefix(t // 3600)}:{int(t % 3600 // 60):02d}"
    return text


def _ceil_min(seconds: float) -> int:
    return int(-(-seconds // 60))


def _dur(seconds: float) -> str:
    return _fmt_min(int(seconds // 60))


_fmt_min = lru_cache(maxsize=8192)(fmt_minutes)


# --------------------------------------------------------------------------- profiles


class _Timeline:
    """Which rest profile applies from which instant, for one assistant."""

    __slots__ = ("has_fixed", "profs", "starts")

    def __init__(self, starts: list[float], profs: list[RestProfile]) -> None:
        self.starts = starts
        self.profs = profs
        self.has_fixed = any(p.day_boundary is not None for p in profs)


_DEFAULT_TL = _Timeline([-_INF], [_ATL])


def _version_at(versions: Sequence[RestProfile], day: date) -> RestProfile | None:
    found = None
    for v in versions:  # sorted by valid_from
        if v.valid_from <= day:
            found = v
        else:
            break
    return found


def profile_for(employments: Sequence[Employment], day: date) -> RestProfile:
    """The rest profile that applies on local ``day``: of the employment
    covering the day (the latest-starting one if several), the newest version
    with ``valid_from`` not after the day; otherwise ``PROFILES["atl"]``."""
    chosen = None
    for emp in employments:
        covers = emp.start <= day and (emp.end is None or day <= emp.end)
        if covers and (chosen is None or emp.start >= chosen.start):
            chosen = emp
    if chosen is None:
        return _ATL
    versions = sorted(chosen.rest_profiles, key=lambda v: v.valid_from)
    return _version_at(versions, day) or _ATL


def _timeline(employments: Sequence[Employment]) -> _Timeline:
    """Change points of :func:`profile_for`, as local-midnight instants."""
    if not employments:
        return _DEFAULT_TL
    # The profile can only change on these days.
    days: set[date] = set()
    for emp in employments:
        days.add(emp.start)
        if emp.end is not None:
            days.add(emp.end + _ONE_DAY)
        for v in emp.rest_profiles:
            days.add(v.valid_from)
    starts: list[float] = [-_INF]
    profs = [_ATL]
    for day in sorted(days):
        p = profile_for(employments, day)
        if p is not profs[-1]:
            starts.append(_inst(day, _MIDNIGHT))
            profs.append(p)
    if len(profs) == 1:
        return _DEFAULT_TL
    return _Timeline(starts, profs)


# --------------------------------------------------------------------------- blocks


def _merge(iv: list[tuple[float, float, Shift]]) -> tuple[list[float], list[float]]:
    """Merge sorted intervals into blocks: starts and ends, each with a
    sentinel ``_INF`` so ``bs[i + 1]`` is always valid."""
    bs = list(map(_first, iv))
    be = list(map(_second, iv))
    if any(map(ge, be, islice(bs, 1, None))):  # some touch or overlap
        bs, be = _merge_touching(iv)
    bs.append(_INF)
    be.append(_INF)
    return bs, be


def _merge_touching(iv: list[tuple[float, float, Shift]]) -> tuple[list[float], list[float]]:
    bs: list[float] = []
    be: list[float] = []
    cur_s, cur_e, _ = iv[0]
    for s, e, _ in iv:
        if s > cur_e:
            bs.append(cur_s)
            be.append(cur_e)
            cur_s = s
            cur_e = e
        elif e > cur_e:
            cur_e = e
    bs.append(cur_s)
    be.append(cur_e)
    return bs, be


class _Blocks:
    """Merged blocks of one assistant plus what findings need to name shifts."""

    __slots__ = ("aid", "be", "bs", "iv", "n")

    def __init__(self, aid: Id, iv: list[tuple[float, float, Shift]]) -> None:
        self.aid = aid
        self.iv = iv
        self.bs, self.be = _merge(iv)
        self.n = len(self.bs) - 1

    def intervals(self, first: int, last: int) -> list[tuple[float, float, Shift]]:
        """The intervals of blocks ``first..last`` (inclusive). Intervals are
        sorted by start and a block owns those starting in ``[bs[j], bs[j+1])``."""
        iv = self.iv
        lo = bisect_left(iv, (self.bs[first],))
        hi = bisect_left(iv, (self.bs[last + 1],), lo) if last + 1 < self.n else len(iv)
        return iv[lo:hi]

    def shifts(self, first: int, last: int) -> tuple[list[Id], Id | None]:
        """Unique shift ids of blocks ``first..last`` (inclusive) in time
        order, and the client of the first one."""
        ids: list[Id] = []
        seen: set[Id] = set()
        client = None
        for _, _, sh in self.intervals(first, last):
            if sh.id not in seen:
                if client is None:
                    client = sh.client_id
                seen.add(sh.id)
                ids.append(sh.id)
        return ids, client

    def last_starting_before(self, first: int, limit: float) -> int:
        j = first
        while self.bs[j + 1] < limit:
            j += 1
        return j


def _finding(
    code: str,
    blocks: _Blocks,
    first: int,
    last: int,
    start: float,
    end: float,
    short: float,
    message: str,
    hint: str,
    message_en: str,
    hint_en: str,
    *,
    exception_allowed: bool = True,
) -> Finding:
    ids, client = blocks.shifts(first, last)
    return Finding(
        code=code,
        severity=Severity.WARNING,
        shift_ids=tuple(ids),
        assistant_id=blocks.aid,
        client_id=client,
        start=_dt(start),
        end=_dt(end),
        minutes=_ceil_min(short),
        message=message,
        hint=hint,
        message_en=message_en,
        hint_en=hint_en,
        exception_allowed=exception_allowed,
    )


def _gap_hint(a: float, b: float, ws: float, we: float, need: float) -> tuple[str, str]:
    """What to change (Swedish, English) so that the free stretch ``[a, b)``
    inside the period ``[ws, we)`` grows to ``need``. ``b < we`` means a block
    starts at ``b``; ``a > ws`` means a block ends at ``a``."""
    if b < we and a + need <= we:
        return _move_start_hint(b, a + need)
    if a > ws:
        return (
            f"Låt arbetet som slutar {_fmt(a)} sluta senast {_fmt(we - need)}" + _HINT_TAIL,
            f"Let the work that ends {_fmt(a)} end by {_fmt(we - need)} at the latest" + _HINT_TAIL_EN,
        )
    return (
        f"Planera in minst {_dur(need)} sammanhängande ledighet mellan {_fmt(ws)} och {_fmt(we)}" + _HINT_TAIL,
        f"Plan at least {_dur(need)} of consecutive time off between {_fmt(ws)} and {_fmt(we)}" + _HINT_TAIL_EN,
    )


def _sv_en(hints: tuple[str, str], message_en: str) -> tuple[str, str, str]:
    """``(hint, message_en, hint_en)`` in :func:`_finding`'s argument order."""
    return hints[0], message_en, hints[1]


def _move_start_hint(start: float, earliest: float) -> tuple[str, str]:
    return (
        f"Flytta passets start {_fmt(start)} till tidigast {_fmt(earliest)}" + _HINT_TAIL,
        f"Move the shift's start {_fmt(start)} to {_fmt(earliest)} at the earliest" + _HINT_TAIL_EN,
    )


def _rolling_best(bs: list[float], be: list[float], i: int) -> tuple[float, float, float, int]:
    """Longest free stretch in the 24 h from block ``i``'s start: ``(length,
    start, end, last block index inside the window)``."""
    w = bs[i] + _DAY
    best = -1.0
    a = b = 0.0
    j = i
    while True:
        e = be[j]
        if e >= w:
            break
        nx = bs[j + 1]
        end = nx if nx < w else w
        if end - e > best:
            best, a, b = end - e, e, end
        if nx >= w:
            break
        j += 1
    if best < 0:
        return 0, be[i], w, j
    return best, a, b, j


# --------------------------------------------------------------------------- V1 / V2 per block


class _DayRests:
    """Per local day: the smallest rolling daily rest of blocks starting that
    day (for the averaged reading). Built only when a reduced rest occurs."""

    __slots__ = ("first", "values")

    def __init__(self, blocks: _Blocks) -> None:
        values: dict[date, float] = {}
        bs, be = blocks.bs, blocks.be
        for i in range(blocks.n):
            day = _local_day(bs[i])
            r = _rolling_best(bs, be, i)[0]
            old = values.get(day)
            if old is None or r < old:
                values[day] = r
        self.values = values
        self.first = _local_day(bs[0])

    def average(self, day: date, days: int) -> tuple[float, int, date]:
        """Sum of daily rests and number of known days in the ``days`` local
        days ending with ``day``, and the first day counted."""
        d0 = max(self.first, day - timedelta(days=days - 1))
        total = 0.0
        count = 0
        d = d0
        while d <= day:
            total += self.values.get(d, _DAY)
            count += 1
            d += _ONE_DAY
        return total, count, d0


def _daily_rolling_slow(
    blocks: _Blocks, i: int, p: RestProfile, need: float, ctx: dict[str, object], out: list[Finding]
) -> None:
    """V1, rolling reading (and its averaged variant) for block ``i`` whose
    first gap is short: find the longest free stretch in its 24 h."""
    bs, be = blocks.bs, blocks.be
    best, a, b, last = _rolling_best(bs, be, i)
    if best >= need:
        return
    s = bs[i]
    w = s + _DAY
    f_s = _fmt(s)
    when = f"under 24 timmar från arbetets start {f_s}"
    if best:
        f_a, f_b, d_best = _fmt(a), _fmt(b), _dur(best)
        rest_sv = f"{when} är den längsta sammanhängande vilan {d_best} ({f_a}–{f_b})"
        rest_en = f"within 24 hours from the start of work {f_s} the longest continuous rest is {d_best} ({f_a}–{f_b})"
    else:
        rest_sv = f"{when} finns ingen vila alls (arbetet pågår i ett sträck till {_fmt(be[last])})"
        rest_en = (
            f"within 24 hours from the start of work {f_s} there is no rest at all "
            f"(the work goes on without a break until {_fmt(be[last])})"
        )
    floor = p.reduced_daily_rest * 60 if p.reduced_daily_rest is not None and p.averaging_days else None
    if floor is not None and best >= floor:
        rests = ctx.get("day_rests")
        if rests is None:
            rests = ctx["day_rests"] = _DayRests(blocks)
        assert isinstance(rests, _DayRests)
        day = _local_day(s)
        days = p.averaging_days or 1
        total, count, d0 = rests.average(day, days)
        deficit = need * count - total
        if deficit <= 0:
            return
        short = min(deficit, need - best)
        short_txt = _fmt_min(_ceil_min(short))
        avg = _dur(total // count)
        out.append(
            _finding(
                "V1",
                blocks,
                i,
                last,
                s,
                w,
                short,
                f"Förkortad dygnsvila: {rest_sv}. Kortare dygnsvila än {_dur(need)}, dock minst "
                f"{_dur(floor)}, är tillåten bara om dygnsvilan i genomsnitt är minst {_dur(need)} "
                f"över {days} dygn, men genomsnittet för {d0}–{day} blir {avg}. "
                f"Vilan behöver bli {short_txt} längre.",
                *_sv_en(
                    _gap_hint(a, b, s, w, best + short),
                    f"Reduced daily rest: {rest_en}. Daily rest shorter than {_dur(need)}, but at least "
                    f"{_dur(floor)}, is allowed only if the daily rest averages at least {_dur(need)} "
                    f"over {days} days, but the average for {d0}–{day} is {avg}. "
                    f"The rest needs to be {short_txt} longer. (V1)",
                ),
            )
        )
        return
    required = floor if floor is not None else need
    short = required - best
    short_txt = _fmt_min(_ceil_min(short))
    if floor is not None:
        rule_sv = f"Dygnsvilan får aldrig vara kortare än {_dur(floor)} (och ska i genomsnitt vara minst {_dur(need)})"
        rule_en = f"Daily rest must never be shorter than {_dur(floor)} (and must average at least {_dur(need)})"
    else:
        rule_sv = (
            f"Minst {_dur(need)} sammanhängande vila krävs inom 24 timmar från varje arbetspass start "
            f"(dygnsvila, arbetstidslagen 13 §)"
        )
        rule_en = (
            f"At least {_dur(need)} of continuous rest is required within 24 hours from the start of each "
            f"shift (daily rest, Working Hours Act section 13)"
        )
    out.append(
        _finding(
            "V1",
            blocks,
            i,
            last,
            s,
            w,
            short,
            f"För kort dygnsvila: {rest_sv}. {rule_sv}. Det fattas {short_txt}.",
            *_sv_en(
                _gap_hint(a, b, s, w, required),
                f"Daily rest too short: {rest_en}. {rule_en}. {short_txt} is missing. (V1)",
            ),
        )
    )


def _has_exception(blocks: _Blocks, i: int, exc: frozenset[Id]) -> bool:
    if not exc:
        return False
    return any(sh.id in exc for _, _, sh in blocks.intervals(i, i))


def _long_block(
    blocks: _Blocks,
    i: int,
    p: RestProfile,
    need: float,
    exc: frozenset[Id],
    rolling: bool,
    out: list[Finding],
) -> None:
    """A block over ``max_continuous_work`` (V2) or, under a profile with such a
    maximum, a block too long for the rolling window (V1 rest after the pass)."""
    bs, be = blocks.bs, blocks.be
    s, e = bs[i], be[i]
    length = e - s
    nxt = bs[i + 1]
    maxc = (p.max_continuous_work or 0) * 60
    maxx = p.max_continuous_with_exception
    maxx_s = maxx * 60 if maxx is not None else None
    excepted = False
    if length > maxc:
        has_exc = maxx_s is not None and _has_exception(blocks, i, exc)
        if has_exc and maxx_s is not None and length <= maxx_s:
            excepted = True
        else:
            limit = maxx_s if has_exc else maxc
            assert limit is not None
            over = length - limit
            if has_exc:
                msg = (
                    f"För långt arbetspass: {_fmt(s)}–{_fmt(e)} är {_dur(length)} arbete i ett sträck "
                    f"(väntetid/jour inräknad). Även med registrerat lokalt undantag får passet vara högst "
                    f"{_dur(limit)}. Det är {_fmt_min(_ceil_min(over))} för långt."
                )
                hint = (
                    f"Dela upp passet så att arbetet slutar senast {_fmt(s + limit)} och låt en annan "
                    f"assistent ta resten."
                )
                msg_en = (
                    f"Work shift too long: {_fmt(s)}–{_fmt(e)} is {_dur(length)} of work without a break "
                    f"(waiting time/on-call time included). Even with a recorded local exception the shift may "
                    f"last at most {_dur(limit)}. It is {_fmt_min(_ceil_min(over))} too long. (V2)"
                )
                hint_en = (
                    f"Split the shift so that the work ends by {_fmt(s + limit)} at the latest and let another "
                    f"assistant take the rest."
                )
            else:
                allowed = f", upp till {_dur(maxx_s)} bara med registrerat lokalt undantag" if maxx_s else ""
                msg = (
                    f"För långt arbetspass: {_fmt(s)}–{_fmt(e)} är {_dur(length)} arbete i ett sträck "
                    f"(väntetid/jour inräknad). Högst {_dur(maxc)} är tillåtet{allowed}. "
                    f"Det är {_fmt_min(_ceil_min(over))} för långt."
                )
                allowed_en = f", up to {_dur(maxx_s)} only with a recorded local exception" if maxx_s else ""
                msg_en = (
                    f"Work shift too long: {_fmt(s)}–{_fmt(e)} is {_dur(length)} of work without a break "
                    f"(waiting time/on-call time included). At most {_dur(maxc)} is allowed{allowed_en}. "
                    f"It is {_fmt_min(_ceil_min(over))} too long. (V2)"
                )
                if maxx_s is not None and length <= maxx_s:
                    after = p.rest_after_exception or 0
                    hint = (
                        f"Låt arbetet sluta senast {_fmt(s + maxc)}, eller registrera ett lokalt undantag "
                        f"(högst {_dur(maxx_s)}) och planera minst {fmt_minutes(after)} vila direkt efter "
                        f"passet."
                    )
                    hint_en = (
                        f"Let the work end by {_fmt(s + maxc)} at the latest, or record a local exception "
                        f"(at most {_dur(maxx_s)}) and plan at least {fmt_minutes(after)} of rest directly after "
                        f"the shift."
                    )
                else:
                    hint = (
                        f"Dela upp passet så att arbetet slutar senast {_fmt(s + maxc)} och låt en annan "
                        f"assistent ta resten."
                    )
                    hint_en = (
                        f"Split the shift so that the work ends by {_fmt(s + maxc)} at the latest and let "
                        f"another assistant take the rest."
                    )
            out.append(
                _finding(
                    "V2",
                    blocks,
                    i,
                    i,
                    s,
                    e,
                    over,
                    msg,
                    hint,
                    msg_en,
                    hint_en,
                    exception_allowed=maxx_s is not None and length <= maxx_s,
                )
            )
            if has_exc:
                excepted = True
    if excepted and p.rest_after_exception is not None:
        req: float = p.rest_after_exception * 60
        rest = nxt - e
        if rest < req:
            short = req - rest
            last = blocks.last_starting_before(i + 1, e + req)
            # Names only the shifts that cut into the rest: the exception
            # recorded on the long pass must not accept its own missing rest.
            out.append(
                _finding(
                    "V2",
                    blocks,
                    i + 1,
                    last,
                    e,
                    nxt,
                    short,
                    f"För kort vila efter undantagspass: passet {_fmt(s)}–{_fmt(e)} ({_dur(length)}) är "
                    f"tillåtet med registrerat lokalt undantag bara om det följs av minst {_dur(req)} "
                    f"sammanhängande vila, men nästa pass börjar {_fmt(nxt)} (vila {_dur(rest)}). "
                    f"Det fattas {_fmt_min(_ceil_min(short))}.",
                    *_sv_en(
                        _move_start_hint(nxt, e + req),
                        f"Rest too short after an excepted shift: the shift {_fmt(s)}–{_fmt(e)} ({_dur(length)}) "
                        f"is allowed with a recorded local exception only if it is followed by at least "
                        f"{_dur(req)} of continuous rest, but the next shift starts {_fmt(nxt)} "
                        f"(rest {_dur(rest)}). {_fmt_min(_ceil_min(short))} is missing. (V2)",
                    ),
                )
            )
        return
    if not rolling or length <= _DAY - need:
        return
    # Too long for any 24 h window to hold the daily rest: the rest that
    # follows must be at least as long as the pass (and within 11..24 h).
    required = max(need, min(length, _DAY))
    rest = nxt - e
    if rest >= required:
        return
    short = required - rest
    last = blocks.last_starting_before(i + 1, e + required)
    out.append(
        _finding(
            "V1",
            blocks,
            i,
            last,
            e,
            nxt,
            short,
            f"För kort vila efter långt pass: arbetet {_fmt(s)}–{_fmt(e)} var {_dur(length)} i ett sträck. "
            f"Ett pass längre än {_dur(_DAY - need)} ska direkt följas av sammanhängande vila som är minst "
            f"lika lång som passet (här {_dur(required)}), men nästa pass börjar {_fmt(nxt)} (vila {_dur(rest)}). "
            f"Det fattas {_fmt_min(_ceil_min(short))}.",
            *_sv_en(
                _move_start_hint(nxt, e + required),
                f"Rest too short after a long shift: the work {_fmt(s)}–{_fmt(e)} lasted {_dur(length)} without "
                f"a break. A shift longer than {_dur(_DAY - need)} must be followed directly by continuous rest "
                f"at least as long as the shift (here {_dur(required)}), but the next shift starts {_fmt(nxt)} "
                f"(rest {_dur(rest)}). {_fmt_min(_ceil_min(short))} is missing. (V1)",
            ),
        )
    )


def _block_slow(
    blocks: _Blocks,
    i: int,
    p: RestProfile,
    exc: frozenset[Id],
    ctx: dict[str, object],
    out: list[Finding],
) -> None:
    """V1 (rolling reading) and V2 for block ``i``, which the fast test flagged."""
    s, e, nx = blocks.bs[i], blocks.be[i], blocks.bs[i + 1]
    need = p.min_daily_rest * 60
    rolling = p.day_boundary is None
    if e - s > _long_limit(p):
        _long_block(blocks, i, p, need, exc, rolling, out)
        if rolling and e - s > _DAY - need:
            return  # judged by the rest after the pass instead
    if rolling and (nx if nx < s + _DAY else s + _DAY) - e < need:
        _daily_rolling_slow(blocks, i, p, need, ctx, out)


def _long_limit(p: RestProfile) -> float:
    """Blocks longer than this need :func:`_long_block`: over the continuous
    work maximum, or (under such a profile) too long for the rolling window."""
    if p.max_continuous_work is None:
        return _INF
    return min(p.max_continuous_work * 60, _DAY - p.min_daily_rest * 60)


def _check_blocks(blocks: _Blocks, tl: _Timeline, exc: frozenset[Id], out: list[Finding]) -> None:
    """V1 (rolling reading) and V2 for every work block. A block is fine at a
    glance when it is not too long and the gap after it (up to 24 h from its
    start) holds the daily rest; only the others get a closer look."""
    bs, be, n = blocks.bs, blocks.be, blocks.n
    starts, profs = tl.starts, tl.profs
    ctx: dict[str, object] = {}
    if bs[0] >= starts[-1]:
        # One profile for every block (the usual case): find the flagged
        # blocks with C-level maps, then look at those only.
        p = profs[-1]
        need = p.min_daily_rest * 60
        rolling = p.day_boundary is None
        limit = min(_long_limit(p), _DAY - need) if rolling else _long_limit(p)
        flagged: set[int] | list[int] = []
        if limit < _INF:
            flagged = list(compress(range(n), map(gt, map(sub, be, bs[:n]), repeat(limit))))
        if rolling:
            short = compress(range(n), map(gt, repeat(need), map(sub, islice(bs, 1, n + 1), be)))
            flagged = sorted(set(flagged).union(short)) if flagged else list(short)
        for i in flagged:
            _block_slow(blocks, i, p, exc, ctx, out)
        return
    k = bisect_right(starts, bs[0]) - 1
    nprof = len(profs)
    for i in range(n):
        s = bs[i]
        while k + 1 < nprof and s >= starts[k + 1]:
            k += 1
        p = profs[k]
        need = p.min_daily_rest * 60
        e, nx = be[i], bs[i + 1]
        if e - s > _long_limit(p) or (p.day_boundary is None and (nx if nx < s + _DAY else s + _DAY) - e < need):
            _block_slow(blocks, i, p, exc, ctx, out)


# --------------------------------------------------------------------------- fixed periods (V1 dygn, V3 week)


def _period_compute(t: float, clock: time, weekday: int | None) -> tuple[int, int]:
    d = _local_day(t)
    if weekday is None:
        ws = _inst(d, clock)
        if t < ws:
            d -= _ONE_DAY
            ws = _inst(d, clock)
        return ws, _inst(d + _ONE_DAY, clock)
    d -= timedelta(days=(d.weekday() - weekday) % 7)
    ws = _inst(d, clock)
    if t < ws:
        d -= timedelta(days=7)
        ws = _inst(d, clock)
    return ws, _inst(d + timedelta(days=7), clock)


#: Period lookups by UTC hour, one table per grid (boundary clock, weekday).
_PERIODS: dict[tuple[time, int | None], dict[float, tuple[int, int]]] = {}


def _period_table(clock: time, weekday: int | None) -> dict[float, tuple[int, int]]:
    table = _PERIODS.get((clock, weekday))
    if table is None or len(table) > 500_000:
        table = _PERIODS[(clock, weekday)] = {}
    return table


def _sweep(blocks: _Blocks, tl: _Timeline, weekly: bool, out: list[Finding]) -> None:
    """Check each fixed period (dygn or week) that holds a block: the longest
    free stretch inside it must reach the profile's minimum. One linear sweep;
    profile-derived values change only where the profile does."""
    bs, be, n = blocks.bs, blocks.be, blocks.n
    starts, profs = tl.starts, tl.profs
    nprof = len(profs)
    lo = 0
    t0 = bs[0]
    next_change: float = -_INF
    table: dict[float, tuple[int, int]] = {}
    p = _ATL
    clock = _MIDNIGHT
    weekday: int | None = None
    need = 0
    active = False
    while lo < n:
        if t0 >= next_change:
            k = bisect_right(starts, t0) - 1
            next_change = starts[k + 1] if k + 1 < nprof else _INF
            p = profs[k]
            if weekly:
                clock = p.week_start_time
                weekday = p.week_start_weekday
                need = p.min_weekly_rest * 60
                active = True
            else:
                bnd = p.day_boundary
                clock = bnd if bnd is not None else _MIDNIGHT
                need = p.min_daily_rest * 60
                active = bnd is not None
            table = _period_table(clock, weekday)
        # The period holding t0, looked up by UTC hour (boundaries on the hour
        # are the rule; one inside the hour is computed directly).
        hour = t0 // 3600
        found = table.get(hour)
        if found is None:
            found = table[hour] = _period_compute(hour * 3600, clock, weekday)
        ws, we = found
        if not ws <= t0 < we:
            ws, we = _period_compute(t0, clock, weekday)
        while lo > 0 and be[lo - 1] > ws:
            lo -= 1
        j = bisect_left(bs, we, lo + 1)  # blocks lo..j-1 meet the period
        if active:
            best, a, b = _longest_free(bs, be, lo, j, ws, we)
            if best < need:
                out.append(_period_finding(blocks, lo, j - 1, p, weekly, ws, we, best, a, b, need))
        if be[j - 1] > we:
            lo = j - 1  # that block goes on into the next period
            t0 = we
        else:
            lo = j
            t0 = bs[j]


class _WeekGrid:
    """Week number of every UTC hour in a range, for one week grid whose
    boundary is on a whole hour (then a week never splits an hour: Stockholm
    offsets are whole hours). Shared by all assistants and calls."""

    __slots__ = ("clock", "ends", "h0", "h1", "starts", "week", "weekday")

    def __init__(self, clock: time, weekday: int) -> None:
        self.clock = clock
        self.weekday = weekday
        self.h0 = self.h1 = 0
        self.week: dict[float, int] = {}  # UTC hour (t // 3600) -> week number
        self.starts: list[int] = []
        self.ends: list[int] = []

    def ensure(self, lo: float, hi: float) -> bool:
        """Cover ``[lo, hi]``; False if that range is unreasonably long."""
        h_lo, h_hi = int(lo // 3600), int(hi // 3600) + 1
        if self.week and self.h0 <= h_lo and h_hi <= self.h1:
            return True
        if self.week:
            h_lo, h_hi = min(h_lo, self.h0), max(h_hi, self.h1)
        if h_hi - h_lo > 24 * 366 * 30:
            return False
        h_lo -= 24 * 28  # margin, so that neighbours rarely need a rebuild
        h_hi += 24 * 28
        ws, we = _period_compute(h_lo * 3600, self.clock, self.weekday)
        week: dict[float, int] = {}
        starts: list[int] = []
        ends: list[int] = []
        h = h_lo
        while h < h_hi:
            k = len(starts)
            starts.append(ws)
            ends.append(we)
            end_hour = we // 3600
            week.update(dict.fromkeys(range(h, end_hour), k))
            h = end_hour
            ws, we = _period_compute(we, self.clock, self.weekday)
        self.h0, self.h1, self.week, self.starts, self.ends = h_lo, h, week, starts, ends
        return True


_WEEK_GRIDS: dict[tuple[time, int], _WeekGrid] = {}


def _weekly(blocks: _Blocks, tl: _Timeline, out: list[Finding]) -> None:
    """V3 for one assistant.

    Usual case (one profile for all blocks, week boundary on a whole hour):
    only gaps of at least the minimum ("big gaps", found with C-level maps)
    can give a week its rest, and a gap ``[a, b)`` gives it to exactly the
    weeks with ``end >= a + need`` and ``start <= b - need``. A week that meets
    the busy stretch between two big gaps is covered iff one of those two
    gaps covers it (a farther gap would lie inside the week with a neighbour).
    So the loop runs per big gap, not per block, and only uncovered weeks
    are scanned block by block."""
    bs, be, n = blocks.bs, blocks.be, blocks.n
    p = tl.profs[-1]
    clock = p.week_start_time
    if bs[0] < tl.starts[-1] or clock.minute or clock.second or clock.microsecond:
        _sweep(blocks, tl, True, out)
        return
    grid = _WEEK_GRIDS.get((clock, p.week_start_weekday))
    if grid is None:
        grid = _WEEK_GRIDS[(clock, p.week_start_weekday)] = _WeekGrid(clock, p.week_start_weekday)
    need = p.min_weekly_rest * 60
    if not grid.ensure(bs[0] - need, be[n - 1] + need):
        _sweep(blocks, tl, True, out)
        return
    wk = grid.week
    big = list(compress(range(n - 1), map(ge, map(sub, islice(bs, 1, n), be), repeat(need))))
    big.append(n - 1)
    # Weeks k with k_from <= k <= k_to are covered by the gap before the stretch.
    k_from = -1
    k_to = wk[(bs[0] - need) // 3600]
    first = 0
    reported = -1
    last = n - 1
    for g in big:
        r1 = be[g]
        k_first = wk[bs[first] // 3600]
        k_last = wk[-(-r1 // 3600) - 1]  # the week of the stretch's last hour
        next_from = wk[-(-(r1 + need) // 3600) - 1]
        next_to = wk[(bs[g + 1] - need) // 3600] if g < last else _INF
        if k_first == k_last:  # the usual stretch, inside one week
            if k_first > reported and not (k_from <= k_first <= k_to or next_from <= k_first <= next_to):
                _week_detail(blocks, grid.starts[k_first], grid.ends[k_first], need, p, out)
                reported = k_first
        else:
            for k in range(k_first, k_last + 1):
                if k > reported and not (k_from <= k <= k_to or next_from <= k <= next_to):
                    _week_detail(blocks, grid.starts[k], grid.ends[k], need, p, out)
                    reported = k
        k_from, k_to = next_from, next_to
        first = g + 1


def _week_detail(
    blocks: _Blocks,
    ws: float,
    we: float,
    need: float,
    p: RestProfile,
    out: list[Finding],
) -> None:
    """Scan the week ``[ws, we)`` block by block and report it if its longest
    free stretch is short."""
    bs, be = blocks.bs, blocks.be
    lo = bisect_right(be, ws, 0, blocks.n)  # the first block ending after ws
    j = bisect_left(bs, we, lo)
    best, a, b = _longest_free(bs, be, lo, j, ws, we)
    if best < need:
        out.append(_period_finding(blocks, lo, j - 1, p, True, ws, we, best, a, b, need))


def _longest_free(
    bs: list[float], be: list[float], lo: int, j: int, ws: float, we: float
) -> tuple[float, float, float]:
    """The longest free stretch ``(length, start, end)`` of the period
    ``[ws, we)`` between the merged blocks ``lo..j-1``; no free time at all is
    a stretch of length 0 at the end of the last block."""
    cursor = ws
    best = -1.0
    a = b = 0.0
    for x, y in zip(bs[lo:j], be[lo:j], strict=True):
        if x - cursor > best:
            best, a, b = x - cursor, cursor, x
        if y > cursor:
            cursor = y
    if we - cursor > best:
        best, a, b = we - cursor, cursor, we
    if best < 0:
        best, a, b = 0, cursor, we
    return best, a, b


def _period_finding(
    blocks: _Blocks,
    first: int,
    last: int,
    p: RestProfile,
    weekly: bool,
    ws: float,
    we: float,
    best: float,
    a: float,
    b: float,
    need: float,
) -> Finding:
    short = need - best
    f_ws, f_we, d_need = _fmt(ws), _fmt(we), _dur(need)
    short_txt = _fmt_min(_ceil_min(short))
    if best:
        f_a, f_b, d_best = _fmt(a), _fmt(b), _dur(best)
        rest_txt = f"har som längst {d_best} ({f_a}–{f_b}) sammanhängande ledighet"
        rest_en = f"has at most {d_best} ({f_a}–{f_b}) of continuous time off"
    else:
        rest_txt = "har ingen ledighet alls"
        rest_en = "has no time off at all"
    hints = _gap_hint(a, b, ws, we, need)
    if weekly:
        return _finding(
            "V3",
            blocks,
            first,
            last,
            ws,
            we,
            short,
            f"För kort veckovila: veckan {f_ws}–{f_we} {rest_txt}. Minst {d_need} sammanhängande ledighet "
            f"krävs under varje sjudagarsperiod (veckovila, arbetstidslagen 14 §); beredskap räknas inte som "
            f"vila. Det fattas {short_txt}.",
            *_sv_en(
                hints,
                f"Weekly rest too short: the week {f_ws}–{f_we} {rest_en}. At least {d_need} of continuous time "
                f"off is required in every seven-day period (weekly rest, Working Hours Act section 14); standby "
                f"does not count as rest. {short_txt} is missing. (V3)",
            ),
        )
    bnd = f"{p.day_boundary:%H:%M}"
    return _finding(
        "V1",
        blocks,
        first,
        last,
        ws,
        we,
        short,
        f"För kort dygnsvila: dygnet {f_ws}–{f_we} (dygnsbryt {bnd}) {rest_txt}. Minst {d_need} "
        f"sammanhängande ledighet krävs inom varje dygn (dygnsvila, arbetstidslagen 13 §). "
        f"Det fattas {short_txt}.",
        *_sv_en(
            hints,
            f"Daily rest too short: the day {f_ws}–{f_we} (day boundary {bnd}) {rest_en}. At least {d_need} of "
            f"continuous time off is required within each day (daily rest, Working Hours Act section 13). "
            f"{short_txt} is missing. (V1)",
        ),
    )


# --------------------------------------------------------------------------- entry point


def _check_assistant(
    aid: Id,
    busy: list[tuple[float, float, Shift]],
    mixed: bool,
    tl: _Timeline,
    exc: frozenset[Id],
    out: list[Finding],
) -> None:
    """``busy`` holds every shift as ``(start, end, shift)``; ``mixed`` says
    some shift has standby (or is empty or inverted), so work differs."""
    if mixed:
        busy, work = _split_work(busy)
        if not busy:
            return
    busy.sort(key=_first)
    busy_blocks = _Blocks(aid, busy)
    if not mixed:
        work_blocks: _Blocks | None = busy_blocks
    elif work:
        work.sort(key=_first)
        work_blocks = _Blocks(aid, work)
    else:
        work_blocks = None
    if work_blocks is not None:
        _check_blocks(work_blocks, tl, exc, out)
        if tl.has_fixed:
            _sweep(work_blocks, tl, False, out)
    _weekly(busy_blocks, tl, out)


def _split_work(
    items: list[tuple[float, float, Shift]],
) -> tuple[list[tuple[float, float, Shift]], list[tuple[float, float, Shift]]]:
    """Drop empty or inverted shifts; the work stretches of the rest: ACTIVE
    and WAITING segments joined where they touch; STANDBY between them is
    rest for V1 (a call-out is an ACTIVE segment, so it is work)."""
    busy: list[tuple[float, float, Shift]] = []
    work: list[tuple[float, float, Shift]] = []
    for item in items:
        s, e, sh = item
        if e <= s:
            continue
        busy.append(item)
        ws = we = -1.0
        for seg in sh.segments:
            if seg.kind == _STANDBY:
                if ws >= 0:
                    work.append((ws, we, sh))
                    ws = -1.0
            else:
                if ws < 0:
                    ws = seg.start.timestamp()
                we = seg.end.timestamp()
        if ws >= 0 and we > ws:
            work.append((ws, we, sh))
    return busy, work


def check(inp: CheckInput) -> list[Finding]:
    """Rest findings (V1 daily rest, V2 continuous work, V3 weekly rest) for
    every assistant in ``inp``; all warnings."""
    out: list[Finding] = []
    # A national month allocates millions of small tuples; the cyclic GC would
    # rescan them (and every input object) many times. Nothing here makes
    # cycles, so pause it for big inputs and restore it as it was.
    pause_gc = len(inp.shifts) > 50_000 and gc.isenabled()
    if pause_gc:
        gc.disable()
    try:
        groups, mixed = _group(inp.shifts)
        exc = frozenset(x.shift_id for x in inp.exceptions if x.code == "V2")
        _check_all(groups, mixed, inp.assistants, exc, out)
    finally:
        if pause_gc:
            gc.enable()
    return out


def _group(
    shifts: Sequence[Shift],
) -> tuple[dict[Id, list[tuple[float, float, Shift]]], set[Id]]:
    """One pass: each shift as ``(start, end, shift)`` in epoch seconds, by
    assistant; and the assistants whose work is not simply their shifts."""
    groups: dict[Id, list[tuple[float, float, Shift]]] = {}
    get = groups.get
    mixed: set[Id] = set()
    for sh in shifts:
        segs = sh.segments
        if len(segs) == 1:
            seg = segs[0]
            s = seg.start.timestamp()
            e = seg.end.timestamp()
            if e <= s or seg.kind == _STANDBY:
                mixed.add(sh.assistant_id)
        elif segs:
            s = segs[0].start.timestamp()
            e = segs[-1].end.timestamp()
            if e <= s or any(seg.kind == _STANDBY for seg in segs):
                mixed.add(sh.assistant_id)
        else:
            continue
        g = get(sh.assistant_id)
        if g is None:
            groups[sh.assistant_id] = [(s, e, sh)]
        else:
            g.append((s, e, sh))
    return groups, mixed


def _check_all(
    groups: dict[Id, list[tuple[float, float, Shift]]],
    mixed: set[Id],
    assistants: dict[int | str, Assistant],
    exc: frozenset[Id],
    out: list[Finding],
) -> None:
    # The common case, one open-ended employment with one profile version, is
    # shared by many assistants: build each such timeline once per call.
    simple: dict[tuple[date, int], _Timeline] = {}
    for aid, items in groups.items():
        a = assistants.get(aid)
        emps = a.employments if a is not None else ()
        if not emps:
            tl = _DEFAULT_TL
        elif len(emps) == 1 and emps[0].end is None and len(emps[0].rest_profiles) == 1:
            emp = emps[0]
            key = (emp.start, id(emp.rest_profiles[0]))
            found = simple.get(key)
            if found is None:
                found = simple[key] = _timeline(emps)
            tl = found
        else:
            tl = _timeline(emps)
        _check_assistant(aid, items, aid in mixed, tl, exc, out)
