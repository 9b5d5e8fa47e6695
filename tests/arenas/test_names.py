"""Participants named relative to the host: the rule the screen, the public view, the console and
the phones share (leitai/arenas/names.py)."""

import pytest

from leitai.arenas.names import display_names, host_prefixes, relative_name

HOST = "金湖路街道党工委"


def test_the_host_street_is_dropped_from_seventeen_units_that_all_start_with_it():
    names = [f"金湖路街道泰州路社区第{i}网格党支部" for i in range(1, 18)]
    shown = display_names(HOST, names, [""] * 17)
    assert shown[0] == "泰州路社区第1网格党支部"
    assert shown[16] == "泰州路社区第17网格党支部"
    assert len(set(shown)) == 17


def test_the_host_name_is_dropped_with_or_without_its_organisation_kind():
    assert host_prefixes(HOST) == ["金湖路街道党工委", "金湖路街道"]
    assert relative_name(HOST, "金湖路街道党工委机关党支部") == "机关党支部"
    assert relative_name(HOST, "金湖路街道泰州路社区党委") == "泰州路社区党委"
    assert relative_name("中共青岛市委", "中共青岛市市北区委") == "市北区委"
    assert relative_name("Host Street", "Host Street · Branch 3") == "Branch 3"


def test_a_name_that_does_not_start_with_the_host_is_kept_whole():
    assert relative_name(HOST, "第一网格党支部") == "第一网格党支部"
    assert relative_name(HOST, "  浮山后社区党委 ") == "浮山后社区党委"


def test_a_name_that_would_become_empty_is_kept_whole():
    assert relative_name(HOST, "金湖路街道") == "金湖路街道"
    assert display_names(HOST, ["金湖路街道党工委"], [""]) == ["金湖路街道党工委"]


def test_the_host_short_name_wins():
    names = ["金湖路街道泰州路社区党委", "金湖路街道宁夏路社区党委"]
    assert display_names(HOST, names, ["泰州路", " "]) == ["泰州路", "宁夏路社区党委"]


def test_rows_that_would_read_the_same_keep_the_part_that_tells_them_apart():
    # Dropping the host makes the two rows alike: both show in full, the third stays short.
    names = ["金湖路街道第一党支部", "金湖路街道党工委第一党支部", "金湖路街道第二党支部"]
    assert display_names(HOST, names, ["", "", ""]) == [
        "金湖路街道第一党支部",
        "金湖路街道党工委第一党支部",
        "第二党支部",
    ]
    # The same for two short names the host made equal by mistake.
    assert display_names(HOST, ["甲社区党委", "乙社区党委"], ["社区", "社区"]) == [
        "甲社区党委",
        "乙社区党委",
    ]


def test_one_short_name_slot_per_name():
    with pytest.raises(ValueError, match="one short name"):
        display_names(HOST, ["甲", "乙"], [""])
