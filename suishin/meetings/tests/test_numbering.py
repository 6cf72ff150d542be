from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suishin.meetings.numbering import (
    Node,
    agenda_label,
    circled,
    katakana,
    number_tree,
    policy_label,
    roman,
)


def test_agenda_items_are_numbered_with_roman_numerals():
    assert [agenda_label(n) for n in (1, 2, 3, 4, 9, 14)] == [
        "I.",
        "II.",
        "III.",
        "IV.",
        "IX.",
        "XIV.",
    ]


def test_policy_styles_follow_the_depth():
    assert policy_label(1, 3) == "3."
    assert policy_label(2, 4) == "(4)"
    assert policy_label(3, 1) == "①"
    assert policy_label(4, 5) == "オ."
    assert policy_label(3, 2, "roman_lower") == "ii."


def test_it_refuses_a_fifth_level_without_a_style():
    with pytest.raises(ValueError):
        policy_label(5, 1)


def test_circled_numbers_cover_the_three_unicode_ranges():
    assert circled(1) == "①" and circled(20) == "⑳"
    assert circled(21) == "㉑" and circled(35) == "㉟"
    assert circled(36) == "㊱" and circled(50) == "㊿"
    assert circled(51) == "(51)"


def test_katakana_counts_in_aiueo_order():
    assert [katakana(n) for n in range(1, 6)] == ["ア", "イ", "ウ", "エ", "オ"]
    assert katakana(44) == "ワ" and katakana(45) == "ア2"


@given(st.integers(min_value=1, max_value=3999))
def test_roman_numerals_are_distinct_and_well_formed(n):
    text = roman(n)
    assert set(text) <= set("IVXLCDM")
    assert roman(n + 1) != text


def test_item_numbers_restart_after_a_heading_and_boxes_number_their_own_items():
    tree = [
        Node("heading", "重点取組項目"),
        Node(
            "item",
            "a",
            children=[
                Node("item", "a1"),
                Node("paragraph", "p"),
                Node(
                    "item",
                    "a2",
                    children=[
                        Node(
                            "item",
                            "x",
                            children=[
                                Node("box", "枠", children=[Node("item", "k1"), Node("item", "k2")])
                            ],
                        ),
                        Node("box", "枠", children=[Node("item", "m1")]),
                    ],
                ),
            ],
        ),
        Node(
            "item",
            "b",
            children=[
                Node(
                    "box",
                    "",
                    child_numbering="roman_lower",
                    children=[Node("item", "r1"), Node("item", "r2")],
                )
            ],
        ),
        Node("heading", "共通取組み"),
        Node("item", "c"),
    ]
    number_tree(tree)
    a, b, c = tree[1], tree[2], tree[4]
    assert (a.label, b.label, c.label) == ("1.", "2.", "1.")
    assert [n.label for n in a.children] == ["(1)", "", "(2)"]
    a2 = a.children[2]
    assert a2.children[0].label == "①"
    # a box inside a level-3 item: its items are level 4; inside a level-2 item, level 3
    assert [n.label for n in a2.children[0].children[0].children] == ["ア.", "イ."]
    assert [n.label for n in a2.children[1].children] == ["①"]
    assert [n.label for n in b.children[0].children] == ["i.", "ii."]
