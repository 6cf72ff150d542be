"""The campaigns demo step: the seed's campaigns, a real draw, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from suishin.campaigns import demo, services
from suishin.campaigns.models import Campaign, Draw, DrawStatus, Entry


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_entrants_are_deterministic_and_as_documented():
    rows = demo.entry_rows()
    assert len(rows) == 6200
    assert rows == demo.entry_rows()
    assert rows[0][:3] == ["APP2024", "2024-10", "R2400001"]


def test_the_demo_creates_the_seed_campaigns_and_a_verifiable_draw_and_is_idempotent(
    db, monkeypatch
):
    # A smaller crowd keeps the test cheap; the shape is the demo's.
    monkeypatch.setattr(
        demo,
        "ENTRANTS",
        {dt.date(2024, 10, 1): range(1, 401), dt.date(2024, 11, 1): range(51, 451)},
    )
    monkeypatch.setattr(demo, "NEWCOMERS_FROM", 401)
    lines: list[str] = []
    demo.load(lines.append)
    assert set(Campaign.objects.values_list("code", flat=True)) == {
        "MIRAI2024",
        "SUMMER2024",
        "APP2024",
    }
    app = Campaign.objects.get(code="APP2024")
    assert (app.monthly_quota, app.total_quota) == (100, 400)
    assert Entry.objects.filter(campaign=app, month=dt.date(2024, 10, 1)).count() == 400
    october = Draw.objects.get(campaign=app, month=dt.date(2024, 10, 1))
    assert october.status == DrawStatus.DRAWN and october.winners.count() == 100
    assert Draw.objects.get(campaign=app, month=dt.date(2024, 11, 1)).status == DrawStatus.COMMITTED
    assert services.verify_draw(actor=None, draw=october).ok
    winners = list(october.winners.values_list("entrant_id", flat=True))

    again: list[str] = []
    demo.load(again.append)
    assert any("変更はありません" in line or "変更 0行" in line for line in again)
    assert (
        list(Draw.objects.get(pk=october.pk).winners.values_list("entrant_id", flat=True))
        == winners
    )
    assert Entry.objects.filter(campaign=app).count() == 800
