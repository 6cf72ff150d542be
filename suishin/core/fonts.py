"""The Japanese font shipped by a declared dependency (japanize-matplotlib's
IPAexGothic, IPA Font License). Web pages, PDFs and charts all use this one
file, so a document looks the same on every machine."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def font_dir() -> Path:
    # Locate the package without importing it: its __init__ needs distutils,
    # which Python 3.12 no longer has. We only need the font file.
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("japanize-matplotlib is not installed (it provides the Japanese font)")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


def gothic_path() -> Path:
    return font_dir() / "ipaexg.ttf"
