"""Numbers printed in front of agenda items and policy items. Pure functions.

Agenda items: I. II. III. (upper-case Roman numerals, as the seed prints).
Policy items: the style follows the depth — level 1 "1.", level 2 "(1)",
level 3 "①", level 4 "ア." — and the position among item siblings. A framed
list (box) may override its items' style (the seed's "i. ii. iii.").
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_DEPTH = 4

_ROMAN = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip

# ア行…ワ: the order Japanese documents count ア. イ. ウ. in.
KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
)


def roman(n: int) -> str:
    """1 → 'I', 4 → 'IV', 14 → 'XIV'."""
    if n < 1:
        raise ValueError("Roman numerals start at 1")
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def circled(n: int) -> str:
    """1 → '①' … 20 → '⑳', 21 → '㉑' … 35 → '㉟', 36 → '㊱' … 50 → '㊿'; beyond: '(51)'."""
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return f"({n})"


def katakana(n: int) -> str:
    """1 → 'ア', 2 → 'イ' … 44 → 'ワ'; beyond that it continues with 'ア2' style."""
    if n < 1:
        raise ValueError("katakana numbering starts at 1")
    letter = KATAKANA[(n - 1) % len(KATAKANA)]
    cycle = (n - 1) // len(KATAKANA)
    return letter if cycle == 0 else f"{letter}{cycle + 1}"


STYLES = {
    "arabic": lambda n: f"{n}.",
    "paren": lambda n: f"({n})",
    "circled": circled,
    "katakana": lambda n: f"{katakana(n)}.",
    "roman_lower": lambda n: f"{roman(n).lower()}.",
    "roman_upper": lambda n: f"{roman(n)}.",
}

DEPTH_STYLES = {1: "arabic", 2: "paren", 3: "circled", 4: "katakana"}


def agenda_label(position: int) -> str:
    """The n-th item of an agenda section: 'I.', 'II.', 'III.'."""
    return STYLES["roman_upper"](position)


def policy_label(depth: int, position: int, style: str = "") -> str:
    """The label of the `position`-th item at `depth` (1-based), or in `style`."""
    if style:
        return STYLES[style](position)
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"policy items go {MAX_DEPTH} levels deep at most")
    return STYLES[DEPTH_STYLES[depth]](position)


@dataclass
class Node:
    """A policy node in memory (outline.py parses text into these; services
    store them as PolicyNode rows; the document prints them)."""

    kind: str  # heading | item | paragraph | box | table
    text: str = ""
    child_numbering: str = ""
    children: list[Node] = field(default_factory=list)
    label: str = ""  # computed by `number_tree`
    depth: int = 0  # computed: the item level (1..4) of this node (items only)
    style: str = ""  # computed: the STYLES key its label is printed in (items only)


def number_tree(nodes: list[Node], *, depth: int = 1, style: str = "") -> list[Node]:
    """Set `label` and `depth` on every item of the tree; returns `nodes`.

    Item positions restart after a heading sibling. A box passes its
    `child_numbering` (if any) to the items directly inside it; an item's
    children are one level deeper. Raises ValueError past MAX_DEPTH.
    """
    position = 0
    for node in nodes:
        if node.kind == "heading":
            position = 0
            node.label = ""
            number_tree(node.children, depth=depth, style="")
        elif node.kind == "item":
            position += 1
            node.depth = depth
            node.style = style or DEPTH_STYLES.get(depth, "")
            node.label = policy_label(depth, position, style)
            number_tree(node.children, depth=depth + 1, style="")
        elif node.kind == "box":
            node.label = ""
            number_tree(node.children, depth=depth, style=node.child_numbering)
        else:
            node.label = ""
            number_tree(node.children, depth=depth, style=style)
    return nodes
