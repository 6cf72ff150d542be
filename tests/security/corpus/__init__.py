"""The hostile-file corpus, generated in memory (nothing large is committed).

`file_level()` yields files that are bad whatever the kind (encodings,
broken or hostile XLSX, zip bombs, XML entities, absurd widths);
`value_level()` yields, per import kind, a CSV whose header is right and
whose one data row carries one hostile value (negative, huge, formula,
impossible date). Each entry: (id, file name, bytes, expected message part
or None when any Japanese message will do)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from openpyxl import Workbook

HostileFile = tuple[str, str, bytes, str | None]


def csv_text(rows: list[list[str]]) -> str:
    return "".join(",".join(row) + "\r\n" for row in rows)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""

XXE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""

XXE_SHARED = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE sst [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>"""


def _zip_bomb() -> bytes:
    """A 'workbook' whose one part inflates 64 MiB of zeros from ~64 KiB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                part.write(chunk)
    return out.getvalue()


def _many_entries() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(1500):
            z.writestr(f"xl/worksheets/s{i}.xml", b"")
    return out.getvalue()


def file_level(header: list[str]) -> Iterator[HostileFile]:
    """Files that must be refused whatever the kind; `header` is the kind's
    own header, so that only the hostile property makes the file bad."""
    head = ",".join(header)
    good_xlsx = xlsx_bytes([header])
    yield "empty", "empty.csv", b"", "ファイルが空です（0バイト）。"
    yield "binary-nul", "data.csv", b"\x00\x01\x02PNG\x00" * 200, None
    yield "png-named-csv", "photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, None
    yield "utf16-bom", "utf16.csv", (head + "\r\n").encode("utf-16"), None
    yield "utf32", "utf32.csv", (head + "\r\n").encode("utf-32"), None
    yield (
        "invalid-bytes",
        "bad.csv",
        head.encode() + b"\r\n\xff\xfe\xfd\x80\x81\xa0\xfc\xfc\r\n",
        None,
    )
    yield "header-only-unknown-column", "x.csv", (head + ",なぞの列\r\n").encode(), None
    yield "no-header", "nohead.csv", b"1,2,3\r\n4,5,6\r\n", None
    yield "million-columns", "wide.csv", (",".join(["列"] * 1_000_000) + "\r\n").encode(), None
    yield (
        "wide-header",
        "wide2.csv",
        (head + "," + ",".join(f"c{i}" for i in range(50_000)) + "\r\n").encode(),
        None,
    )
    yield "huge-cell", "cell.csv", (head + "\r\n" + "あ" * ((1 << 20) + 10) + "\r\n").encode(), None
    yield "unclosed-quote", "quote.csv", (head + '\r\n"abc,def\r\n' + "x\r\n" * 10).encode(), None
    yield "control-chars", "ctl.csv", (head + "\r\n\x1b[31m,\x07\r\n").encode(), None
    yield "pk-garbage", "broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100, None
    yield "truncated-xlsx", "cut.xlsx", good_xlsx[: len(good_xlsx) // 2], None
    yield (
        "zip-not-workbook",
        "other.xlsx",
        _rewrite_zip(good_xlsx, {}).replace(b"xl/workbook.xml", b"xl/workbook.xmX"),
        None,
    )
    yield "zip-bomb", "bomb.xlsx", _zip_bomb(), None
    yield "zip-many-entries", "many.xlsx", _many_entries(), None
    yield (
        "billion-laughs",
        "lol.xlsx",
        _rewrite_zip(good_xlsx, {"xl/worksheets/sheet1.xml": BILLION_LAUGHS}),
        "安全でない XML",
    )
    yield (
        "xxe-sheet",
        "xxe.xlsx",
        _rewrite_zip(good_xlsx, {"xl/worksheets/sheet1.xml": XXE}),
        "安全でない XML",
    )
    yield (
        "xxe-workbook",
        "xxe2.xlsx",
        _rewrite_zip(good_xlsx, {"xl/workbook.xml": XXE.replace(b"worksheet", b"workbook")}),
        "安全でない XML",
    )
    yield (
        "xxe-shared-strings",
        "xxe3.xlsx",
        _rewrite_zip(good_xlsx, {"xl/sharedStrings.xml": XXE_SHARED}),
        None,
    )
    yield "xlsx-no-rows", "blank.xlsx", xlsx_bytes([]), None


# A valid row for each kind (against tests/security fixtures `world`), and
# the hostile values to put, one at a time, in one column of it.
GOOD_ROWS: dict[str, dict[str, str]] = {
    "blocks": {"ブロック名": "十勝", "表示順": "3"},
    "branches": {"店番": "301", "店名": "帯広店", "ブロック名": "石狩", "表示順": "3"},
    "members": {
        "会員コード": "A0009",
        "会員名": "テスト労組",
        "産別": "自治労",
        "店番": "101",
        "組合員数": "10",
        "年度": "2024",
    },
    "items": {
        "年度": "2024",
        "項目コード": "NEWX",
        "項目名": "新項目",
        "集計方法": "cumulative",
        "累計起算日": "2017-10-01",
        "寄付単価": "5",
    },
    "targets": {
        "年度": "2024",
        "項目コード": "ATM",
        "対象": "A0001",
        "目標件数": "10",
        "目標金額": "1000",
    },
    "results": {
        "年月": "2024-06",
        "会員コード": "A0001",
        "項目コード": "ATM",
        "件数": "3",
        "金額": "1000",
    },
    "campaign_entries": {
        "キャンペーンコード": "APP001",
        "年月": "2024-10",
        "応募者ID": "R1",
        "アプリ口座連携日": "2024-10-03",
        "月末口座連携": "はい",
        "キャッシュレス口座登録": "いいえ",
        "チャージ・支払い": "いいえ",
        "アンケート回答": "はい",
    },
    "refinancings": {
        "年月": "2024-06",
        "会員コード": "A0001",
        "借換商品": "マイプラン",
        "旧残高": "500000",
        "旧金利": "18.0",
        "新金利": "5.0",
        "旧残存期間": "36",
        "新期間": "60",
    },
    "sessions": {
        "開催日": "2024-05-20",
        "会員コード": "A0001",
        "テーマ": "新人説明会",
        "参加者数": "25",
        "形式": "対面",
    },
    "self_targets": {"年度": "2024", "会員コード": "A0001", "項目コード": "ATM", "自主目標": "12"},
}
HUGE = "1" + "0" * 30
HOSTILE_VALUES: dict[str, list[tuple[str, str]]] = {
    "blocks": [("表示順", HUGE), ("表示順", "=1+2"), ("表示順", "-1")],
    "branches": [("表示順", HUGE), ("ブロック名", '=HYPERLINK("http://x")')],
    "members": [
        ("組合員数", "▲5"),
        ("組合員数", HUGE),
        ("年度", "令和0年度"),
        ("年度", "99999"),
        ("店番", "=1+1"),
    ],
    "items": [
        ("累計起算日", "2023-02-30"),
        ("累計起算日", "令和0年4月1日"),
        ("寄付単価", HUGE),
        ("寄付単価", "-1"),
        ("年度", "0"),
    ],
    "targets": [
        ("目標件数", "-5"),
        ("目標件数", HUGE),
        ("目標金額", "9" * 25),
        ("年度", "令和0年度"),
        ("目標件数", "=SUM(A1:A9)"),
    ],
    "results": [
        ("件数", HUGE),
        ("金額", "-" + HUGE),
        ("年月", "令和0年4月"),
        ("年月", "2024-13"),
        ("件数", "=1+2"),
        ("件数", "1.5"),
        ("金額", "1e400"),
    ],
    "campaign_entries": [
        ("アプリ口座連携日", "2024-02-30"),
        ("アプリ口座連携日", "令和0年10月3日"),
        ("年月", "2024-00"),
    ],
    "refinancings": [
        ("旧残高", HUGE),
        ("旧金利", "1e400"),
        ("年月", "令和0年6月"),
        ("旧残存期間", "-36"),
    ],
    "sessions": [
        ("開催日", "2024年2月30日"),
        ("開催日", "令和0年5月20日"),
        ("参加者数", HUGE),
        ("参加者数", "-3"),
    ],
    "self_targets": [
        ("自主目標", HUGE),
        ("自主目標", "-5"),
        ("自主目標", "=SUM(A1:A9)"),
        ("年度", "令和0年度"),
        ("会員コード", '=HYPERLINK("http://x")'),
    ],
}


def value_level() -> Iterator[tuple[str, str, HostileFile]]:
    for kind, bad in HOSTILE_VALUES.items():
        for column, value in bad:
            row = dict(GOOD_ROWS[kind])
            row[column] = value
            quoted = ['"' + v.replace('"', '""') + '"' for v in row.values()]
            text = ",".join(row) + "\r\n" + ",".join(quoted) + "\r\n"
            yield (
                kind,
                column,
                (f"{kind}-{column}={value[:12]}", f"{kind}.csv", text.encode(), None),
            )
