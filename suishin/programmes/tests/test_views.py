"""Pages: Japanese, scoped (404 for other organisations), exportable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from suishin.core.models import AuditEntry
from suishin.programmes import services
from suishin.programmes.models import ProgrammeYearSetting, RecipientChoice, Refinancing

from .conftest import add_result

APR = dt.date(2024, 4, 1)


@pytest.fixture
def records(org, users, catalog):
    """One refinancing per member and a council-level bank row, FY2024 April."""
    s = users["bank"]
    a = services.create_refinancing(actor=s, month=APR, member=org.member_a, product="マイプラン（A）",
                                    previous_balance=500_000, previous_rate_millipercent=18_000, previous_months=36,
                                    new_rate_millipercent=5_000, new_months=60)
    b = services.create_refinancing(actor=s, month=APR, member=org.member_b, product="マイプラン（B）",
                                    bank_improvement_yen=20_000)
    council = services.create_refinancing(actor=s, month=APR, member=None, product="住きっと！500（全体）",
                                          bank_improvement_yen=3_000, is_card_loan_in_sumikitto=True)
    return a, b, council


def get(client, name, **params):
    return client.get(reverse(f"programmes:{name}"), params)


@pytest.mark.parametrize("role", ["secretariat", "bank", "viewer", "branch", "member"])
def test_the_overview_opens_for_every_reading_role(client_for, catalog, role):
    response = get(client_for(role), "index", fy=2024, half=1)
    assert response.status_code == 200
    body = response.content.decode()
    assert "つなぐプロジェクト 寄付見込額" in body and "可処分所得向上運動" in body and "奨学金借換ローン等" in body


def test_the_overview_prints_the_seeds_styles(client_for, org, users, catalog, records):
    add_result(catalog[2024]["ATM_USE"], APR, count=5_762_365)
    add_result(catalog[2023]["ATM_USE"], dt.date(2023, 4, 1), count=5_478_000)
    body = get(client_for("secretariat"), "index", fy=2024, half=1).content.decode()
    assert "5,762千円" in body and "（前年同期比+284千円）" in body
    # 84,576 + 20,000 (the council row is a 住きっと！500 card loan and FY2024 has no setting: not counted)
    assert "104,576円・2件" in body
    assert "2024年9月末時点" in body


def test_a_branch_user_opens_on_its_own_branch_and_cannot_ask_for_another(client_for, org, catalog, records):
    c = client_for("branch")
    body = get(c, "index", fy=2024, half=1).content.decode()
    assert org.branch_a.name in body and "84,576円・1件" in body
    assert get(c, "index", fy=2024, scope="201").status_code == 404
    assert get(c, "index", fy=2024, scope="B0001").status_code == 404
    assert get(c, "index", fy=2024, scope="全体").status_code == 404
    assert get(c, "index", fy=2024, scope="A0001").status_code == 200


def test_a_member_officer_sees_only_its_union(client_for, org, catalog, records):
    c = client_for("member")
    assert "84,576円・1件" in get(c, "index", fy=2024).content.decode()
    assert get(c, "index", fy=2024, scope="A0002").status_code == 404
    assert get(c, "index", fy=2024, scope="101").status_code == 404


def test_an_unknown_scope_gets_a_message_next_to_the_field_for_the_secretariat(client_for, catalog):
    body = get(client_for("secretariat"), "index", fy=2024, scope="ZZZ").content.decode()
    assert "対象「ZZZ」は、ブロック名・店番・会員コードのいずれにも見つかりません。" in body


def test_the_overview_exports_csv_and_xlsx(client_for, catalog, records):
    c = client_for("secretariat")
    csv = get(c, "index", fy=2024, half=1, export="csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "区分,項目,件数,金額（円）,前年同期 件数,前年同期 金額（円）"
    assert "可処分所得向上,可処分所得向上額,2,104576,0,0" in csv
    xlsx = get(c, "index", fy=2024, half=1, export="xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# --- refinancing records -----------------------------------------------------------------------


def test_the_refinancing_list_is_scoped_in_the_page_and_the_export(client_for, org, catalog, records):
    c = client_for("branch")
    body = get(c, "refinancing_list", fy=2024).content.decode()
    assert "マイプラン（A）" in body and "マイプラン（B）" not in body and "住きっと！500（全体）" not in body
    csv = get(c, "refinancing_list", fy=2024, export="csv").content.decode("utf-8-sig")
    assert "マイプラン（A）" in csv and "マイプラン（B）" not in csv and "住きっと" not in csv.split("\n", 1)[1]


def test_the_secretariat_sees_every_record_and_which_ones_count(client_for, catalog, records):
    body = get(client_for("secretariat"), "refinancing_list", fy=2024).content.decode()
    assert "住きっと！500（全体）" in body and "算入しない" in body
    csv = get(client_for("secretariat"), "refinancing_list", fy=2024, export="csv").content.decode("utf-8-sig")
    header, first = csv.splitlines()[:2]
    assert header.startswith("年月,会員コード,会員名,店番,借換商品,旧借入先種別,旧残高,旧金利（%）")
    assert ",500000,18,36,5,60,,84576,84576," in first


def test_the_bank_enters_a_record_through_the_form(client_for, org, catalog):
    response = client_for("bank").post(reverse("programmes:refinancing_create"), {
        "month": "2024-06-10", "member_code": "A0001", "product": "マイプラン", "previous_lender_type": "consumer_finance",
        "previous_balance": "500,000", "previous_rate_millipercent": "18.0", "previous_months": "36",
        "new_rate_millipercent": "5", "new_months": "60",
    })
    assert response.status_code == 302
    assert Refinancing.objects.get().improvement_yen == 84_576


def test_a_bad_rate_in_the_form_is_shown_next_to_the_field_and_nothing_is_saved(client_for, org, catalog):
    response = client_for("secretariat").post(reverse("programmes:refinancing_create"), {
        "month": "2024-06-10", "member_code": "A0001", "product": "マイプラン", "previous_lender_type": "other_bank",
        "previous_balance": "500000", "previous_rate_millipercent": "25", "previous_months": "36",
        "new_rate_millipercent": "5", "new_months": "60",
    })
    body = response.content.decode()
    assert response.status_code == 200
    assert '<p class="field-error" role="alert">旧金利: 年利 25.0% は上限 20% を超えています。</p>' in body
    assert not Refinancing.objects.exists()


def test_an_unknown_member_code_in_the_form_is_a_field_error(client_for, org, catalog):
    body = client_for("secretariat").post(reverse("programmes:refinancing_create"), {
        "month": "2024-06-10", "member_code": "X999", "product": "p", "previous_lender_type": "other",
        "bank_improvement_yen": "100",
    }).content.decode()
    assert "会員コード「X999」は登録されていません。" in body


@pytest.mark.parametrize("role", ["viewer", "branch", "member"])
def test_only_the_bank_and_the_secretariat_enter_or_delete_records(client_for, catalog, records, role):
    c = client_for(role)
    assert c.get(reverse("programmes:refinancing_create")).status_code == 403
    assert c.post(reverse("programmes:refinancing_delete", args=[records[0].pk])).status_code == 403
    assert Refinancing.objects.count() == 3


def test_deleting_a_record_is_audited(client_for, catalog, records):
    response = client_for("bank").post(reverse("programmes:refinancing_delete", args=[records[1].pk]))
    assert response.status_code == 302
    assert not Refinancing.objects.filter(pk=records[1].pk).exists()
    assert AuditEntry.objects.filter(model="programmes.Refinancing", action="delete").count() == 1


# --- calculator --------------------------------------------------------------------------------


def test_the_calculator_shows_the_worked_figures(client_for, db):
    body = get(client_for("member"), "calculator", balance="500,000", previous_rate="18", previous_months=36,
               new_rate="5", new_months=60).content.decode()
    for figure in ("18,076円", "650,736円", "9,436円", "566,160円", "84,576円", "8,640円"):
        assert figure in body


def test_the_calculator_rejects_bad_terms_with_the_rule(client_for, db):
    body = get(client_for("member"), "calculator", balance="0", previous_rate="25", previous_months=0,
               new_rate="5", new_months=60).content.decode()
    assert "残高 0円 は1円以上でなければなりません。" in body
    assert "年利 25.0% は上限 20% を超えています。" in body
    assert "期間 0か月 は1か月以上でなければなりません。" in body


# --- donations by recipient ----------------------------------------------------------------------


@pytest.fixture
def chosen(org, users, catalog):
    s = users["secretariat"]
    food = services.save_recipient(actor=s, name="フードバンク札幌", kind="npo")
    welfare = services.save_recipient(actor=s, name="旭川地域福祉会", kind="welfare")
    services.add_recipient_choice(actor=s, fiscal_year=2024, branch=org.branch_a, recipient=food)
    services.add_recipient_choice(actor=s, fiscal_year=2024, branch=org.branch_b, recipient=welfare)
    add_result(catalog[2024]["SVC_MAIN"], APR, member=org.member_a, count=10)
    add_result(catalog[2024]["SVC_MAIN"], APR, member=org.member_b, count=3)
    add_result(catalog[2024]["ATM_USE"], APR, count=7)


def test_the_secretariat_gets_the_year_end_donation_list_with_export(client_for, chosen):
    c = client_for("secretariat")
    body = get(c, "donation_list", fy=2024).content.decode()
    assert "フードバンク札幌" in body and "旭川地域福祉会" in body and "店に帰属しない額" in body
    csv = get(c, "donation_list", fy=2024, export="csv").content.decode("utf-8-sig").splitlines()
    assert csv == ["寄付先,種別,店番,店推進委員会,配分比率,寄付額（円）",
                   "フードバンク札幌,NPO法人,101,札幌中央店,1,1000",
                   "旭川地域福祉会,社会福祉法人・社会福祉協議会,201,旭川店,1,300"]


def test_a_branch_user_sees_only_its_own_committees_part(client_for, chosen):
    c = client_for("branch")
    body = get(c, "donation_list", fy=2024).content.decode()
    assert "フードバンク札幌" in body and "旭川地域福祉会" not in body and "店に帰属しない額" not in body
    csv = get(c, "donation_list", fy=2024, export="csv").content.decode("utf-8-sig")
    assert "旭川" not in csv


def test_a_member_officer_has_no_committee_list(client_for, chosen):
    assert get(client_for("member"), "donation_list", fy=2024).status_code == 403


@pytest.mark.parametrize("role", ["bank", "viewer", "branch", "member"])
def test_only_the_secretariat_records_recipients(client_for, org, catalog, role):
    c = client_for(role)
    assert get(c, "recipients").status_code == 403
    response = c.post(reverse("programmes:recipient_create"), {"name": "X", "kind": "npo", "active": "on"})
    assert response.status_code == 403


def test_the_secretariat_records_recipients_and_choices(client_for, org, catalog):
    c = client_for("secretariat")
    c.post(reverse("programmes:recipient_create"), {"name": "こども食堂ネット", "kind": "npo", "active": "on", "fy": "2024"})
    recipient = services.DonationRecipient.objects.get()
    response = c.post(reverse("programmes:choice_add"),
                      {"fy": "2024", "branch": org.branch_a.pk, "recipient": recipient.pk, "weight": "2"})
    assert response.status_code == 302 and response["Location"].endswith("?fy=2024")
    choice = RecipientChoice.objects.get()
    assert (choice.fiscal_year, choice.branch, choice.weight) == (2024, org.branch_a, 2)
    body = get(c, "recipients", fy=2024).content.decode()
    assert "こども食堂ネット" in body
    c.post(reverse("programmes:choice_delete", args=[choice.pk]))
    assert not RecipientChoice.objects.exists()


def test_a_duplicate_recipient_name_is_reported(client_for, org, catalog):
    c = client_for("secretariat")
    c.post(reverse("programmes:recipient_create"), {"name": "A", "kind": "npo", "active": "on"})
    response = c.post(reverse("programmes:recipient_create"), {"name": "A", "kind": "npo", "active": "on"})
    assert "寄付先「A」は既に登録されています。" in response.content.decode()


# --- settings -----------------------------------------------------------------------------------


def test_the_secretariat_saves_a_year_setting(client_for, catalog):
    c = client_for("secretariat")
    response = c.post(reverse("programmes:settings"), {"fiscal_year": "2024", "include_sumikitto_card_loans": "on",
                                                       "disposable_target_yen": "1,000,000,000"})
    assert response.status_code == 302
    setting = ProgrammeYearSetting.objects.get()
    assert setting.include_sumikitto_card_loans and setting.disposable_target_yen == 1_000_000_000
    assert "10億円" in get(c, "settings").content.decode()


def test_the_settings_page_shows_the_years_donation_rates(client_for, catalog):
    body = get(client_for("viewer"), "settings", fy=2024).content.decode()
    assert "SVC_MAIN" in body and "100円／件" in body and "NO_RATE" not in body


@pytest.mark.parametrize("role", ["bank", "viewer", "branch"])
def test_only_the_secretariat_changes_settings(client_for, catalog, role):
    response = client_for(role).post(reverse("programmes:settings"), {"fiscal_year": "2024"})
    assert response.status_code == 403
    assert not ProgrammeYearSetting.objects.exists()


def test_the_loans_page_exports(client_for, org, catalog):
    add_result(catalog[2024]["SCHOLAR_PLUS"], dt.date(2024, 6, 1), member=org.member_a, count=20, amount=94_500_000)
    c = client_for("viewer")
    body = get(c, "loans", fy=2024, half=1).content.decode()
    assert "20件／94百万円（前年同期比+20件／+94百万円）" in body
    csv = get(c, "loans", fy=2024, half=1, export="csv").content.decode("utf-8-sig")
    assert "SCHOLAR_PLUS,奨学金借換+αローン,20,94500000,0,0,,," in csv


def test_the_secretariat_edits_a_recipient(client_for, org, catalog):
    c = client_for("secretariat")
    recipient = services.save_recipient(actor=None, name="旧名", kind="npo")
    assert "旧名" in c.get(reverse("programmes:recipient_edit", args=[recipient.pk])).content.decode()
    response = c.post(reverse("programmes:recipient_edit", args=[recipient.pk]),
                      {"name": "新名", "kind": "welfare", "address": "札幌市", "active": "on", "fy": "2024"})
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert (recipient.name, recipient.kind, recipient.address) == ("新名", "welfare", "札幌市")
