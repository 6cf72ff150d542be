"""The two inline marks of policy and agenda text: **太字** and __下線__.

`spans()` splits a text into runs once, and both the HTML and the DOCX
renderers print those runs, so a mark looks the same in every format.
An unclosed mark is printed as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_MARK = re.compile(r"(\*\*.+?\*\*|__.+?__)")


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    underline: bool = False


def spans(text: str) -> list[Span]:
    out: list[Span] = []
    for part in _MARK.split(text):
        if not part:
            continue
        if len(part) > 4 and part.startswith("**") and part.endswith("**"):
            out.extend(Span(s.text, True, s.underline) for s in spans(part[2:-2]))
        elif len(part) > 4 and part.startswith("__") and part.endswith("__"):
            out.extend(Span(s.text, s.bold, True) for s in spans(part[2:-2]))
        else:
            out.append(Span(part))
    return out


def spaced(label: str) -> str:
    """Two-character headings print with a full-width space: '開会' → '開　会'."""
    return "\u3000".join(label) if len(label) == 2 else label


def plain(text: str) -> str:
    """The text without marks (for iCalendar, CSV and search)."""
    return "".join(s.text for s in spans(text))


def to_html(text: str) -> SafeString:
    parts = []
    for s in spans(text):
        html = str(escape(s.text))
        if s.underline:
            html = f"<u>{html}</u>"
        if s.bold:
            html = f"<strong>{html}</strong>"
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above
