"""Charts as SVG (matplotlib, Agg, no pyplot state), with Japanese labels in
IPAexGothic from suishin.core.fonts.

For the web, text is drawn as paths: an SVG inside <img> cannot use the
page's web font, and paths look the same in any browser. For the PDF
(`text_as_paths=False`), text stays text in the font family "IPAexGothic",
which WeasyPrint draws with the font the document embeds: the same look, a
smaller file and a fraction of the rendering time.

Rates come in as truncated per-mille from the figures engine; a bar's label
prints the same "58.3%" as the tables.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache

from suishin.core import jpformat
from suishin.core.fonts import gothic_path

BRAND = "#12467a"
ACCENT = "#c0392b"
MUTED = "#8a96a3"


@lru_cache(maxsize=1)
def _setup() -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    path = str(gothic_path())
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    matplotlib.rcParams.update(
        {
            "font.family": name,
            "svg.fonttype": "path",
            "svg.hashsalt": "suishin",  # stable ids: the same data gives the same SVG
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.unicode_minus": False,
        }
    )
    return name


def _figure(width: float, height: float):
    _setup()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _svg(fig, text_as_paths: bool = True) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path" if text_as_paths else "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _pct(permille: int | None) -> str:
    return jpformat.DASH if permille is None else f"{jpformat.permille_str(permille)}%"


def achievement_bars(
    rows: list[tuple[str, int | None]], *, pace_permille: int | None = None, text_as_paths: bool = True
) -> str | None:
    """Horizontal bars of achievement (truncated per-mille), a line at 100% and
    an optional pace line (e.g. 50% at the end of 上期). The SVG depends only on
    the arguments, so it is memoised (unchanged reports draw no chart twice)."""
    return _achievement_bars(tuple(rows), pace_permille, text_as_paths)


@lru_cache(maxsize=128)
def _achievement_bars(rows: tuple, pace_permille: int | None, text_as_paths: bool) -> str | None:
    rows = [(label, p) for label, p in rows if p is not None]
    if not rows:
        return None
    fig = _figure(7.2, 0.42 * len(rows) + 1.0)
    ax = fig.add_subplot()
    labels = [_short(label) for label, _ in rows][::-1]
    values = [p / 10 for _, p in rows][::-1]
    bars = ax.barh(labels, values, color=BRAND, height=0.6)
    top = max([*values, 100.0]) * 1.18
    ax.set_xlim(0, top)
    ax.axvline(100, color=ACCENT, linewidth=1.2)
    ax.text(100, len(rows) - 0.4, "目標", color=ACCENT, fontsize=8, ha="center", va="bottom")
    if pace_permille:
        ax.axvline(pace_permille / 10, color=MUTED, linewidth=1, linestyle="--")
        ax.text(pace_permille / 10, len(rows) - 0.4, "ペース", color=MUTED, fontsize=8, ha="center", va="bottom")
    for bar, (_, p) in zip(bars, rows[::-1], strict=True):
        ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, _pct(p), va="center", fontsize=8)
    ax.set_xlabel("達成率（%）", fontsize=9)
    ax.tick_params(labelsize=8)
    return _svg(fig, text_as_paths)


def trend_lines(
    points: list[tuple[dt.date, int | None, int | None]], *, unit: str = "件", text_as_paths: bool = True
) -> str | None:
    """The fiscal-year-to-date figure month by month (solid) against the pace
    that reaches the annual target in March (dashed). Memoised like the bars."""
    return _trend_lines(tuple(points), unit, text_as_paths)


@lru_cache(maxsize=128)
def _trend_lines(points: tuple, unit: str, text_as_paths: bool) -> str | None:
    if not points or all(v is None for _, v, _ in points):
        return None
    fig = _figure(7.2, 3.2)
    ax = fig.add_subplot()
    labels = [f"{m.month}月" for m, _, _ in points]
    values = [v if v is not None else 0 for _, v, _ in points]
    ax.plot(labels, values, color=BRAND, marker="o", linewidth=2, label="実績（年度累計）")
    if any(p is not None for _, _, p in points):
        ax.plot(labels, [p or 0 for _, _, p in points], color=ACCENT, linestyle="--", linewidth=1.5, label="目標達成ペース")
    last = values[-1]
    ax.annotate(jpformat.number(last), (labels[-1], last), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax.set_ylabel(f"年度累計（{unit}）", fontsize=9)
    ax.yaxis.set_major_formatter(_thousands())
    ax.set_ylim(bottom=0)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return _svg(fig, text_as_paths)


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _: jpformat.number(int(x)))
