"""Reading an uploaded file as rows of cells, safely and in bounded memory.

`open_table(path, ...)` sniffs the format from the bytes, never from the
file name: a ZIP (PK) is an XLSX workbook, anything else is a CSV. Every way
a file can be unusable raises `FileRejected` with a Japanese message:

* 0-byte files, files above ``SUISHIN_MAX_UPLOAD_BYTES``;
* CSV: the encoding is detected by decoding the whole file as a stream,
  in the order UTF-8 (with or without BOM) → CP932; NUL bytes or control
  characters mean binary data; a "line" longer than `MAX_LINE_CHARS` means
  the file is not a CSV. The file is read twice from disk and never held
  in memory;
* XLSX: before openpyxl sees it, the ZIP directory is checked (entry count,
  declared uncompressed total, compression ratio: zip bombs) and the start of
  every XML part is scanned for a DTD (billion laughs, external entities).
  openpyxl then reads it with ``read_only=True, data_only=True`` (streaming;
  defusedxml is installed and used by openpyxl).

Rows come out as ``(line, cells)`` where ``line`` is the spreadsheet row
number (header = 1, first data row = 2); blank lines are yielded too (as an
empty list) so that numbering matches the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

ENCODING_MESSAGE = (
    "文字コードを判別できません（UTF-8 または Shift_JIS の CSV、または XLSX を指定してください）。"
)
BINARY_MESSAGE = "ファイルの内容を読み取れません（CSV または XLSX ではないようです）。"
UNSAFE_XML_MESSAGE = (
    "XLSX ファイルに安全でない XML（DTD・エンティティ定義）が含まれているため開けません。"
)

SCAN_CHUNK = 1 << 20
MAX_LINE_CHARS = 1 << 20  # one CSV line; a longer one is not a spreadsheet export
CSV_FIELD_LIMIT = 1 << 20
XML_SCAN_BYTES = 1 << 16
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DTD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class FileRejected(Exception):
    """The file as a whole cannot be read; `message` is Japanese."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def human_size(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:,.1f}".removesuffix(".0") + unit
    return f"{n:,}バイト"


def limits() -> dict[str, int]:
    """Safety limits, overridable in settings (docs/imports.md "Hostile files")."""
    max_upload = int(getattr(settings, "SUISHIN_MAX_UPLOAD_BYTES", 300 << 20))
    return {
        "max_upload": max_upload,
        "zip_entries": int(getattr(settings, "SUISHIN_IMPORT_MAX_ZIP_ENTRIES", 1000)),
        "zip_total": int(
            getattr(settings, "SUISHIN_IMPORT_MAX_UNZIPPED_BYTES", max(1 << 30, 8 * max_upload))
        ),
        "zip_ratio": int(getattr(settings, "SUISHIN_IMPORT_MAX_ZIP_RATIO", 200)),
        "shared_strings": int(
            getattr(settings, "SUISHIN_IMPORT_MAX_SHARED_STRINGS_BYTES", 256 << 20)
        ),
    }


def check_size(size: int) -> None:
    if size == 0:
        raise FileRejected("ファイルが空です（0バイト）。")
    limit = limits()["max_upload"]
    if size > limit:
        raise FileRejected(
            f"ファイルが大きすぎます（上限 {human_size(limit)}、このファイル {human_size(size)}）。"
        )


@dataclass
class RowSource:
    """A file opened for reading: its header and a stream of data rows."""

    format: str  # "csv" or "xlsx"
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str = ""
    sheet: str = ""
    _closers: list[Any] = field(default_factory=list)
    # How far reading has got, for progress: (done, total) in the reader's own
    # units (bytes of a CSV, rows of an XLSX sheet); total 0 = not known.
    position: Callable[[], tuple[int, int]] | None = None

    @property
    def format_label(self) -> str:
        if self.format == "xlsx":
            return f"XLSX（シート「{self.sheet}」）"
        return f"CSV（{ENCODING_LABELS.get(self.encoding, self.encoding)}）"

    def close(self) -> None:
        for closer in self._closers:
            try:
                closer.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass

    def __enter__(self) -> RowSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


ENCODING_LABELS = {"utf-8-sig": "UTF-8（BOM付き）", "utf-8": "UTF-8", "cp932": "Shift_JIS（CP932）"}


def sniff(path: Path) -> str:
    """'xlsx', 'csv', or FileRejected for formats we know we cannot read."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(
            "旧形式の Excel ファイル（.xls）は読めません。XLSX または CSV で保存し直してください。"
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise FileRejected(
            "XLSX ファイルとして開けません（ZIP 形式ではありません）。ファイルが壊れているか、拡張子が正しくありません。"
        )
    return "csv"


def open_table(path: Path, *, sheet: str | None = None) -> RowSource:
    path = Path(path)
    check_size(path.stat().st_size)
    if sniff(path) == "xlsx":
        return _open_xlsx(path, sheet)
    if sheet:
        raise FileRejected("シート名は XLSX ファイルのときだけ指定できます。")
    return _open_csv(path)


# --- CSV -------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """Decode the whole file as a stream: utf-8-sig (BOM) / utf-8, else cp932."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(ENCODING_MESSAGE)
    candidates = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "cp932"]
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise FileRejected(ENCODING_MESSAGE)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with open(path, "rb") as f:
        while chunk := f.read(SCAN_CHUNK):
            if b"\x00" in chunk:
                raise FileRejected(BINARY_MESSAGE)
            try:
                decoded = decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
            if _CONTROL_RE.search(decoded):
                raise FileRejected(BINARY_MESSAGE)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _bounded_lines(stream: io.TextIOBase) -> Iterator[str]:
    """Lines of at most MAX_LINE_CHARS: a file without line breaks is refused
    instead of being read into memory as one giant line."""
    line_no = 0
    while True:
        line = stream.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        line_no += 1
        if len(line) > MAX_LINE_CHARS:
            raise FileRejected(
                f"1行が長すぎます（行 {line_no}）。CSV ファイルではないようです。", line=line_no
            )
        yield line


def _open_csv(path: Path) -> RowSource:
    encoding = detect_encoding(path)
    stream = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by RowSource.close
    lines = _bounded_lines(stream)
    try:
        first = next(lines)
    except StopIteration:
        stream.close()
        raise FileRejected("ファイルが空です（見出し行がありません）。") from None
    delimiter = "\t" if "\t" in first and "," not in first else ","
    csv.field_size_limit(CSV_FIELD_LIMIT)

    def all_lines() -> Iterator[str]:
        yield first
        yield from lines

    # strict: an unclosed quote at the end of the file is an error, not one huge cell.
    reader = csv.reader(all_lines(), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        stream.close()
        raise FileRejected(f"CSV として読めません（行 1: {exc}）。", line=1) from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileRejected(
                    f"CSV として読めません（行 {line + 1}: {exc}）。", line=line + 1
                ) from None
            line += 1
            yield line, cells

    size = path.stat().st_size

    def position() -> tuple[int, int]:
        try:
            return min(stream.buffer.tell(), size), size
        except (OSError, ValueError):
            return 0, size

    return RowSource(
        format="csv",
        header=header,
        rows=rows(),
        encoding=encoding,
        _closers=[stream],
        position=position,
    )


# --- XLSX ------------------------------------------------------------------


def check_zip(path: Path) -> None:
    """Refuse zip bombs and XML with DTDs before any XML parser runs."""
    lim = limits()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > lim["zip_entries"]:
                raise FileRejected(
                    f"XLSX ファイルの中身の数が多すぎます（{len(infos):,}個、上限 {lim['zip_entries']:,}個）。"
                )
            total = sum(i.file_size for i in infos)
            if total > lim["zip_total"]:
                raise FileRejected(
                    f"XLSX ファイルを展開すると大きすぎます（{human_size(total)}、上限 {human_size(lim['zip_total'])}）。"
                    "圧縮爆弾（zip bomb）の疑いがあるため開きません。"
                )
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > (1 << 20) and ratio > lim["zip_ratio"]:
                    raise FileRejected(
                        f"XLSX ファイルの圧縮率が異常です（{info.filename}: {ratio:,.0f}倍）。"
                        "圧縮爆弾（zip bomb）の疑いがあるため開きません。"
                    )
                if (
                    info.filename.endswith("sharedStrings.xml")
                    and info.file_size > lim["shared_strings"]
                ):
                    raise FileRejected(
                        f"XLSX ファイルの文字列表が大きすぎます（{human_size(info.file_size)}）。CSV で保存し直してください。"
                    )
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise FileRejected(
                    "XLSX ファイルではありません（Excel のブックが含まれていません）。"
                )
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as part:
                        if _DTD_RE.search(part.read(XML_SCAN_BYTES)):
                            raise FileRejected(UNSAFE_XML_MESSAGE)
    except FileRejected:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise FileRejected(
            f"XLSX ファイルとして開けません（ZIP 形式として壊れています: {exc}）。"
        ) from None


def _xml_refused(exc: BaseException) -> bool:
    """True when defusedxml refused the XML somewhere in the exception chain."""
    from defusedxml import DefusedXmlException

    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, DefusedXmlException):
            return True
        current, seen = current.__cause__ or current.__context__, seen + 1
    return False


def _xlsx_problem(exc: BaseException, what: str) -> FileRejected:
    if _xml_refused(exc):
        return FileRejected(UNSAFE_XML_MESSAGE)
    return FileRejected(f"{what}（{type(exc).__name__}）。")


def _open_xlsx(path: Path, sheet: str | None) -> RowSource:
    check_zip(path)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a file problem
        raise _xlsx_problem(exc, "XLSX ファイルとして開けません") from None
    try:
        if sheet:
            if sheet not in wb.sheetnames:
                names = "、".join(wb.sheetnames)
                raise FileRejected(
                    f"シート「{sheet}」がありません（このブックのシート: {names}）。"
                )
            ws = wb[sheet]
        else:
            if not wb.worksheets:
                raise FileRejected("XLSX ファイルにワークシートがありません。")
            ws = wb.worksheets[0]
        title = ws.title
        # The stored <dimension> is only an estimate of the size, for progress.
        try:
            declared = int(ws.max_row or 0)
        except (TypeError, ValueError):
            declared = 0
        # The stored <dimension> may be wrong (some writers leave A1): ignore it
        # and read every row there is, instead of silently stopping early.
        ws.reset_dimensions()
        iterator = ws.iter_rows(values_only=True)
        try:
            header = list(next(iterator))
        except StopIteration:
            raise FileRejected(f"シート「{title}」が空です（見出し行がありません）。") from None
        except Exception as exc:  # noqa: BLE001
            raise _xlsx_problem(exc, "XLSX ファイルの内容を読めません") from None
    except FileRejected:
        wb.close()
        raise

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line = 1
        while True:
            try:
                cells = next(iterator)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001
                raise _xlsx_problem(
                    exc, f"XLSX ファイルの内容を読めません（行 {line + 1} 付近）"
                ) from None
            line += 1
            yield line, list(cells)

    read = [1]

    def counted() -> Iterator[tuple[int, list[Any]]]:
        for line, cells in rows():
            read[0] = line
            yield line, cells

    def position() -> tuple[int, int]:
        total = declared if declared > 1 else 0
        return read[0], max(total, read[0]) if total else 0

    return RowSource(
        format="xlsx",
        header=header,
        rows=counted(),
        sheet=title,
        _closers=[wb],
        position=position,
    )


def read_row(
    path: Path, line: int, *, sheet: str | None = None
) -> tuple[list[Any], list[Any]] | None:
    """(header, cells) of one row of a stored file, for tracing a figure back to
    its source; None if the file has no such row. Streams up to that row."""
    with open_table(path, sheet=sheet) as table:
        if line == 1:
            return table.header, table.header
        for number, cells in table.rows:
            if number == line:
                return table.header, cells
            if number > line:
                break
    return None
