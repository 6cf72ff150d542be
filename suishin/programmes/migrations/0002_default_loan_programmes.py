"""The loan programmes the seed reports (data, editable afterwards)."""

from django.db import migrations

DEFAULTS = [
    ("SCHOLAR_REFI", "奨学金借換ローン", "【奨学金借換ローン】", True, 10),
    ("SCHOLAR_PLUS", "奨学金借換+αローン", "【奨学金借換+αローン】", True, 20),
    ("UNION_SCHOLAR", "組合保証 奨学金借換ローン", "【組合保証の奨学金借換ローン】", True, 30),
    ("ZENRYOKU", "全力応援pack（非正規勤労者向け融資商品）", "【非正規雇用組合員取引拡大運動】", False, 40),
]


def add_defaults(apps, schema_editor):
    LoanProgramme = apps.get_model("programmes", "LoanProgramme")
    for code, label, heading, show_amount, order in DEFAULTS:
        LoanProgramme.objects.get_or_create(
            item_code=code,
            defaults={"label": label, "heading": heading, "show_amount": show_amount, "sort_order": order},
        )


def remove_defaults(apps, schema_editor):
    LoanProgramme = apps.get_model("programmes", "LoanProgramme")
    LoanProgramme.objects.filter(item_code__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
