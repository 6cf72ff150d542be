"""Seed the six themes of the seed, the two eligible uses it names, and the
FY2024 budget (3,000万円) and per-person cap (2,000円). The secretariat edits
all of these on the settings page; later years are added there."""

from django.db import migrations

THEMES = ["可処分所得向上", "生活防衛", "資産形成", "新人説明会", "若年層説明会", "住宅ローン等商品説明会"]
PURPOSES = [
    ("会場・設備（接続拠点ごと）", True, "WEB会議の各接続拠点（労組・支部単位等）の会場・設備に係る費用"),
    ("弁当代・懇親会（接続拠点ごと）", True, "接続拠点ごとに提供する弁当代・懇親会に係る費用"),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("activities", "Theme")
    Purpose = apps.get_model("activities", "Purpose")
    YearSetting = apps.get_model("activities", "YearSetting")
    for i, name in enumerate(THEMES, start=1):
        Theme.objects.get_or_create(name=name, defaults={"sort_order": i * 10})
    for i, (name, per_site, description) in enumerate(PURPOSES, start=1):
        Purpose.objects.get_or_create(name=name, defaults={"per_site": per_site, "description": description, "sort_order": i * 10})
    YearSetting.objects.get_or_create(fiscal_year=2024, defaults={"budget_yen": 30_000_000, "cap_per_person_yen": 2_000})


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
