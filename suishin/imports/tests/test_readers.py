"""Every format the engine reads, and every hostile file it must refuse."""

from __future__ import annotations

import datetime as dt
import io
import os
import tracemalloc
import zipfile

import pytest

from suishin.imports import readers
from suishin.imports.models import ImportBatch
from suishin.imports.readers import FileRejected
from suishin.kpis.models import Result
from suishin.organisations.models import Block, Branch, Member

JP_NAME = "㈱髙﨑労働組合①"
MEMBERS = [
    ["会員コード", "会員名", "産別", "店番", "組合員数", "年度"],
    ["A0009", JP_NAME, "自治労", "101", "1,200", "2024"],
]


def _names() -> set[str]:
    return set(Member.objects.values_list("name", flat=True))


# --- formats ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8（BOM付き）"), ("cp932", "Shift_JIS（CP932）")],
)
def test_it_detects_the_csv_encoding_and_keeps_names_as_typed(org, write, run, encoding, label):
    outcome = run("members", write("members.csv", MEMBERS, encoding=encoding))
    assert outcome.ok, outcome.error_lines()
    assert outcome.file_format == f"CSV（{label}）"
    assert JP_NAME in _names()


def test_a_bom_does_not_become_part_of_the_first_header(org, write):
    path = write("blocks.csv", "ブロック名\r\n道央\r\n", encoding="utf-8-sig")
    with readers.open_table(path) as table:
        assert table.header == ["ブロック名"]


def test_shift_jis_only_characters_need_cp932(org, write, run):
    # ① ㈱ 髙 﨑 are not in shift_jis proper; decoding must use cp932.
    data = "会員コード,会員名,店番\r\nA0010,①㈱髙﨑組合,101\r\n".encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")
    outcome = run("members", write("m.csv", data))
    assert outcome.ok, outcome.error_lines()
    assert "①㈱髙﨑組合" in _names()


def test_tab_separated_text_is_read(org, write, run):
    outcome = run("blocks", write("blocks.txt", "ブロック名\t表示順\r\n道東\t9\r\n"))
    assert outcome.ok
    assert Block.objects.get(name="道東").sort_order == 9


def test_xlsx_headers_may_come_in_any_order_and_in_english(org, catalog, write_xlsx, run):
    path = write_xlsx(
        "results.xlsx",
        {
            "実績": [
                ["amount", "item_code", "count", "member_code", "month"],
                [None, "SVC_MAIN", 12, "A0001", dt.datetime(2024, 9, 1)],
                ["1,000", "ATM_USE", "３", "A0002", "令和6年8月"],
            ]
        },
    )
    outcome = run("results", path)
    assert outcome.ok, outcome.error_lines()
    assert outcome.file_format == "XLSX（シート「実績」）"
    assert Result.objects.get(member=org.member_a).count == 12
    assert Result.objects.get(member=org.member_a2).month == dt.date(2024, 8, 1)


def test_xlsx_reads_a_named_sheet(org, write_xlsx, run):
    path = write_xlsx(
        "book.xlsx",
        {
            "表紙": [["これは表紙です"]],
            "ブロック": [["ブロック名"], ["道南"]],
        },
    )
    outcome = run("blocks", path, sheet="ブロック")
    assert outcome.ok, outcome.error_lines()
    assert Block.objects.filter(name="道南").exists()


def test_xlsx_unknown_sheet_is_named_with_the_sheets_there_are(org, write_xlsx, run):
    path = write_xlsx("book.xlsx", {"表紙": [["x"]], "データ": [["ブロック名"], ["道南"]]})
    outcome = run("blocks", path, sheet="ない")
    assert outcome.error_lines() == [
        "ファイル: シート「ない」がありません（このブックのシート: 表紙、データ）。"
    ]


def test_xlsx_excel_serials_and_numeric_codes(org, catalog, write_xlsx, run):
    path = write_xlsx(
        "r.xlsx",
        {
            "S": [
                ["年月", "店番", "項目コード", "件数"],
                [45536, 101, "ATM_USE", 5.0],
            ]
        },
    )
    outcome = run("results", path)
    assert outcome.ok, outcome.error_lines()
    row = Result.objects.get()
    assert (row.month, row.branch, row.count) == (dt.date(2024, 9, 1), org.branch_a, 5)


def test_a_sheet_name_is_refused_for_a_csv(org, write, run):
    outcome = run("blocks", write("b.csv", [["ブロック名"], ["道南"]]), sheet="S")
    assert outcome.error_lines() == ["ファイル: シート名は XLSX ファイルのときだけ指定できます。"]


def test_xlsx_with_a_wrong_dimension_is_read_to_the_end(org, write_xlsx, tmp_path, run):
    path = write_xlsx("b.xlsx", {"S": [["ブロック名"], ["道南"], ["道北"]]})
    # Rewrite the <dimension> to claim only A1, as some writers do.
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:A3"/>', b'<dimension ref="A1"/>')
            dst.writestr(info, data)
    outcome = run("blocks", patched)
    assert outcome.ok and outcome.added == 2


def test_line_numbers_count_blank_lines(org, write, run):
    outcome = run("blocks", write("b.csv", "ブロック名,表示順\r\n道南,1\r\n\r\n道北,x\r\n"))
    assert outcome.error_lines() == ["行 4 列 表示順: 数値で入力してください（x）。"]


def test_read_row_returns_one_row_of_a_stored_file(write):
    path = write("b.csv", [["ブロック名"], ["道南"], ["道北"]])
    assert readers.read_row(path, 3) == (["ブロック名"], ["道北"])
    assert readers.read_row(path, 9) is None


# --- hostile files ------------------------------------------------------------------


def _nothing_written() -> bool:
    return (
        not ImportBatch.objects.exists()
        and not Block.objects.exclude(name__in=["石狩", "上川"]).exists()
    )


def test_an_empty_file_is_refused(org, write, run):
    outcome = run("blocks", write("empty.csv", b""))
    assert outcome.error_lines() == ["ファイル: ファイルが空です（0バイト）。"]
    assert _nothing_written()


def test_a_header_only_file_is_refused(org, write, run):
    outcome = run("blocks", write("h.csv", "ブロック名\r\n"))
    assert outcome.error_lines() == [
        "ファイル: データ行がありません（見出し行だけのファイルです）。"
    ]
    assert _nothing_written()


def test_an_xlsx_that_is_not_a_zip_is_refused(org, write, run):
    outcome = run("blocks", write("blocks.xlsx", "ブロック名\r\n道南\r\n"))
    assert outcome.error_lines() == [
        "ファイル: XLSX ファイルとして開けません（ZIP 形式ではありません）。ファイルが壊れているか、拡張子が正しくありません。"
    ]
    assert _nothing_written()


def test_an_old_xls_is_refused_with_advice(org, write, run):
    outcome = run("blocks", write("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100))
    assert outcome.error_lines() == [
        "ファイル: 旧形式の Excel ファイル（.xls）は読めません。XLSX または CSV で保存し直してください。"
    ]


def test_a_truncated_zip_is_refused(org, write_xlsx, write, run):
    data = write_xlsx("ok.xlsx", {"S": [["ブロック名"], ["道南"]]}).read_bytes()
    outcome = run("blocks", write("cut.xlsx", data[: len(data) // 2]))
    assert outcome.error_lines()[0].startswith(
        "ファイル: XLSX ファイルとして開けません（ZIP 形式として壊れています"
    )
    assert _nothing_written()


def test_a_zip_that_is_not_a_workbook_is_refused(org, write, run):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    outcome = run("blocks", write("x.xlsx", buf.getvalue()))
    assert outcome.error_lines() == [
        "ファイル: XLSX ファイルではありません（Excel のブックが含まれていません）。"
    ]


def _zip_with(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_zip_bomb_is_refused_by_its_compression_ratio(org, write, run):
    bomb = _zip_with(
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\x00" * (32 << 20)}
    )
    assert len(bomb) < 100_000
    outcome = run("blocks", write("bomb.xlsx", bomb))
    assert outcome.error_lines()[0].startswith(
        "ファイル: XLSX ファイルの圧縮率が異常です（xl/worksheets/sheet1.xml:"
    )
    assert outcome.error_lines()[0].endswith("圧縮爆弾（zip bomb）の疑いがあるため開きません。")
    assert _nothing_written()


def test_a_zip_bomb_is_refused_by_its_total_size(org, write, run, settings):
    settings.SUISHIN_IMPORT_MAX_UNZIPPED_BYTES = 1 << 20
    entries = {"xl/workbook.xml": b"<workbook/>"}
    entries.update({f"xl/part{i}.xml": os.urandom(300_000) for i in range(4)})
    outcome = run("blocks", write("big.xlsx", _zip_with(entries)))
    assert outcome.error_lines() == [
        "ファイル: XLSX ファイルを展開すると大きすぎます（1.1MB、上限 1MB）。圧縮爆弾（zip bomb）の疑いがあるため開きません。"
    ]


def test_a_zip_with_too_many_entries_is_refused(org, write, run, settings):
    settings.SUISHIN_IMPORT_MAX_ZIP_ENTRIES = 10
    entries = {f"xl/{i}.xml": b"<a/>" for i in range(11)}
    outcome = run("blocks", write("many.xlsx", _zip_with(entries)))
    assert outcome.error_lines() == [
        "ファイル: XLSX ファイルの中身の数が多すぎます（11個、上限 10個）。"
    ]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    b'<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    b'<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    b'<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    b'<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    b'<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>\n'
)


SHEET_BODY = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>ブロック名</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
).encode()


def _laughing_workbook(path, padding: bytes = b"") -> bytes:
    """A real workbook whose sheet XML declares the billion-laughs entities
    (after `padding`) and uses the last one in a cell."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = (
                    BILLION_LAUGHS.replace(b"\n<!DOCTYPE", b"\n" + padding + b"<!DOCTYPE")
                    + SHEET_BODY
                )
            dst.writestr(info, data)
    return out.getvalue()


def test_billion_laughs_is_refused_before_any_xml_parser_runs(org, write_xlsx, write, run):
    base = write_xlsx("base.xlsx", {"S": [["ブロック名"], ["dummy"]]})
    outcome = run("blocks", write("lol.xlsx", _laughing_workbook(base)))
    assert outcome.error_lines() == [
        "ファイル: XLSX ファイルに安全でない XML（DTD・エンティティ定義）が含まれているため開けません。"
    ]
    assert _nothing_written()


def test_billion_laughs_hidden_past_the_scan_is_refused_by_defusedxml(org, write_xlsx, write, run):
    base = write_xlsx("base.xlsx", {"S": [["ブロック名"], ["dummy"]]})
    padding = b"<!--" + b" " * (readers.XML_SCAN_BYTES + 10) + b"-->\n"
    tracemalloc.start()
    try:
        outcome = run("blocks", write("lol2.xlsx", _laughing_workbook(base, padding)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.error_lines() == [
        "ファイル: XLSX ファイルに安全でない XML（DTD・エンティティ定義）が含まれているため開けません。"
    ]
    assert peak < 50 << 20
    assert _nothing_written()


def test_binary_garbage_is_refused(org, write, run):
    outcome = run("blocks", write("garbage.csv", bytes(range(256)) * 50))
    assert outcome.error_lines() == [
        "ファイル: ファイルの内容を読み取れません（CSV または XLSX ではないようです）。"
    ]
    assert _nothing_written()


def test_undecodable_text_is_refused_with_the_encoding_message(org, write, run):
    # Valid in neither UTF-8 nor CP932 (a lone CP932 lead byte at the end).
    outcome = run("blocks", write("bad.csv", "ブロック名\r\n道南\r\n".encode() + b"\x81"))
    assert outcome.error_lines() == [
        "ファイル: 文字コードを判別できません（UTF-8 または Shift_JIS の CSV、または XLSX を指定してください）。"
    ]


def test_utf16_is_refused_with_the_encoding_message(org, write, run):
    outcome = run("blocks", write("u16.csv", "ブロック名\r\n道南\r\n".encode("utf-16")))
    assert outcome.error_lines()[0].startswith("ファイル: 文字コードを判別できません")


def test_an_oversized_file_is_refused_before_it_is_read(org, write, run, settings):
    settings.SUISHIN_MAX_UPLOAD_BYTES = 1000
    outcome = run("blocks", write("big.csv", "ブロック名\r\n" + "道南\r\n" * 500))
    assert outcome.error_lines() == [
        "ファイル: ファイルが大きすぎます（上限 1,000バイト、このファイル 3.9KB）。"
    ]
    assert _nothing_written()


def test_an_oversized_stream_of_unknown_size_is_cut_off_while_copying(org, run_bytes, settings):
    settings.SUISHIN_MAX_UPLOAD_BYTES = 1000
    outcome = run_bytes("blocks", b"a" * 5000)
    assert outcome.error_lines() == ["ファイル: ファイルが大きすぎます（上限 1,000バイト）。"]


def test_a_200_mb_file_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(200 << 20)  # sparse: 200 MB of NUL bytes
    tracemalloc.start()
    try:
        with pytest.raises(FileRejected) as exc:
            readers.open_table(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (
        exc.value.message == "ファイルの内容を読み取れません（CSV または XLSX ではないようです）。"
    )
    assert peak < 10 << 20


def test_a_file_without_line_breaks_is_not_read_as_one_line(tmp_path):
    path = tmp_path / "oneline.csv"
    path.write_bytes(b"a" * (3 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(FileRejected) as exc, readers.open_table(path) as table:
            list(table.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.value.message == "1行が長すぎます（行 1）。CSV ファイルではないようです。"
    assert peak < 16 << 20


def test_branches_file_keeps_zero_padded_codes(org, write, run):
    outcome = run(
        "branches", write("b.csv", [["店番", "店名", "ブロック名"], ["007", "小樽支店", "石狩"]])
    )
    assert outcome.ok
    assert Branch.objects.filter(code="007").exists()
