"""Benchmark 4 of issue #12: the meeting document and the summary as files.

    .venv/bin/python -m bench.documents.run --db /tmp/suishin-demo.sqlite3            # the demo (make demo's data)
    .venv/bin/python -m bench.documents.run --db /tmp/suishin_bench_report.sqlite3 --summary-only
    options: --meeting ID (default: the first meeting with a summary), --repeat 3

Each document is written by the product's command (``suishin report meeting
--meeting ID --format pdf|docx`` — the full 議案書: cover, agenda, 推進活動総括,
policy, schedule — and ``suishin report summary --fiscal-year 2024 --half 1
--format pdf|xlsx``) in its own Python process, so the peak RSS printed is that
document's (Django and the figures included); ``baseline`` is the same process
doing nothing but start Django, the floor of every row. Prints the median
wall/CPU seconds of ``--repeat`` runs, the peak RSS and the file size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STEP = r"""
import json, resource, sys, time
started = time.monotonic(); cpu = time.process_time()
import django
django.setup()
from django.core.management import call_command
args = sys.argv[1:]
if args:
    call_command("report", *args)
print(json.dumps({"seconds": time.monotonic() - started, "cpu_seconds": time.process_time() - cpu,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def run(env: dict[str, str], args: list[str], repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, "-c", STEP, *args], env=env, capture_output=True, text=True, cwd=ROOT
        )
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-4000:])
            raise SystemExit(proc.returncode)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {
        "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True, help="a SQLite database file")
    parser.add_argument("--meeting", type=int, default=None)
    parser.add_argument("--summary-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{args.db}",
        "DJANGO_SETTINGS_MODULE": "suishin.settings",
        "SUISHIN_VAR_DIR": str(Path(tempfile.gettempdir()) / "suishin_bench_documents_var"),
        "PYTHONPATH": str(ROOT),
    }
    out = Path(tempfile.mkdtemp(prefix="suishin-documents-"))
    cases: list[tuple[str, list[str], Path | None]] = [("baseline (Django start only)", [], None)]
    if not args.summary_only:
        meeting = args.meeting
        if meeting is None:
            probe = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import django; django.setup(); from suishin.meetings.models import Meeting; "
                    "print(Meeting.objects.filter(half__isnull=False).order_by('pk').values_list('pk', flat=True).first())",
                ],
                env=env,
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            meeting = int(probe.stdout.strip())
        for fmt in ("pdf", "docx"):
            path = out / f"meeting.{fmt}"
            cases.append(
                (
                    f"meeting {fmt}",
                    ["meeting", "--meeting", str(meeting), "--format", fmt, "-o", str(path)],
                    path,
                )
            )
    for fmt in ("pdf", "xlsx"):
        path = out / f"summary.{fmt}"
        cases.append(
            (
                f"summary {fmt}",
                [
                    "summary",
                    "--fiscal-year",
                    "2024",
                    "--half",
                    "1",
                    "--format",
                    fmt,
                    "-o",
                    str(path),
                ],
                path,
            )
        )
    print(json.dumps({"database": str(args.db), "load_average": os.getloadavg()}), flush=True)
    for label, cmd, path in cases:
        figures = run(env, cmd, args.repeat)
        if path is not None:
            figures["bytes"] = path.stat().st_size
        print(json.dumps({"document": label, **figures}, ensure_ascii=False), flush=True)
    print(json.dumps({"load_average": os.getloadavg(), "files": str(out)}), flush=True)


if __name__ == "__main__":
    main()
