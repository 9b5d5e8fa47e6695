from __future__ import annotations

from decimal import Decimal

import pytest

from leitai.arenas.errors import ArenaRefusal, InvalidSheet
from leitai.arenas.live.state import ArenaSnapshot
from leitai.arenas.models import ArenaState, Mark, ParticipantStatus, Sheet
from leitai.arenas.services import console, setup, sheets
from leitai.ledger.models import LedgerEntry
from tests.arena_factories import in_order, make_arena_world, marks, score_current

pytestmark = pytest.mark.django_db


def test_a_whole_arena_day_ranks_by_trimmed_totals() -> None:
    world = make_arena_world(participants=3, judges=5)
    first = score_current(world, {f"J{i}": marks(str(20 + i)) for i in range(1, 6)})
    # Totals 76..80: drop 76 and 80, mean of 77, 78, 79 = 78.
    assert first.result["score"] == "78.00"
    assert first.result["note"]["outcome"] == "trimmed"
    assert {d["judge"] for d in first.result["dropped"]} == {"J1", "J5"}
    second = score_current(world, {f"J{i}": marks("29.5") for i in range(1, 6)})
    assert second.result["score"] == "84.50"
    third = score_current(world, {f"J{i}": marks("10") for i in range(1, 6)})
    arena = console.close_arena(arena=world.refresh(), by=world.host_user)
    assert arena.state == ArenaState.CLOSED
    ranks = {p.pk: (p.rank, p.tied) for p in in_order(world)}
    assert ranks == {second.pk: (1, False), first.pk: (2, False), third.pk: (3, False)}
    kinds = list(
        LedgerEntry.objects.filter(chain=f"arena:{arena.pk}").values_list("kind", flat=True)
    )
    assert kinds.count("sheet") == 15
    assert kinds.count("confirmed") == 3
    assert kinds[-1] == "closed"
    assert list(LedgerEntry.objects.filter(chain="global").values_list("kind", flat=True)) == [
        "arena_live",
        "arena_closed",
    ]


def test_same_key_is_stored_once_and_a_different_sheet_with_it_is_refused() -> None:
    world = make_arena_world(participants=2, judges=3)
    arena = world.arena
    current = console.call_next(arena=arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=arena, participant_id=current.pk, by=world.host_user)
    judge = world.judge("J2")
    sheet, created = sheets.submit_sheet(
        judge=judge, participant_id=current.pk, marks=marks("25"), key="abc"
    )
    again, created_again = sheets.submit_sheet(
        judge=judge, participant_id=current.pk, marks=marks("25.0"), key="abc"
    )
    assert created
    assert not created_again
    assert again.pk == sheet.pk
    with pytest.raises(ArenaRefusal) as refused:
        sheets.submit_sheet(judge=judge, participant_id=current.pk, marks=marks("26"), key="abc")
    assert refused.value.code == "key_reused"
    assert Sheet.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="sheet").count() == 1


@pytest.mark.parametrize(
    ("sheet", "rule"),
    [
        (marks("31"), "above_maximum"),
        (marks("20.25"), "off_step"),
        ({"achievements": "20", "spirit": "15", "ideas": "20"}, "missing"),
        (marks("abc"), "not_a_number"),
        (marks("-1"), "below_minimum"),
    ],
)
def test_invalid_marks_are_refused_naming_the_criterion(sheet: dict[str, str], rule: str) -> None:
    world = make_arena_world(participants=2, judges=3)
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
    with pytest.raises(InvalidSheet) as refused:
        sheets.submit_sheet(
            judge=world.judge("J1"), participant_id=current.pk, marks=sheet, key="x"
        )
    assert refused.value.details["problems"][0]["rule"] == rule
    assert not Sheet.objects.exists()
    assert not Mark.objects.exists()


def test_sheet_refused_when_scoring_is_not_open_or_judge_is_recused() -> None:
    world = make_arena_world(participants=2, judges=3)
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    with pytest.raises(ArenaRefusal) as not_open:
        sheets.submit_sheet(
            judge=world.judge("J1"), participant_id=current.pk, marks=marks("20"), key="a"
        )
    assert not_open.value.code == "not_open"
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
    setup.set_recusal(
        judge=world.judge("J3"),
        participant=current,
        active=True,
        reason="同一社区",
        source="host",
        by=world.host_user,
    )
    with pytest.raises(ArenaRefusal) as recused:
        sheets.submit_sheet(
            judge=world.judge("J3"), participant_id=current.pk, marks=marks("20"), key="b"
        )
    assert recused.value.code == "recused"
    assert not Sheet.objects.exists()


def test_recused_judge_shrinks_the_panel_and_the_rule_adapts() -> None:
    world = make_arena_world(participants=2, judges=5)
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
    setup.set_recusal(
        judge=world.judge("J5"),
        participant=current,
        active=True,
        reason="affiliated",
        source="host",
        by=world.host_user,
    )
    for i in range(1, 5):
        sheets.submit_sheet(
            judge=world.judge(f"J{i}"),
            participant_id=current.pk,
            marks=marks(str(20 + i)),
            key=f"s{i}",
        )
    confirmed = sheets.confirm_result(participant_id=current.pk, judge=world.judge("J1"))
    assert confirmed.result["judges"] == 4
    assert confirmed.result["note"]["outcome"] == "too_few_judges"
    assert confirmed.result["dropped"] == []
    assert Decimal(confirmed.result["score"]) == Decimal("77.50")


def test_automatic_recusal_by_affiliation() -> None:
    world = make_arena_world(participants=2, judges=0, go_live=False)
    target = world.participants[0]
    judge, _token = setup.add_judge(
        arena=world.arena, name="同单位评委", by=world.host_user, affiliation=target.unit
    )
    outsider, _ = setup.add_judge(
        arena=world.arena, name="主办单位评委", by=world.host_user, affiliation=world.host_unit
    )
    assert judge.recusals.get().participant == target
    assert not outsider.recusals.exists()


def test_two_next_presses_make_one_transition() -> None:
    world = make_arena_world(participants=3, judges=3)
    first = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    with pytest.raises(ArenaRefusal) as second:
        console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    assert second.value.code == "moved_on"
    assert world.refresh().current_id == first.pk
    assert LedgerEntry.objects.filter(kind="presenting").count() == 1


def test_correction_supersedes_the_sheet_and_reconfirms() -> None:
    world = make_arena_world(participants=2, judges=3)
    done = score_current(world, {f"J{i}": marks("20") for i in range(1, 4)})
    sheets.reopen_sheet(
        judge=world.judge("J2"), participant_id=done.pk, reason="录入错误", by=world.host_user
    )
    done.refresh_from_db()
    assert done.status == ParticipantStatus.SCORING
    assert done.result is None
    sheets.submit_sheet(
        judge=world.judge("J2"), participant_id=done.pk, marks=marks("23"), key="fix"
    )
    confirmed = sheets.confirm_result(participant_id=done.pk, judge=world.judge("J1"))
    assert confirmed.result["score"] == "76.00"
    assert Sheet.objects.filter(participant=done, judge=world.judge("J2")).count() == 2
    assert Sheet.objects.filter(participant=done, judge=world.judge("J2"), active=True).count() == 1


def test_screen_state_carries_no_mark_before_the_result_is_shown() -> None:
    world = make_arena_world(participants=2, judges=3)
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
    given = {"J1": marks("27.5", "17.5", "21.5", "22.5"), "J2": marks("20"), "J3": marks("25")}
    for code, sheet in given.items():
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=current.pk, marks=sheet, key=f"m{code}"
        )
    sheets.confirm_result(participant_id=current.pk, judge=world.judge("J1"))
    snapshot = ArenaSnapshot(world.arena.pk)
    screen_text = str(snapshot.screen())
    for secret in ("'27.5'", "'89'", "'75'", "'80'", "'81.33'"):
        assert secret not in screen_text
    other_judge_text = str(snapshot.judge(world.judge("J2")))
    assert "'75'" in other_judge_text  # J2 sees its own sheet
    for secret in ("'27.5'", "'89'", "'80'", "'81.33'"):
        assert secret not in other_judge_text
    console.show_result(arena=world.arena, participant_id=current.pk, by=world.host_user)
    shown = ArenaSnapshot(world.arena.pk).screen()["current"]["result"]
    assert shown["score"] == "81.33"
    assert [m["total"] for m in shown["marks"]] == ["89", "75", "80"]


def test_what_update_details_and_update_rubric_keep_is_typed_for_mypy() -> None:
    """KEEP, the default of a detail left as it is, is a member of its own enum, so mypy checks
    the callers (a detail's type or KEEP), where an Any sentinel let anything through."""
    import typing

    assert setup.KEEP is setup.Keep.KEEP
    assert list(setup.Keep) == [setup.Keep.KEEP]
    details = typing.get_type_hints(setup.update_details)
    assert details["title"] == str | setup.Keep
    assert details["presentation_seconds"] == int | setup.Keep
    assert details["registration_open"] == bool | setup.Keep
    rubric = typing.get_type_hints(setup.update_rubric)
    assert rubric["rule"] == dict[str, typing.Any] | setup.Keep
    world = make_arena_world(participants=1, judges=1, go_live=False)
    venue = world.arena.venue
    setup.update_details(arena=world.arena, by=world.host_user, title="改过的标题")
    world.arena.refresh_from_db()
    assert (world.arena.title, world.arena.venue) == ("改过的标题", venue)
