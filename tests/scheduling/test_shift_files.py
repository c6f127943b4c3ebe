"""import_shifts and check_shifts: all rows or none, every bad row named with
its line and field in Swedish; check_shifts saves nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from assistans import factories as f
from scheduling.models import Shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(alice):
    f.AssignmentFactory(assistant=alice.assistants[0], client=alice.clients[1])
    a, b = alice.assistants
    c, d = alice.clients
    return {
        "a": a.personal_number,
        "b": b.personal_number,
        "c": c.personal_number,
        "d": d.personal_number,
        "org": alice.provider.org_number,
    }


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(command: str, *args) -> tuple[int, str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_it_imports_a_valid_csv(tmp_path, people):
    path = write(
        tmp_path,
        "ok.csv",
        (
            "assistant;client;start;end;kind;double;note\n"
            f"{people['a']};{people['c']};2026-03-05 08:00;2026-03-05 16:00;aktiv;nej;\n"
            f"{people['b']};{people['d']};2026-03-05 22:00;2026-03-06 07:00;väntetid;nej;natt\n"
        ),
    )
    code, out, err = run("import_shifts", str(path), "--provider", people["org"])
    assert code == 0, err
    assert "2 pass importerade" in out
    assert Shift.objects.count() == 2
    assert Shift.objects.get(kind="waiting").note == "natt"


def test_it_imports_nothing_and_names_every_bad_row(tmp_path, people):
    path = write(
        tmp_path,
        "bad.csv",
        (
            "assistant,client,start,end,kind\n"
            f"{people['a']},{people['c']},2026-03-05 08:00,2026-03-05 16:00,aktiv\n"  # line 2: fine
            f"{people['a']},{people['c']},2026-03-29 02:30,2026-03-29 06:00,aktiv\n"  # 3: does not exist
            f"{people['b']},{people['d']},2026-10-25 02:30,2026-10-25 08:00,aktiv\n"  # 4: ambiguous
            f"19811218-9875,{people['d']},2026-03-06 08:00,2026-03-06 10:00,aktiv\n"  # 5: bad check digit
            f"{people['b']},{people['d']},,2026-03-06 10:00,aktiv\n"  # 6: missing start
            f"{people['b']},{people['d']},2026-03-07 10:00,2026-03-07 08:00,aktiv\n"  # 7: end before start
            f"{people['b']},{people['d']},2026-03-08 10:00,2026-03-08 12:00,sovtid\n"  # 8: unknown kind
        ),
    )
    code, _out, err = run("import_shifts", str(path), "--provider", people["org"])
    assert code == 1
    assert "rad 3: start: Klockan 02:30 den 2026-03-29 finns inte" in err
    assert "rad 4: start: Klockan 02:30 den 2026-10-25 inträffar två gånger" in err
    assert "rad 5: assistant: Kontrollsiffran stämmer inte" in err
    assert "rad 6: start: Fältet start saknas." in err
    assert "rad 7: end: Passets slut måste ligga efter dess start." in err
    assert "rad 8: kind: Okänd typ av tid" in err
    assert "rad 2" not in err
    assert not Shift.objects.exists()


def test_a_refused_rule_rolls_back_the_whole_file(tmp_path, people):
    path = write(
        tmp_path,
        "overlap.csv",
        (
            "assistant,client,start,end\n"
            f"{people['a']},{people['c']},2026-03-05 08:00,2026-03-05 16:00\n"
            f"{people['a']},{people['d']},2026-03-05 15:00,2026-03-05 18:00\n"
        ),
    )
    code, _out, err = run("import_shifts", str(path), "--provider", people["org"])
    assert code == 1
    assert "rad 3: H1:" in err
    assert not Shift.objects.exists()


def test_the_ambiguous_autumn_hour_is_accepted_with_an_explicit_offset(tmp_path, people):
    path = write(
        tmp_path,
        "dst.json",
        json.dumps(
            {
                "shifts": [
                    {
                        "assistant": people["a"],
                        "client": people["c"],
                        "start": "2026-10-25 02:30+02:00",
                        "end": "2026-10-25 02:30+01:00",
                    },
                ]
            }
        ),
    )
    code, _out, err = run("import_shifts", str(path), "--provider", people["org"])
    assert code == 0, err
    shift = Shift.objects.get()
    assert (shift.end - shift.start).total_seconds() == 3600


def test_a_missing_column_is_named(tmp_path, people):
    path = write(tmp_path, "cols.csv", f"assistant,client,start\n{people['a']},{people['c']},2026-03-05 08:00\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Kolumn saknas i rubrikraden: end"):
        call_command("import_shifts", str(path), "--provider", people["org"])


def test_check_shifts_prints_findings_as_json_and_saves_nothing(tmp_path, people):
    path = write(
        tmp_path,
        "plan.csv",
        (
            "assistant,client,start,end\n"
            f"{people['a']},{people['c']},2026-03-05 14:00,2026-03-05 22:00\n"
            f"{people['a']},{people['d']},2026-03-06 06:00,2026-03-06 14:00\n"  # quick return: V1 warning
            f"{people['b']},{people['d']},2026-03-06 06:00,2026-03-06 14:00\n"
            f"{people['b']},{people['d']},2026-03-06 13:00,2026-03-06 15:00\n"  # overlap: H1 refused
        ),
    )
    code, out, _err = run("check_shifts", str(path), "--provider", people["org"], "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["refused"] is True
    by_rule = {x["rule"]: sorted(x["lines"]) for x in report["findings"]}
    assert by_rule["V1"] == [2, 3]
    assert {3, 4} <= set(by_rule["H2"])
    assert by_rule["H1"] == [4, 5]
    h2 = next(x for x in report["findings"] if x["rule"] == "H2")
    assert h2["severity"] == "not_payable" and h2["minutes_affected"] >= 480
    h1 = next(x for x in report["findings"] if x["rule"] == "H1")
    assert h1["severity"] == "refused" and h1["minutes_affected"] == 60 and h1["hours_affected"] == "1 h"
    assert set(h1) >= {"rule", "assistant", "client", "start", "end", "hours_affected", "message"}
    assert not Shift.objects.exists()


def test_check_shifts_exits_zero_when_nothing_is_refused(tmp_path, people):
    path = write(
        tmp_path,
        "fine.csv",
        f"assistant,client,start,end\n{people['a']},{people['c']},2026-03-05 08:00,2026-03-05 16:00\n",
    )
    code, out, _err = run("check_shifts", str(path), "--provider", people["org"], "--format", "json")
    assert code == 0
    assert json.loads(out)["refused"] is False


def test_check_shifts_sees_saved_shifts(tmp_path, people):
    saved = write(
        tmp_path,
        "a.csv",
        f"assistant,client,start,end\n{people['a']},{people['c']},2026-03-05 08:00,2026-03-05 16:00\n",
    )
    assert run("import_shifts", str(saved), "--provider", people["org"])[0] == 0
    plan = write(
        tmp_path,
        "b.csv",
        f"assistant,client,start,end\n{people['a']},{people['d']},2026-03-05 15:00,2026-03-05 17:00\n",
    )
    code, out, _err = run("check_shifts", str(plan), "--provider", people["org"], "--format", "json")
    assert code == 1
    assert json.loads(out)["findings"][0]["rule"] == "H1"


def test_a_row_with_parts_out_of_order_is_named(tmp_path, people):
    path = write(
        tmp_path,
        "parts.csv",
        (
            "assistant,client,start,end,segments\n"
            f"{people['a']},{people['c']},2026-03-05 08:00,2026-03-05 16:00,0=aktiv;600=väntetid\n"
        ),
    )
    code, _out, err = run("import_shifts", str(path), "--provider", people["org"])
    assert code == 1
    assert "rad 2: segments: Delarna ska börja på 0, öka och ligga inom passet." in err
    assert not Shift.objects.exists()
