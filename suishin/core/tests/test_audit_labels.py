"""Every audit action the code records has a Japanese label on the audit page."""

import ast
from pathlib import Path

import suishin
from suishin.core.audit_views import ACTION_LABELS

ROOT = Path(suishin.__file__).parent


def recorded_actions() -> dict[str, str]:
    """action literal → first file:line passing it as `action=` to a call
    (audit.record, audit.save_audited and the apps' wrappers)."""
    found: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if (
                    kw.arg == "action"
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                ):
                    name = (
                        node.func.attr
                        if isinstance(node.func, ast.Attribute)
                        else getattr(node.func, "id", "")
                    )
                    if name in {"record", "save_audited", "delete_audited", "_record", "_audit"}:
                        found.setdefault(kw.value.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_scan_finds_the_actions():
    actions = recorded_actions()
    assert {"create", "update", "delete", "import"} <= set(actions)


def test_every_recorded_action_has_a_japanese_label():
    missing = {a: where for a, where in recorded_actions().items() if a not in ACTION_LABELS}
    assert not missing, (
        f"監査ページの操作名がありません（core/audit_views.ACTION_LABELS に追加）: {missing}"
    )
