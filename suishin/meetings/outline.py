"""The policy outline: the plain-text form in which the secretariat writes a
推進活動方針（案）. Pure functions: `parse(text) -> list[Node]`, `dump(nodes) -> text`.

One line is one node; indentation makes a node the child of the nearest less
indented line above it (two half-width spaces or one tab per level; a
full-width space is text, not indentation). The first characters say what the line is:

    # 重点取組項目            見出し, printed "<重点取組項目>"; item numbers restart after it
    - 【つなぐプロジェクト…】  番号付き項目: the number (1. (1) ① ア.) is computed, never typed
    [枠] 全道推進会議・重点運動項目   枠囲み (the text after [枠] is its title, may be empty)
    [枠 i.] …                 枠囲み whose items are numbered i. ii. iii. (also 1. (1) ① ア.)
    | 見出し | 値 |          表の1行 (consecutive rows form one table)
    anything else            段落
    \\- …                     a paragraph that starts with a marker character

Inline: **太字**, __下線__. Blank lines are ignored. dump(parse(t)) is the
canonical form of t, and parse(dump(nodes)) == nodes for any tree parse can
produce.
"""

from __future__ import annotations

from dataclasses import dataclass

from suishin.meetings.numbering import Node

INDENT = "  "
BOX_STYLES = {
    "1.": "arabic",
    "(1)": "paren",
    "①": "circled",
    "ア.": "katakana",
    "i.": "roman_lower",
}
BOX_TOKENS = {v: k for k, v in BOX_STYLES.items()}
_MARKERS = ("#", "- ", "[枠", "|", "\\")


@dataclass(frozen=True)
class OutlineError(Exception):
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.line}行目: {self.message}"


def _indent_width(raw: str) -> tuple[int, str]:
    # Full-width spaces are not indentation: Japanese paragraphs often start
    # with one (字下げ), which must not move the paragraph in the tree.
    width = 0
    for i, ch in enumerate(raw):
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 2
        else:
            return width, raw[i:]
    return width, ""


def _table_cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [cell.strip() for cell in body.split("|")]


def _parse_line(text: str, lineno: int) -> Node:
    if text.startswith("\\"):
        return Node("paragraph", text[1:].strip())
    if text.startswith("#"):
        return Node("heading", text.lstrip("#").strip())
    if text.startswith("- ") or text == "-":
        return Node("item", text[1:].strip())
    if text.startswith("[枠"):
        close = text.find("]")
        if close == -1:
            raise OutlineError(lineno, "「[枠」の後に「]」がありません。")
        token = text[2:close].strip()
        if token and token not in BOX_STYLES:
            choices = "・".join(BOX_STYLES)
            raise OutlineError(
                lineno, f"枠内の番号「{token}」は使えません（{choices} のいずれか）。"
            )
        return Node("box", text[close + 1 :].strip(), child_numbering=BOX_STYLES.get(token, ""))
    if text.startswith("|"):
        return Node("table", "\t".join(_table_cells(text)))
    return Node("paragraph", text.strip())


def parse(text: str) -> list[Node]:
    """Parse an outline into a node tree. Raises OutlineError (Japanese, with the line)."""
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []  # (indent, node) of the open ancestors
    for lineno, raw in enumerate(text.splitlines(), start=1):
        width, body = _indent_width(raw.rstrip())
        if not body:
            continue
        node = _parse_line(body, lineno)
        while stack and stack[-1][0] >= width:
            stack.pop()
        siblings = stack[-1][1].children if stack else roots
        if node.kind == "heading" and stack:
            raise OutlineError(lineno, "見出し（#）は字下げせずに書いてください。")
        if (
            node.kind == "table"
            and siblings
            and siblings[-1].kind == "table"
            and not siblings[-1].children
        ):
            siblings[-1].text += "\n" + node.text  # another row of the same table
            continue
        if node.kind in ("item", "paragraph") and not node.text:
            raise OutlineError(lineno, "本文が空です。")
        siblings.append(node)
        stack.append((width, node))
    return roots


def _escape(text: str) -> str:
    return "\\" + text if text.startswith(_MARKERS) or text == "-" else text


def _dump_node(node: Node, level: int, out: list[str]) -> None:
    pad = INDENT * level
    if node.kind == "heading":
        out.append(f"{pad}# {node.text}")
    elif node.kind == "item":
        out.append(f"{pad}- {node.text}")
    elif node.kind == "box":
        token = BOX_TOKENS.get(node.child_numbering, "")
        head = f"[枠 {token}]" if token else "[枠]"
        out.append(f"{pad}{head} {node.text}".rstrip())
    elif node.kind == "table":
        for row in node.text.split("\n"):
            out.append(f"{pad}| " + " | ".join(row.split("\t")) + " |")
    else:
        out.append(f"{pad}{_escape(node.text)}")
    for child in node.children:
        _dump_node(child, level + 1, out)


def dump(nodes: list[Node]) -> str:
    """The canonical outline text of a tree (one node per line, two-space indents)."""
    out: list[str] = []
    for node in nodes:
        _dump_node(node, 0, out)
    return "\n".join(out) + ("\n" if out else "")
