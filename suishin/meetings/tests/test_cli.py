from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from suishin.meetings.cli import run_meeting_report
from suishin.meetings.tests.factories import meeting, seed_agenda

pytestmark = pytest.mark.django_db


def test_report_meeting_writes_a_docx_file(tmp_path):
    m = meeting()
    seed_agenda(m)
    out = tmp_path / "議案書.docx"
    err = io.StringIO()
    call_command(
        "report", "meeting", "--meeting", str(m.pk), "--format", "docx", "-o", str(out), stderr=err
    )
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "2024年度 第1回全道推進会議"
    assert f"{out} に出力しました" in err.getvalue()
    assert "推進活動総括: " in err.getvalue()


def test_report_meeting_html_to_a_stream():
    m = meeting()
    buffer = io.BytesIO()
    run_meeting_report(m.pk, "html", buffer)
    assert "2024年度 第1回全道推進会議" in buffer.getvalue().decode()


def test_an_unknown_meeting_is_a_japanese_error_not_a_traceback():
    with pytest.raises(CommandError) as info:
        call_command(
            "report", "meeting", "--meeting", "999", "--format", "pdf", "-o", "/tmp/never.pdf"
        )
    assert str(info.value) == "会議ID 999 の会議は見つかりません。"
