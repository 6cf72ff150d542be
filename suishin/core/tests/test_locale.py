"""Japanese on every screen, Django's own messages included (issue #7).

Django 6.1's Japanese catalog lacks a few messages its English catalog has
(the blank choice "- Select an option -" shown in every model form's select
among them). suishin/core/locale/ja fills them; these tests fail when a Django
upgrade adds another untranslated message, or when the committed .mo no longer
matches the .po.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import django
import pytest
from django.utils import translation

OURS = Path(__file__).resolve().parents[1] / "locale" / "ja" / "LC_MESSAGES"
DJANGO = Path(django.__file__).resolve().parent
CATALOGS = [DJANGO / "conf" / "locale"] + sorted(
    p
    for p in (DJANGO / "contrib").glob("*/locale")
    if p.parent.name in {"admin", "auth", "contenttypes", "sessions", "humanize"}
)


def _po(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', text, re.M):
        msgid = "".join(re.findall(r'"(.*)"', m.group(1)))
        out[msgid] = "".join(re.findall(r'"(.*)"', m.group(2)))
    return out


def test_every_english_django_message_has_a_japanese_one():
    ours = _po(OURS / "django.po")
    missing = []
    for catalog in CATALOGS:
        english = _po(catalog / "en" / "LC_MESSAGES" / "django.po")
        japanese = _po(catalog / "ja" / "LC_MESSAGES" / "django.po")
        for msgid in english:
            if msgid and not japanese.get(msgid) and not ours.get(msgid):
                missing.append(f"{catalog.relative_to(DJANGO)}: {msgid!r}")
    assert not missing, (
        "日本語訳のないDjangoのメッセージ（suishin/core/locale/ja に追加）:\n" + "\n".join(missing)
    )


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n")


def test_the_compiled_catalog_matches_the_po_file():
    with (OURS / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for msgid, msgstr in _po(OURS / "django.po").items():
        if msgid:
            assert msgstr, f"{msgid!r} に訳がありません"
            assert compiled.gettext(_unescape(msgid)) == _unescape(msgstr), (
                f"django.mo が古い: {msgid!r}"
            )


@pytest.mark.django_db
def test_a_model_form_select_offers_its_blank_choice_in_japanese():
    from suishin.organisations.forms import BranchForm

    with translation.override("ja"):
        html = str(BranchForm()["block"])
    assert "- 選択してください -" in html
    assert "Select an option" not in html
