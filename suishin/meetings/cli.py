"""`suishin report meeting`: the whole meeting document (議案書).

    suishin report meeting --meeting ID --format pdf|docx|html [-o FILE]

Without -o the document goes to stdout (PDF and DOCX as bytes, so redirect
it: `> 議案書.pdf`). The CLI runs as the system. What the summary section
was built from (or that it is a placeholder) is printed to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import CommandError

from suishin.core.errors import DomainError
from suishin.meetings import document
from suishin.meetings.models import Meeting


def run_meeting_report(
    meeting_id: int, fmt: str, out: BinaryIO | Path | str
) -> document.MeetingDocument:
    """Build the document of meeting `meeting_id` in `fmt` and write it to `out`
    (a path or a binary stream). Returns the assembled document."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise DomainError(f"会議ID {meeting_id} の会議は見つかりません。", field="meeting")
    if fmt not in document.FORMATS:
        raise DomainError(f"出力形式「{fmt}」は使えません（html・pdf・docx）。", field="format")
    doc = document.build(meeting)
    data = document.render_doc(doc, fmt)
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(data)
    else:
        out.write(data)
        out.flush()
    return doc


def add_meeting_arguments(parser) -> None:
    parser.add_argument(
        "--meeting", type=int, required=True, help="会議ID（会議の画面のURLの数字）"
    )
    parser.add_argument(
        "--format", choices=document.FORMATS, default="pdf", help="出力形式（既定 pdf）"
    )
    parser.add_argument("-o", "--output", help="出力ファイル（省略時は標準出力）")


def _summary_notes(doc: document.MeetingDocument) -> list[str]:
    return [
        f"推進活動総括: {item.summary.source}"
        for section in doc.body
        for item in section.items
        if item.summary is not None
    ]


def handle_meeting(
    command: Any, *, meeting: int, format: str, output: str | None = None, **_: Any
) -> None:
    if output:
        doc = run_meeting_report(meeting, format, output)
        for note in _summary_notes(doc):
            command.stderr.write(note)
        command.stderr.write(f"{output} に出力しました（{Path(output).stat().st_size:,}バイト）。")
        return
    stream = getattr(command.stdout, "_out", sys.stdout)
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        raise CommandError(f"{format.upper()}は -o でファイルに出力してください。")
    stream.flush()
    doc = run_meeting_report(meeting, format, buffer)
    for note in _summary_notes(doc):
        command.stderr.write(note)
