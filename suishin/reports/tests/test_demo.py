"""The demo reproduces the seed's FY2024 上期推進活動総括.

`test_the_demo_report_reads_like_the_seed` loads the whole demo through the
import engine (slow) and compares the generated report with the figures as
the seed prints them; the expected strings are typed from the seed document.
"""

from __future__ import annotations

import pytest

from suishin.kpis import factories as kf
from suishin.reports import demo
from suishin.reports.engine import build_report
from suishin.reports.models import ReportDefinition
from suishin.reports.narrative import is_section_key, placeholders

SEED_TABLES = {
    "【預金・融資・各種サービス実績】": [
        ["①", "メイン化（給振・年金・公振・クレジット）", "17,800", "11,180", "62.8%"],
        ["②", "預金（財形・エース・おこさま口座）", "6,350", "3,708", "58.3%"],
        ["③", "融資（団体融資・手形貸付等除く）", "15,131", "9,178", "60.6%"],
        ["④", "預かり資産（個人型DC新規・投信契約者増加数・国債新規）", "1,234", "1,617", "131.0%"],
        ["", "合計", "40,515", "25,683", "63.3%"],
    ],
    "【北海道ろうきんATM利用件数】": [["北海道ろうきんATM利用件数", "717,841件"]],
    "【ろうきん口座からのスマホ決済チャージ回数】": [["ろうきん口座からのスマホ決済チャージ回数", "168,524回"]],
    "【非対面項目実績】": [["非対面（ろうきんアプリ・エコ通帳・団体IB）", "21,100", "15,477", "73.3%"]],
    "【ろうきん運動項目実績】": [["①", "学習会開催回数", "640回"], ["②", "議案書・機関紙への掲載会員数", "187会員"], ["", "合計", "827"]],
    "【NPOとの連携項目実績】": [["①", "融資相談件数", "7件"], ["②", "NPO法人普通預金口座開設数", "10件"], ["", "合計", "17件"]],
    "【会員自主目標推進運動実績】": [["会員自主目標設定会員数", "676会員"]],
    "【2024年4月1日～2024年9月30日】": [
        ["①", "団体IB契約数", "75件"],
        ["②", "賃金控除事務支援サービス契約数", "35件"],
        ["③", "QR伝票印刷システム利用件数", "22,928件"],
        ["④", "ろうきんUC法人カード契約団体数", "4団体"],
        ["", "合計", "23,007"],
    ],
}

SEED_SENTENCES = [
    "会員自主目標推進運動は9月末時点で676会員となりました。",
    "可処分所得向上額10億円を目標とし",
    "2024年9月末時点で、83件、2億2百万円の取組実績となりました。",
    "【実績】6億9百万円（前年同期比+2億47百万円）",
    "【実績】355件／7,986名（前年同期比+99件／+1,733名）",
    "【実績】23件／59百万円（前年同期比▲10件／▲28百万円）",
    "【実績】537件／13億13百万円（集計期間：2017年10月1日～2024年9月30日）",
    "【実績】20件／94百万円（前年同期比+12件／+61百万円）",
    "【実績】300件（前年同期比▲2件）",
    "新規取引実績は25,683件、北海道ろうきんATM利用件数は717,841件、ろうきん口座からのスマホ決済チャージ回数は168,524回、"
    "非対面項目が15,477件、ろうきん運動項目が827件、NPOとの連携項目が17件となりました。",
    "寄付見込額は5,762千円（前年同期比+284千円）となりました。",
    "財形新規件数：2,266件／iDeCo新規件数：175件／投資信託定時定額買付（NISA制度含む）：1,559件",
    "【新規件数】522件（前年同期比+150件）",
    "投資信託新規件数：761件／国債新規件数：681件",
    "【運動目標】50億5百万円【運動成果】86億27百万円（目標対比+36億22百万円）",
    "【定期・エース預金新規預入】18,591件・129億43百万円（2023年度比+2,391件・+77億33百万円）",
    "【契約件数】10,244件【累計契約件数（2019年10月22日～2024年9月末）】94,154件",
    "【新規件数】5,158件（前年同期比+736件）",
    "【目標】334億円【実績】349億円（目標対比+15億円）",
    "【実績】646件（前年同期比+15件）",
    "【開催回数】134件【参加組合員数】2,987人",
    "【高金利ローン借換・多重債務相談件数】963件",
    "職域活動費を活用した学習会は361回、延べ8,485名の出席となり",
    "（内、WEBを活用した学習会は1回となりました）",
    "活用金額は14,762,300円（前年同期比+2,824千円）となりました。",
    "「大会議案書へのろうきん運動方針化」は103会員、「組合機関紙への商品・サービスの掲載」は84会員、「職場推進委員会の設置数」は491会員となりました。",
    "当該ページへのアクセス数は5,817件となりました。",
    "ろうきんでの年金受取口座は27,198件（2024年9月末時点）となりました。",
]


def test_the_demo_definition_is_created_once_and_left_alone(db, capsys):
    # A catalog with every code and group the narrative quotes (the demo's own is tested below).
    codes = {key for b in demo.BLOCKS for key, _, _ in placeholders(b.title + b.body) if not is_section_key(key)}
    for code in sorted(codes | {b.item_code for b in demo.BLOCKS if b.item_code}):
        kf.item(code, group="x")
    for n, group in enumerate(sorted({b.group for b in demo.BLOCKS if b.group})):
        kf.item(f"G{n}", group=group)
    demo.load(print)
    assert ReportDefinition.objects.get(fiscal_year=2024, half=1).blocks.count() == len(demo.BLOCKS)
    ReportDefinition.objects.update(title="事務局が直した表題")
    demo.load(print)
    assert ReportDefinition.objects.get().title == "事務局が直した表題"
    assert "登録済みです（変更しません）" in capsys.readouterr().out


@pytest.mark.slow
def test_the_demo_report_reads_like_the_seed(db):
    from suishin.demo.loader import load_demo

    load_demo(log=lambda line: None)
    assert ReportDefinition.objects.filter(fiscal_year=2024, half=1).exists(), "the demo definition was not saved"
    report = build_report(fiscal_year=2024, half=1, links=False, charts=False)
    assert report.title == "2024年度上期推進活動総括"
    tables = {b.title: [[c.display for c in r.cells] for r in t.rows] for b in report.blocks for t in b.tables}
    problems = [
        f"{title}: {tables.get(title)} != {rows}" for title, rows in SEED_TABLES.items() if tables.get(title) != rows
    ]
    text = "\n".join(p.text for b in report.blocks for p in b.paragraphs)
    problems += [f"missing: {s}" for s in SEED_SENTENCES if s not in text]
    assert problems == []
