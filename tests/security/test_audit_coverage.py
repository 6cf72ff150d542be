"""Audit coverage (issue 10): every create, change and delete of business data
keeps who, when, before and after.

The test enumerates every concrete model of the suishin apps. Each one must
be either
- WRITES: its service calls (create / update / delete), each run here and
  answered by an AuditEntry of that object with the actor, the time and the
  row before (None for a create) and after (None for a delete);
- CHILDREN: rows written only together with a parent, whose audit entry
  carries them (e.g. an application's lines under "lines");
- IMPORTED: rows written only by the import engine, whose trail is the
  batch's "import" audit entry (actor, file, counts), an ImportChange with
  the row before for every changed or removed row, and the stored row
  stamped with its import_batch and source line (the after);
- EXEMPT: bookkeeping, with the reason.
A new model in none of them fails: "add an audited write path for <model>".
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from suishin.core.models import AuditEntry
from tests.security.conftest import csv_bytes
from tests.security.corpus import GOOD_ROWS

# --- the table ------------------------------------------------------------------------

EXEMPT: dict[str, str] = {
    "core.AuditEntry": "the audit trail itself: append-only, read-only in the admin and the UI",
    "core.DataVersion": "the data version (one counter row) that audit.record itself bumps "
    "with every audited write; bookkeeping for the figures cache",
    "core.Job": "background-job bookkeeping (queued/running/done of an import or a report); "
    "the work a job does is audited by the service it runs",
    "accounts.LoginFailure": "failed-login counter for the lockout (request bookkeeping, "
    "pruned by time); failed logins are security events, not business data",
    "imports.ImportChange": "the import engine's own row-level trail (the row before each "
    "change), written with the batch's audited 'import' entry",
    "imports.ImportBatch": "the import's own record (who, when, file, sha256, counts); every "
    "batch write is answered by an 'import' / 'import_rollback' audit entry "
    "(test_every_import_kind_audits_its_batch)",
    "activities.Transition": "the application's state history, written only by the audited "
    "transitions (each answered by an 'application.<state>' entry with before and after)",
    "campaigns.EntrantPersonalData": "entrants' names and contacts must disappear at the "
    "retention date, so they are deliberately kept OUT of the audit trail; their writes "
    "are recorded by the batch's 'import' entry (counts) and the purge's "
    "'purge_personal_data' entry (test_personal_data_stays_out_of_the_audit_trail)",
    "programmes.LoanProgramme": "display settings seeded by migration 0002; the application "
    "has no write path for them (no service, no form, not in the admin: asserted below)",
}
CHILDREN: dict[str, tuple[str, str]] = {
    # child model: (parent model, key of the parent's audit `after` holding the children)
    "activities.ApplicationLine": ("activities.Application", "lines"),
    "meetings.PolicyNode": ("meetings.Policy", "outline"),
    "reports.ReportBlock": ("reports.ReportDefinition", "blocks"),
    "campaigns.DrawWinner": ("campaigns.Draw", "winners"),
}

IMPORTED: dict[str, str] = {
    # model written only by the import engine: its import kind
    "kpis.Result": "results",
    "campaigns.Entry": "campaign_entries",
}


@dataclass(frozen=True)
class Write:
    kind: str  # create | update | delete
    run: Callable[[Any], models.Model]  # ctx → the object written (for a delete: before it went)
    actor: str = "secretariat"


def _s():
    """Service modules, imported late (apps must be ready)."""
    from suishin.activities import services as act
    from suishin.campaigns import services as camp
    from suishin.kpis import services as kpi
    from suishin.meetings import services as meet
    from suishin.organisations import services as org
    from suishin.programmes import services as prog
    from suishin.reports import services as rep
    from suishin.selfservice import services as self_

    return dict(act=act, camp=camp, kpi=kpi, meet=meet, org=org, prog=prog, rep=rep, self=self_)


def _api():
    from suishin.api import services as api

    return api


NOW = dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC)


def _application(c, **kw):
    s = _s()["act"]
    return s.create_application(
        actor=c.actor,
        member=c.org.member_a,
        session_date=dt.date(2024, 7, 20),
        theme=c.w.obj["theme"]["a"],
        is_web=False,
        sites=1,
        planned_participants=30,
        lines=[s.LineInput(purpose=c.w.obj["purpose"]["a"], quantity=1, unit_yen=40_000)],
        now=NOW,
        **kw,
    )


def _submitted(c):
    app = _application(c)
    return _s()["act"].submit(actor=c.actor, application=app, now=NOW)


def _committee_admin(c, delete: bool = False):
    """The only write path of WorkplaceCommittee: the member page's inline in the admin."""
    from suishin.organisations.models import WorkplaceCommittee

    member = c.org.member_a
    existing = WorkplaceCommittee.objects.filter(member=member).first()
    data = {
        "code": member.code,
        "name": member.name,
        "federation": member.federation,
        "branch": member.branch_id,
        "active": "on",
        "headcounts-TOTAL_FORMS": "0",
        "headcounts-INITIAL_FORMS": "0",
        "committees-TOTAL_FORMS": "1",
        "committees-INITIAL_FORMS": "1" if existing else "0",
    }
    data.update(c.committee_form(existing, delete))
    response = c.admin.post(f"/admin/organisations/member/{member.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return existing or WorkplaceCommittee.objects.get(member=member)


WRITES: dict[str, list[Write]] = {
    "organisations.Block": [
        Write("create", lambda c: _s()["org"].save_block(actor=c.actor, name="十勝")),
        Write(
            "update",
            lambda c: _s()["org"].save_block(
                actor=c.actor, block=c.org.block_a, name="石狩", sort_order=9
            ),
        ),
        Write("delete", lambda c: c.admin_delete(c.make_block())),
    ],
    "organisations.Branch": [
        Write(
            "create",
            lambda c: _s()["org"].save_branch(
                actor=c.actor, code="301", name="帯広店", block=c.org.block_a
            ),
        ),
        Write(
            "update",
            lambda c: _s()["org"].save_branch(
                actor=c.actor,
                branch=c.org.branch_a,
                code="101",
                name="札幌本店",
                block=c.org.block_a,
            ),
        ),
    ],
    "organisations.Member": [
        Write(
            "create",
            lambda c: _s()["org"].save_member(
                actor=c.actor, code="A0099", name="新労組", federation="", branch=c.org.branch_a
            ),
        ),
        Write(
            "update",
            lambda c: _s()["org"].save_member(
                actor=c.actor,
                member=c.org.member_a,
                code="A0001",
                name="札幌市職労",
                federation="自治労",
                branch=c.org.branch_a,
            ),
        ),
    ],
    "organisations.MemberHeadcount": [
        Write(
            "create",
            lambda c: _s()["org"].set_headcount(
                actor=c.actor, member=c.org.member_a, fiscal_year=2030, headcount=5
            ),
        ),
        Write(
            "update",
            lambda c: _s()["org"].set_headcount(
                actor=c.actor, member=c.org.member_a, fiscal_year=2024, headcount=1201
            ),
        ),
    ],
    "organisations.WorkplaceCommittee": [
        Write("create", lambda c: _committee_admin(c)),
        Write("update", lambda c: (_committee_admin(c), _committee_admin(c))[1]),
        Write("delete", lambda c: (_committee_admin(c), _committee_admin(c, delete=True))[1]),
    ],
    "accounts.User": [
        Write("create", lambda c: c.admin_add_user()),
        Write("update", lambda c: c.admin_change_user()),
        Write("delete", lambda c: c.admin_delete(c.users["viewer"])),
    ],
    "kpis.Item": [
        Write(
            "create",
            lambda c: _s()["kpi"].save_item(
                actor=c.actor, fiscal_year=2024, code="NEW1", name="新"
            ),
        ),
        Write(
            "update",
            lambda c: _s()["kpi"].save_item(
                actor=c.actor, item=c.items["ATM"], fiscal_year=2024, code="ATM", name="ATM件数"
            ),
        ),
        Write(
            "delete",
            lambda c: c.delete_via(
                _s()["kpi"].save_item(actor=c.actor, fiscal_year=2024, code="DEL1", name="消"),
                lambda o: _s()["kpi"].delete_item(actor=c.actor, item=o),
            ),
        ),
    ],
    "kpis.Target": [
        Write("create", lambda c: c.target(c.org.member_a2, 5)),
        Write("update", lambda c: c.target(c.org.member_a, 11, c.w.obj["target"]["a"])),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.w.obj["target"]["b"],
                lambda o: _s()["kpi"].delete_target(actor=c.actor, target=o),
            ),
        ),
        Write("create", lambda c: c.self_target(7), actor="member"),
    ],
    "reports.ReportDefinition": [
        Write("create", lambda c: c.definition("上期の総括")),
        Write(
            "update", lambda c: (c.definition("上期の総括"), c.definition("上期の総括（改）"))[1]
        ),
    ],
    "programmes.ProgrammeYearSetting": [
        Write(
            "create",
            lambda c: _s()["prog"].save_year_setting(
                actor=c.actor,
                fiscal_year=2024,
                include_sumikitto_card_loans=True,
                disposable_target_yen=1_000,
            ),
        ),
        Write(
            "update",
            lambda c: [
                _s()["prog"].save_year_setting(
                    actor=c.actor,
                    fiscal_year=2024,
                    include_sumikitto_card_loans=flag,
                    disposable_target_yen=1_000,
                )
                for flag in (True, False)
            ][-1],
        ),
    ],
    "programmes.DonationRecipient": [
        Write("create", lambda c: c.recipient("子ども食堂ネット")),
        Write(
            "update",
            lambda c: _s()["prog"].save_recipient(
                actor=c.actor,
                recipient=c.recipient("フードバンク"),
                name="フードバンク北海道",
                kind=c.recipient_kind,
            ),
        ),
    ],
    "programmes.RecipientChoice": [
        Write("create", lambda c: c.choice(1)),
        Write("update", lambda c: (c.choice(1), c.choice(3))[1]),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.choice(1),
                lambda o: _s()["prog"].remove_recipient_choice(actor=c.actor, choice=o),
            ),
        ),
    ],
    "programmes.Refinancing": [
        Write("create", lambda c: c.refinancing()),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.refinancing(),
                lambda o: _s()["prog"].delete_refinancing(actor=c.actor, record=o),
            ),
        ),
    ],
    "activities.Theme": [
        Write("create", lambda c: _s()["act"].save_theme(actor=c.actor, name="ライフプラン")),
        Write(
            "update",
            lambda c: _s()["act"].save_theme(
                actor=c.actor, theme=c.w.obj["theme"]["a"], name="新人説明会", sort_order=99
            ),
        ),
    ],
    "activities.Purpose": [
        Write("create", lambda c: _s()["act"].save_purpose(actor=c.actor, name="会場費")),
        Write(
            "update",
            lambda c: _s()["act"].save_purpose(
                actor=c.actor, purpose=c.w.obj["purpose"]["a"], name="資料・教材費", sort_order=31
            ),
        ),
    ],
    "activities.YearSetting": [
        Write(
            "create",
            lambda c: _s()["act"].save_year_setting(
                actor=c.actor, fiscal_year=2030, budget_yen=1_000_000, cap_per_person_yen=1_000
            ),
        ),
        Write(
            "update",
            lambda c: _s()["act"].save_year_setting(
                actor=c.actor, fiscal_year=2024, budget_yen=31_000_000, cap_per_person_yen=2_000
            ),
        ),
    ],
    "activities.Application": [
        Write("create", _application),
        Write(
            "update",
            lambda c: _s()["act"].update_application(
                actor=c.actor,
                application=_application(c),
                session_date=dt.date(2024, 7, 21),
                theme=c.w.obj["theme"]["a"],
                is_web=False,
                sites=1,
                planned_participants=25,
                lines=[
                    _s()["act"].LineInput(
                        purpose=c.w.obj["purpose"]["a"], quantity=2, unit_yen=20_000
                    )
                ],
                now=NOW,
            ),
        ),
        Write("update", _submitted),
        Write(
            "update",
            lambda c: _s()["act"].approve(actor=c.actor, application=_submitted(c), now=NOW),
        ),
    ],
    "activities.StudySession": [
        Write(
            "create",
            lambda c: _s()["act"].record_session(
                actor=c.actor,
                member=c.org.member_a2,
                held_on=dt.date(2024, 5, 11),
                theme=c.w.obj["theme"]["a"],
                participants=8,
                now=NOW,
            ),
        ),
        Write("update", lambda c: c.session_update()),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.w.obj["session"]["b"],
                lambda o: _s()["act"].delete_session(actor=c.actor, session=o),
            ),
        ),
    ],
    "campaigns.Campaign": [
        Write("create", lambda c: c.campaign("SUM2024")),
        Write("update", lambda c: c.campaign("APP001", campaign=c.w.obj["campaign"]["a"])),
    ],
    "campaigns.Draw": [
        Write("create", lambda c: c.commit()),
        Write("update", lambda c: c.draw()),
    ],
    "meetings.Meeting": [
        Write("create", lambda c: c.meeting("第2回推進会議")),
        Write("update", lambda c: c.meeting("第1回推進会議（改）", c.w.obj["meeting"]["a"])),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.meeting("削除する会議"),
                lambda o: _s()["meet"].delete_meeting(actor=c.actor, meeting=o),
            ),
        ),
    ],
    "meetings.AgendaSection": [
        Write(
            "create",
            lambda c: _s()["meet"].save_section(
                actor=c.actor, meeting=c.w.obj["meeting"]["a"], kind="other", heading="その他"
            ),
        ),
        Write(
            "update",
            lambda c: _s()["meet"].save_section(
                actor=c.actor,
                meeting=c.w.obj["meeting"]["a"],
                section=c.w.obj["section"]["a"],
                kind="report",
                org_label="北海道ろうきん",
            ),
        ),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.w.obj["section"]["a"],
                lambda o: _s()["meet"].delete_section(actor=c.actor, section=o),
            ),
        ),
    ],
    "meetings.AgendaItem": [
        Write(
            "create",
            lambda c: _s()["meet"].save_item(
                actor=c.actor, section=c.w.obj["section"]["a"], title="下期方針"
            ),
        ),
        Write(
            "update",
            lambda c: _s()["meet"].save_item(
                actor=c.actor,
                section=c.w.obj["section"]["a"],
                item=c.w.obj["agenda_item"]["a"],
                title="上期遂行状況（報告）",
            ),
        ),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.w.obj["agenda_item"]["a"],
                lambda o: _s()["meet"].delete_item(actor=c.actor, item=o),
            ),
        ),
    ],
    "meetings.BlockSession": [
        Write("create", lambda c: c.block_session("札幌")),
        Write("update", lambda c: c.block_session("江別", c.block_session("札幌"))),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.block_session("札幌"),
                lambda o: _s()["meet"].delete_block_session(actor=c.actor, session=o),
            ),
        ),
    ],
    "meetings.ScheduleEntry": [
        Write("create", lambda c: c.schedule("幹事会")),
        Write("update", lambda c: c.schedule("幹事会（変更）", c.schedule("幹事会"))),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.schedule("幹事会"),
                lambda o: _s()["meet"].delete_schedule_entry(actor=c.actor, entry=o),
            ),
        ),
    ],
    "meetings.Policy": [
        Write("create", lambda c: c.policy("- 推進\n")),
        Write("update", lambda c: c.policy("- 推進（改）\n", c.policy("- 推進\n"))),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.policy("- 推進\n"),
                lambda o: _s()["meet"].delete_policy(actor=c.actor, policy=o),
            ),
        ),
    ],
    "api.ApiToken": [
        Write("create", lambda c: c.token()),
        Write(
            "update",
            lambda c: _api().revoke_token(actor=c.actor, token=c.token()),
        ),
    ],
    "selfservice.MovementReport": [
        Write("create", lambda c: c.movement(), actor="member"),
        Write(
            "delete",
            lambda c: c.delete_via(
                c.movement(),
                lambda o: _s()["self"].delete_movement(actor=c.actor, report=o),
            ),
            actor="member",
        ),
    ],
}


# --- the context the writes run in ---------------------------------------------------------


class Ctx:
    def __init__(self, world, users, items, org, admin_client, actor):
        self.w, self.users, self.items, self.org = world, users, items, org
        self.admin, self.actor = admin_client, actor
        self.recipient_kind = None

    # helpers used by WRITES
    def delete_via(self, obj, delete):
        pk = obj.pk
        delete(obj)
        obj.pk = pk  # Django clears it on delete; the test looks the entry up by it
        return obj

    def make_block(self):
        return _s()["org"].save_block(actor=self.actor, name="削除用ブロック")

    def admin_delete(self, obj):
        meta = obj._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/delete/"
        response = self.admin.post(url, {"post": "yes"})
        assert response.status_code == 302, response.content.decode()[:2000]
        return obj

    def admin_add_user(self):
        from suishin.accounts.models import User

        response = self.admin.post(
            "/admin/accounts/user/add/",
            {
                "username": "newuser",
                "password1": "a-long-Passw0rd-for-test",
                "password2": "a-long-Passw0rd-for-test",
                "usable_password": "true",
                "role": "viewer",
                "display_name": "新しい閲覧者",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        return User.objects.get(username="newuser")

    def admin_change_user(self):
        user = self.users["viewer"]
        data = {
            "username": user.username,
            "first_name": "",
            "last_name": "",
            "email": "viewer@example.jp",
            "is_active": "on",
            "role": user.role,
            "display_name": "閲覧（変更）",
            "date_joined_0": "2024-06-01",
            "date_joined_1": "10:00:00",
        }
        response = self.admin.post(f"/admin/accounts/user/{user.pk}/change/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
        user.refresh_from_db()
        return user

    def committee_form(self, existing, delete):
        data = {
            "committees-0-member": str(self.org.member_a.pk),
            "committees-0-name": "本庁舎推進委員会"
            if existing is None
            else "本庁舎推進委員会（改）",
        }
        from suishin.organisations.models import WorkplaceCommittee

        for field in WorkplaceCommittee._meta.concrete_fields:
            if field.name in ("id", "member", "name"):
                continue
            value = getattr(existing, field.attname) if existing else field.get_default()
            if isinstance(value, bool):
                if value:
                    data[f"committees-0-{field.name}"] = "on"
            elif value is not None:
                data[f"committees-0-{field.name}"] = str(value)
        if existing is not None:
            data["committees-0-id"] = str(existing.pk)
        if delete:
            data["committees-0-DELETE"] = "on"
        return data

    def target(self, member, count, target=None):
        from suishin.kpis.scope import Scope

        return _s()["kpi"].save_target(
            actor=self.actor,
            target=target,
            item=self.items["ATM"],
            scope=Scope.parse(member.code),
            target_count=count,
        )

    def self_target(self, value):
        from suishin.kpis.models import Target, TargetKind

        _s()["self"].save_self_targets(
            actor=self.actor,
            member=self.org.member_a,
            fiscal_year=2024,
            values={self.items["ATM"].pk: str(value)},
        )
        return Target.objects.get(kind=TargetKind.SELF, member=self.org.member_a)

    def definition(self, title):
        from suishin.reports.definitions import BlockSpec
        from suishin.reports.models import BlockKind

        return _s()["rep"].save_definition(
            actor=self.actor,
            fiscal_year=2024,
            half=1,
            title=title,
            blocks=[BlockSpec(BlockKind.NARRATIVE, body="本文")],
        )

    def recipient(self, name):
        from suishin.programmes.models import DonationRecipient

        kind = DonationRecipient._meta.get_field("kind").choices[0][0]
        self.recipient_kind = kind
        return _s()["prog"].save_recipient(actor=self.actor, name=name, kind=kind)

    def choice(self, weight):
        from suishin.programmes.models import DonationRecipient

        recipient = DonationRecipient.objects.filter(name="寄付先A").first() or self.recipient(
            "寄付先A"
        )
        return _s()["prog"].add_recipient_choice(
            actor=self.actor,
            fiscal_year=2024,
            branch=self.org.branch_a,
            recipient=recipient,
            weight=weight,
        )

    def refinancing(self):
        return _s()["prog"].create_refinancing(
            actor=self.actor,
            month=dt.date(2024, 6, 1),
            member=self.org.member_a,
            product="マイプラン",
            previous_balance=500_000,
            previous_rate_millipercent=18_000,
            previous_months=36,
            new_rate_millipercent=5_000,
            new_months=60,
        )

    def session_update(self):
        session = self.w.obj["session"]["a"]
        return _s()["act"].update_session(
            actor=self.actor,
            session=session,
            member=session.member,
            held_on=session.held_on,
            theme=session.theme,
            participants=session.participants + 1,
            now=NOW,
        )

    def campaign(self, code, campaign=None):
        from suishin.campaigns.demo_rules import APP_CONDITIONS

        return _s()["camp"].save_campaign(
            actor=self.actor,
            campaign=campaign,
            code=code,
            name="キャンペーン",
            starts_on=dt.date(2024, 10, 1),
            ends_on=dt.date(2025, 1, 31),
            conditions=APP_CONDITIONS,
            monthly_quota=3,
            total_quota=8,
            retention_until=dt.date(2025, 7, 31),
        )

    def load_entries(self, n=5, with_personal=False, campaign=None):
        from suishin.campaigns.services import EntryRow

        rows = [
            EntryRow(
                line=i + 2,
                entrant_id=f"E{i}",
                month=dt.date(2024, 10, 1),
                facts={
                    "survey_answered": True,
                    "linked_at_month_end": True,
                    "cashless_registered": True,
                    "charged_or_paid_in_window": True,
                },
                name=f"応募者{i}" if with_personal else "",
                contact=f"札幌市中央区{i}丁目" if with_personal else "",
            )
            for i in range(n)
        ]
        return _s()["camp"].load_entries(
            actor=self.actor, campaign=campaign or self.w.obj["campaign"]["a"], rows=rows
        )

    SEED = "coverage-test-seed-0123456789"

    def commit(self):
        self.load_entries()
        return (
            _s()["camp"]
            .commit_draw(
                actor=self.actor,
                campaign=self.w.obj["campaign"]["a"],
                month=dt.date(2024, 10, 1),
                seed=self.SEED,
            )
            .draw
        )

    def draw(self):
        draw = self.commit()
        _s()["camp"].run_draw(
            actor=self.actor,
            campaign=self.w.obj["campaign"]["a"],
            month=dt.date(2024, 10, 1),
            seed=self.SEED,
        )
        draw.refresh_from_db()
        return draw

    def meeting(self, name, meeting=None):
        return (
            _s()["meet"]
            .save_meeting(
                actor=self.actor,
                meeting=meeting,
                name=name,
                starts_at=dt.datetime(2024, 11, 14, 14, tzinfo=dt.UTC),
            )
            .obj
        )

    def block_session(self, city, session=None):
        return (
            _s()["meet"]
            .save_block_session(
                actor=self.actor,
                session=session,
                block=self.org.block_a,
                date=dt.date(2024, 9, 10),
                city=city,
            )
            .obj
        )

    def schedule(self, name, entry=None):
        return (
            _s()["meet"]
            .save_schedule_entry(
                actor=self.actor,
                entry=entry,
                name=name,
                starts_at=dt.datetime(2025, 2, 10, 10, tzinfo=dt.UTC),
            )
            .obj
        )

    def policy(self, outline, policy=None):
        return _s()["meet"].save_policy(
            actor=self.actor, policy=policy, fiscal_year=2024, half=2, outline=outline
        )

    def token(self):
        from suishin.api import services as api

        return api.issue_token(
            actor=self.actor, user=self.users["bank"], name="集計連携", scopes=["read"]
        ).token

    def movement(self):
        return _s()["self"].record_movement(
            actor=self.actor,
            member=self.org.member_a,
            kind="newsletter",
            reported_on=dt.date(2024, 6, 10),
        )


def business_models() -> list[str]:
    return sorted(
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("suishin.") and not m._meta.proxy and m._meta.managed
    )


# --- the tests ---------------------------------------------------------------------------


def test_every_model_has_an_audited_write_path_or_a_stated_reason():
    covered = set(WRITES) | set(CHILDREN) | set(IMPORTED) | set(EXEMPT)
    missing = [label for label in business_models() if label not in covered]
    assert not missing, "\n".join(
        f"add an audited write path for {label} (and a row in WRITES / CHILDREN / IMPORTED "
        "of tests/security/test_audit_coverage.py), or state in EXEMPT why it needs none"
        for label in missing
    )
    gone = sorted(
        (set(WRITES) | set(CHILDREN) | set(IMPORTED) | set(EXEMPT)) - set(business_models())
    )
    assert not gone, f"the table names models that no longer exist: {gone}"


def test_each_written_model_has_a_create_path_and_the_ones_deleted_in_the_ui_a_delete_path():
    for label, writes in WRITES.items():
        kinds = {w.kind for w in writes}
        assert kinds & {"create", "update"}, label


def test_the_loan_programme_settings_really_have_no_write_path():
    from django.contrib import admin

    from suishin.programmes.models import LoanProgramme

    assert not admin.site.is_registered(LoanProgramme)
    import suishin.programmes.services as prog

    source = open(prog.__file__, encoding="utf-8").read()
    assert "LoanProgramme" not in source


WRITE_CASES = [
    pytest.param(label, i, id=f"{label}-{w.kind}-{i}")
    for label, writes in WRITES.items()
    for i, w in enumerate(writes)
]


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["secretariat"])
    return client


@pytest.mark.parametrize(("label", "index"), WRITE_CASES)
def test_a_write_keeps_who_when_before_and_after(
    world, users, items, org, admin_client, label, index
):
    write = WRITES[label][index]
    actor = users[write.actor]
    ctx = Ctx(world, users, items, org, admin_client, actor)
    model = apps.get_model(label)
    obj = write.run(ctx)
    assert isinstance(obj, model), f"{label}: the write returned {obj!r}"
    # The last entry for this object is the one the write made (helpers may write earlier ones).
    entries = AuditEntry.objects.filter(model=label, object_pk=str(obj.pk)).order_by("-pk")
    entry = entries.first()
    assert entry is not None, f"{label} {write.kind}: no audit entry for #{obj.pk}"
    assert entry.actor_id == actor.pk and entry.actor_label == actor.username
    assert entry.at is not None
    exists = model._default_manager.filter(pk=obj.pk).exists()
    if write.kind == "create":
        assert exists
        assert entry.before is None, entry.before
        assert isinstance(entry.after, dict) and entry.after
        assert entry.after.get("id", obj.pk) == obj.pk
    elif write.kind == "update":
        assert exists
        assert isinstance(entry.before, dict) and isinstance(entry.after, dict)
        assert entry.before != entry.after
        assert entry.before.get("id", obj.pk) == obj.pk
    else:
        assert not exists, f"{label}: the row is still there"
        assert entry.action == "delete"
        assert isinstance(entry.before, dict) and entry.before
        assert entry.after is None
    if label == "api.ApiToken":
        assert obj.secret_hash not in str(entry.before) + str(entry.after)
    assert "pbkdf2" not in str(entry.before) + str(entry.after)
    assert "argon2" not in str(entry.before) + str(entry.after)


def test_an_approval_records_the_stored_row_as_before(world, users, items, org, admin_client):
    """'before' is what was stored, not the instance the service had already changed."""
    ctx = Ctx(world, users, items, org, admin_client, users["secretariat"])
    app = _s()["act"].approve(actor=ctx.actor, application=_submitted(ctx), now=NOW)
    entry = AuditEntry.objects.filter(action="application.approved", object_pk=str(app.pk)).get()
    assert entry.before["state"] == "submitted" and entry.before["approved_yen"] is None
    assert entry.after["state"] == "approved" and entry.after["approved_yen"] == 40_000


def test_a_password_never_reaches_the_audit_trail(world, users, items, org, admin_client):
    ctx = Ctx(world, users, items, org, admin_client, users["secretariat"])
    user = ctx.admin_add_user()
    entry = AuditEntry.objects.filter(model="accounts.User", object_pk=str(user.pk)).get()
    assert entry.after["password"] == "（記録しません）"
    assert user.password not in str(entry.after)


CHILD_CASES = {
    "activities.ApplicationLine": lambda c: _application(c),
    "meetings.PolicyNode": lambda c: c.policy("- 推進\n  - 学習会\n"),
    "reports.ReportBlock": lambda c: c.definition("上期"),
    "campaigns.DrawWinner": lambda c: c.draw(),
}


@pytest.mark.parametrize("label", sorted(CHILDREN))
def test_children_are_in_their_parents_audit_entry(world, users, items, org, admin_client, label):
    parent_label, key = CHILDREN[label]
    ctx = Ctx(world, users, items, org, admin_client, users["secretariat"])
    parent = CHILD_CASES[label](ctx)
    assert parent._meta.label == parent_label
    child = apps.get_model(label)
    fk = next(
        f.name
        for f in child._meta.concrete_fields
        if f.is_relation and f.related_model._meta.label == parent_label
    )
    assert child._default_manager.filter(**{fk: parent}).exists()
    entry = AuditEntry.objects.filter(model=parent_label, object_pk=str(parent.pk)).order_by("-pk")[
        0
    ]
    assert entry.actor_id == ctx.actor.pk
    assert entry.after and entry.after.get(key), f"{parent_label} entry lacks {key}: {entry.after}"


def _good_file(kind: str) -> bytes:
    row = GOOD_ROWS[kind]
    return csv_bytes([list(row), list(row.values())])


@pytest.mark.parametrize("kind", sorted(set(IMPORTED.values())))
def test_imported_rows_keep_their_batch_and_row_trail(world, users, kind):
    from suishin.imports.models import ImportChange
    from suishin.imports.services import import_file

    outcome = import_file(
        kind=kind, file=io.BytesIO(_good_file(kind)), file_name="ok.csv", actor=users["bank"]
    )
    assert outcome.ok and outcome.written, outcome.error_lines(5)
    entry = AuditEntry.objects.get(action="import", object_pk=str(outcome.batch.pk))
    assert entry.actor_id == users["bank"].pk and entry.after["rows"] == 1
    for label, k in IMPORTED.items():
        if k != kind:
            continue
        model = apps.get_model(label)
        # After: the stored row, stamped with its batch and file line.
        row = model._default_manager.get(import_batch=outcome.batch)
        assert row.source_row == 2
        # Before: every changed or removed row's previous values (added rows
        # of provenance tables are not listed: their batch stamp says it).
        for change in ImportChange.objects.filter(batch=outcome.batch, model=label):
            if change.action in ("changed", "removed"):
                assert isinstance(change.before, dict) and change.before["id"] == change.object_pk


def test_every_import_kind_audits_its_batch(world, users):
    """Every registered kind writes an 'import' entry (who, file, counts) for its batch."""
    from suishin.imports import registry
    from suishin.imports.services import import_file

    missing = sorted(set(registry.kinds()) - set(GOOD_ROWS))
    assert not missing, f"add a valid row for {missing} to tests/security/corpus GOOD_ROWS"
    for kind in registry.kinds():
        outcome = import_file(
            kind=kind,
            file=io.BytesIO(_good_file(kind)),
            file_name=f"{kind}.csv",
            actor=users["secretariat"],
        )
        assert outcome.ok and outcome.written, (kind, outcome.error_lines(5))
        entry = AuditEntry.objects.get(action="import", object_pk=str(outcome.batch.pk))
        assert entry.actor_id == users["secretariat"].pk, kind
        assert entry.after["kind"] == kind and entry.after["sha256"] == outcome.batch.sha256


def test_personal_data_stays_out_of_the_audit_trail(world, users, items, org, admin_client):
    from suishin.campaigns.models import EntrantPersonalData

    ctx = Ctx(world, users, items, org, admin_client, users["secretariat"])
    campaign = ctx.campaign("KEEP2099")
    campaign.retention_until = dt.date(2099, 12, 31)
    campaign.save()
    ctx.load_entries(with_personal=True, campaign=campaign)
    assert EntrantPersonalData.objects.filter(name="応募者1").exists()
    entry = AuditEntry.objects.filter(action="load_entries").latest("pk")
    assert entry.actor_id == ctx.actor.pk and entry.after["personal_data"] == 5
    trail = " ".join(str(e.before) + str(e.after) + e.note for e in AuditEntry.objects.all())
    assert "応募者1" not in trail and "札幌市中央区1丁目" not in trail
    # The purge after the retention date is recorded too.
    _s()["camp"].purge_personal_data(actor=ctx.actor, today=dt.date(2100, 1, 1))
    assert not EntrantPersonalData.objects.exists()
    purge = AuditEntry.objects.get(action="purge_personal_data")
    assert purge.actor_id == ctx.actor.pk and purge.after["deleted"] == 5


def test_the_admins_bulk_delete_is_audited_row_by_row(world, users, items, org, admin_client):
    ctx = Ctx(world, users, items, org, admin_client, users["secretariat"])
    blocks = [_s()["org"].save_block(actor=ctx.actor, name=n) for n in ("消すA", "消すB")]
    response = admin_client.post(
        "/admin/organisations/block/",
        {
            "action": "delete_selected",
            "_selected_action": [str(b.pk) for b in blocks],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    for block in blocks:
        entry = AuditEntry.objects.get(
            model="organisations.Block", object_pk=str(block.pk), action="delete"
        )
        assert entry.actor_id == ctx.actor.pk and entry.before["name"] == block.name
        assert entry.note == "管理画面"
