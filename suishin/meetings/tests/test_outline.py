from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suishin.meetings.numbering import Node
from suishin.meetings.outline import OutlineError, dump, parse

SAMPLE = """\
# 重点取組項目
- 【つなぐプロジェクト for SDGs】における「自主目標設定運動」の取組み
  - 上期末の進捗をふまえ、「**会員自主目標推進運動**」を設定します。
  - 引き続き取組みます。
    [枠] 全道推進会議・重点運動項目
      - 「マイプラン」の取組み
      - 周知活動の展開
# 共通取組み
- 職域活動費の効果的な活用
  　WEB 学習会での職域活動費の使用が可能となっています。
  [枠 i.] 【ろうきん APP (アップ) キャンペーン】
    - キャンペーン期間
    ※ 「えらべる Pay」はギフトです。
  | お客様相談室（相談員 1 名） |  |
  | <フリーダイヤル> | 0120-380-931 |
"""


def test_it_parses_headings_items_boxes_paragraphs_and_tables():
    nodes = parse(SAMPLE)
    assert [n.kind for n in nodes] == ["heading", "item", "heading", "item"]
    first = nodes[1]
    assert [c.kind for c in first.children] == ["item", "item"]
    box = first.children[1].children[0]
    assert (box.kind, box.text, box.child_numbering) == ("box", "全道推進会議・重点運動項目", "")
    assert [c.text for c in box.children] == ["「マイプラン」の取組み", "周知活動の展開"]
    last = nodes[3]
    assert [c.kind for c in last.children] == ["paragraph", "box", "table"]
    # a leading full-width space is 字下げ text, not indentation
    assert last.children[0].text == "WEB 学習会での職域活動費の使用が可能となっています。"
    assert last.children[1].child_numbering == "roman_lower"
    assert last.children[2].text == "お客様相談室（相談員 1 名）\t\n<フリーダイヤル>\t0120-380-931"


def test_dump_is_the_canonical_form_and_parses_back_to_the_same_tree():
    nodes = parse(SAMPLE)
    assert parse(dump(nodes)) == nodes
    assert dump(parse(dump(nodes))) == dump(nodes)


def test_a_paragraph_starting_with_a_marker_is_escaped():
    nodes = [
        Node("paragraph", "- 箇条書きではない"),
        Node("paragraph", "#5"),
        Node("paragraph", "|縦線"),
    ]
    text = dump(nodes)
    assert text.splitlines()[0] == "\\- 箇条書きではない"
    assert parse(text) == nodes


def test_it_names_the_line_of_an_unclosed_box():
    with pytest.raises(OutlineError) as info:
        parse("- a\n  [枠 重点")
    assert str(info.value) == "2行目: 「[枠」の後に「]」がありません。"


def test_it_rejects_an_unknown_box_numbering():
    with pytest.raises(OutlineError) as info:
        parse("[枠 A.] x")
    assert (
        str(info.value) == "1行目: 枠内の番号「A.」は使えません（1.・(1)・①・ア.・i. のいずれか）。"
    )


def test_it_rejects_an_indented_heading():
    with pytest.raises(OutlineError) as info:
        parse("- a\n  # 見出し")
    assert str(info.value) == "2行目: 見出し（#）は字下げせずに書いてください。"


_text = (
    st.text(alphabet=st.sampled_from("あいう漢字AB1 -#|[]枠①（）\\*_"), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _trees(draw, depth=0):
    kinds = ["item", "paragraph", "box", "table"] + (["heading"] if depth == 0 else [])
    out = []
    for _ in range(draw(st.integers(0, 3 if depth < 3 else 0))):
        kind = draw(st.sampled_from(kinds))
        if kind == "table":
            cells = draw(
                st.lists(
                    st.lists(_text.filter(lambda s: "|" not in s), min_size=1, max_size=3),
                    min_size=1,
                    max_size=2,
                )
            )
            out.append(Node("table", "\n".join("\t".join(r) for r in cells)))
            continue
        text = draw(_text)
        style = draw(st.sampled_from(["", "roman_lower", "circled"])) if kind == "box" else ""
        children = draw(_trees(depth + 1)) if kind in ("item", "box", "paragraph") else []
        out.append(Node(kind, text, child_numbering=style, children=children))
    # adjacent tables would merge into one: keep the generated tree canonical
    merged = []
    for n in out:
        if merged and merged[-1].kind == "table" == n.kind and not merged[-1].children:
            continue
        merged.append(n)
    return merged


@given(_trees())
def test_any_tree_survives_dump_and_parse(nodes):
    assert parse(dump(nodes)) == nodes
