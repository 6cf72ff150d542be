"""The demo council's specification: the catalog, every figure the demo data
must produce (docs/demo-catalog.md), the organisation tree and the raw
material for names. Pure data; suishin.demo.generate turns it into files.

FY2024 上期 figures are the seed document's. FY2023 上期 figures are the seed's
前年同期比 where it prints one and otherwise invented, chosen so that the
donation estimate is 5,478,182円 (seed: "+284千円") and the composite
identities of the seed hold (see generate.py).
"""

from __future__ import annotations

from dataclasses import dataclass

FY_NOW = 2024  # the fiscal year of the seed document
FY_PREV = 2023  # 前年同期

# --------------------------------------------------------------------------
# The catalog (docs/demo-catalog.md), in display order.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemDef:
    code: str
    name: str
    group: str
    unit: str
    aggregation: str = "sum"
    rate: int | None = None  # 寄付単価 (yen per unit)
    parent: str = ""
    source: str = ""  # 集計元: figures computed from other records
    since: str = ""  # 累計起算日 of cumulative items
    first_year: int = FY_PREV  # the first fiscal year whose catalog has the item


G_SVC = "預金・融資・各種サービス"
G_MOV = "ろうきん運動"
G_NPO = "NPO連携"
G_CONTACT = "接点拡大"
G_SCHOLAR = "奨学金借換ローン"
G_PLAN = "生活設計"
G_DEFENCE = "生活防衛"
G_ORG = "推進機構"

CATALOG: list[ItemDef] = [
    ItemDef("SVC_TOTAL", "合計", G_SVC, "件"),
    ItemDef(
        "SVC_MAIN",
        "メイン化（給振・年金・公振・クレジット）",
        G_SVC,
        "件",
        rate=100,
        parent="SVC_TOTAL",
    ),
    ItemDef(
        "SVC_DEPOSIT",
        "預金（財形・エース・おこさま口座）",
        G_SVC,
        "件",
        rate=100,
        parent="SVC_TOTAL",
    ),
    ItemDef(
        "SVC_LOAN", "融資（団体融資・手形貸付等除く）", G_SVC, "件", rate=100, parent="SVC_TOTAL"
    ),
    ItemDef(
        "SVC_ASSET",
        "預かり資産（個人型DC新規・投信契約者増加数・国債新規）",
        G_SVC,
        "件",
        rate=100,
        parent="SVC_TOTAL",
    ),
    ItemDef("ATM_USE", "北海道ろうきんATM利用件数", "ATM利用", "件", rate=1),
    ItemDef(
        "CHARGE", "ろうきん口座からのスマホ決済チャージ回数", "スマホ決済チャージ", "回", rate=1
    ),
    ItemDef("NONFACE", "非対面（ろうきんアプリ・エコ通帳・団体IB）", "非対面", "件", rate=100),
    ItemDef("MOV_TOTAL", "合計", G_MOV, ""),
    ItemDef(
        "MOV_STUDY",
        "学習会開催回数",
        G_MOV,
        "回",
        rate=1000,
        parent="MOV_TOTAL",
        source="activities.sessions",
    ),
    ItemDef(
        "MOV_PUBLISH",
        "議案書・機関紙への掲載会員数",
        G_MOV,
        "会員",
        "distinct_members",
        rate=500,
        parent="MOV_TOTAL",
        source="selfservice.movement:publish",
    ),
    ItemDef("NPO_TOTAL", "合計", G_NPO, "件"),
    ItemDef("NPO_CONSULT", "融資相談件数", G_NPO, "件", rate=1000, parent="NPO_TOTAL"),
    ItemDef("NPO_ACCOUNT", "NPO法人普通預金口座開設数", G_NPO, "件", rate=1000, parent="NPO_TOTAL"),
    ItemDef(
        "SELF_TARGET_MEMBERS",
        "会員自主目標設定会員数",
        "会員自主目標",
        "会員",
        "distinct_members",
        source="kpis.self_target_members",
    ),
    ItemDef("CONTACT_TOTAL", "合計", G_CONTACT, "件"),
    ItemDef("CONTACT_IB", "団体IB契約数", G_CONTACT, "件", rate=100, parent="CONTACT_TOTAL"),
    # Not under CONTACT_TOTAL: the seed's 合計 23,007 = 75 + 22,928 + 4 leaves out
    # this row's 35 (75 + 35 + 22,928 + 4 would be 23,042). The catalog reproduces
    # the seed as printed; docs/demo-data.md explains.
    ItemDef("CONTACT_PAYROLL", "賃金控除事務支援サービス契約数", G_CONTACT, "件"),
    ItemDef("CONTACT_QR", "QR伝票印刷システム利用件数", G_CONTACT, "件", parent="CONTACT_TOTAL"),
    ItemDef(
        "CONTACT_UC",
        "ろうきんUC法人カード契約団体数",
        G_CONTACT,
        "団体",
        rate=500,
        parent="CONTACT_TOTAL",
    ),
    ItemDef(
        "DISPOSABLE", "可処分所得向上額", "可処分所得向上", "円", source="programmes.refinancing"
    ),
    ItemDef(
        "STUDY_DISPOSABLE",
        "可処分所得向上運動に関する学習会",
        "可処分所得向上",
        "件",
        source="activities.sessions:可処分所得向上",
    ),
    ItemDef(
        "SCHOLAR_REFI",
        "奨学金借換ローン",
        G_SCHOLAR,
        "件",
        "cumulative",
        since="2017-10-01",
        first_year=2017,
    ),
    ItemDef("SCHOLAR_PLUS", "奨学金借換+αローン", G_SCHOLAR, "件"),
    ItemDef(
        "UNION_SCHOLAR",
        "組合保証 奨学金借換ローン",
        G_SCHOLAR,
        "件",
        "cumulative",
        since="2022-12-01",
        first_year=2022,
    ),
    ItemDef(
        "ZENRYOKU",
        "全力応援pack（非正規勤労者向け融資商品）新規件数",
        "非正規雇用組合員取引拡大",
        "件",
    ),
    ItemDef("ZAIKEI_NEW", "財形新規件数", G_PLAN, "件"),
    ItemDef("IDECO_NEW", "iDeCo新規件数", G_PLAN, "件"),
    ItemDef("TOSHIN_TEIJI", "投資信託定時定額買付（NISA制度含む）", G_PLAN, "件"),
    ItemDef("ACE_NEW", "エース預金新規件数", G_PLAN, "件"),
    ItemDef("TOSHIN_NEW", "投資信託新規件数", G_PLAN, "件"),
    ItemDef("JGB_NEW", "国債新規件数", G_PLAN, "件"),
    ItemDef("RETIRE_FUNDS", "退職金結集金額", G_PLAN, "円"),
    ItemDef("SUMMER_DEPOSIT", "サマーキャンペーン 定期・エース預金新規預入", G_PLAN, "件"),
    ItemDef(
        "APP_CONTRACT",
        "ろうきんアプリ契約件数",
        G_PLAN,
        "件",
        "cumulative",
        since="2019-10-22",
        first_year=2019,
    ),
    ItemDef("ECO_PASSBOOK", "エコ通帳新規件数", G_PLAN, "件"),
    ItemDef("MORTGAGE", "有担保ローン新規実行額", "生活改善", "円"),
    ItemDef("YOUNG_PACK", "Young pack キャンペーン実績", G_DEFENCE, "件"),
    ItemDef(
        "STUDY_DEFENCE",
        "生活防衛運動に関する学習会",
        G_DEFENCE,
        "件",
        source="activities.sessions:生活防衛",
    ),
    ItemDef("DEBT_CONSULT", "高金利ローン借換・多重債務相談件数", G_DEFENCE, "件"),
    # The movement items are computed from the unions' movement reports
    # (selfservice.MovementReport, demo file movement_reports.csv).
    ItemDef(
        "POLICY_MEMBERS",
        "大会議案書へのろうきん運動方針化",
        G_ORG,
        "会員",
        "distinct_members",
        source="selfservice.movement:policy",
    ),
    ItemDef(
        "NEWSLETTER_MEMBERS",
        "組合機関紙への商品・サービスの掲載",
        G_ORG,
        "会員",
        "distinct_members",
        source="selfservice.movement:newsletter",
    ),
    ItemDef(
        "COMMITTEE_MEMBERS",
        "職場推進委員会の設置数",
        G_ORG,
        "会員",
        "distinct_members",
        source="selfservice.movement:committee",
    ),
    ItemDef("SITE_ACCESS", "組合員様専用サイトアクセス数", G_ORG, "件"),
    ItemDef("PENSION_ACCOUNTS", "年金受取口座数", "ろうきん友の会・退職者連合", "件", "snapshot"),
]
ITEMS = {item.code: item for item in CATALOG}
SORT_ORDER = {item.code: (i + 1) * 10 for i, item in enumerate(CATALOG)}

# --------------------------------------------------------------------------
# The figures (上期 = April–September). FY2024: the seed. FY2023: the seed's
# 前年同期比 where it prints one, otherwise invented so that the donation
# estimate comes out at 5,478,xxx円 ("+284千円") and the composite identities hold.
# (count, amount); amount 0 where the item has none.
# --------------------------------------------------------------------------

H1_FIGURES: dict[int, dict[str, tuple[int, int]]] = {
    2024: {
        "SVC_MAIN": (11_180, 0),
        "SVC_DEPOSIT": (3_708, 0),
        "SVC_LOAN": (9_178, 0),
        "SVC_ASSET": (1_617, 0),
        "ATM_USE": (717_841, 0),
        "CHARGE": (168_524, 0),
        "NONFACE": (15_477, 0),
        "MOV_PUBLISH": (187, 0),
        "NPO_CONSULT": (7, 0),
        "NPO_ACCOUNT": (10, 0),
        "CONTACT_IB": (75, 0),
        "CONTACT_PAYROLL": (35, 0),
        "CONTACT_QR": (22_928, 0),
        "CONTACT_UC": (4, 0),
        "SCHOLAR_REFI": (23, 59_410_000),
        "SCHOLAR_PLUS": (20, 94_530_000),
        "UNION_SCHOLAR": (14, 0),  # amount: share of the cumulative pool
        "ZENRYOKU": (300, 0),
        "ZAIKEI_NEW": (2_266, 0),
        "IDECO_NEW": (175, 0),
        "TOSHIN_TEIJI": (1_559, 0),
        "ACE_NEW": (522, 0),
        "TOSHIN_NEW": (761, 0),
        "JGB_NEW": (681, 0),
        "RETIRE_FUNDS": (0, 8_627_354_000),
        "SUMMER_DEPOSIT": (18_591, 12_943_581_000),
        "APP_CONTRACT": (10_244, 0),
        "ECO_PASSBOOK": (5_158, 0),
        "MORTGAGE": (0, 34_900_410_000),
        "YOUNG_PACK": (646, 0),
        "DEBT_CONSULT": (963, 0),
        "POLICY_MEMBERS": (103, 0),
        "NEWSLETTER_MEMBERS": (84, 0),
        "COMMITTEE_MEMBERS": (491, 0),
        "SITE_ACCESS": (5_817, 0),
        "PENSION_ACCOUNTS": (27_198, 0),  # snapshot at 2024-09
    },
    2023: {
        "SVC_MAIN": (10_937, 0),
        "SVC_DEPOSIT": (3_655, 0),
        "SVC_LOAN": (9_024, 0),
        "SVC_ASSET": (1_409, 0),
        "ATM_USE": (715_642, 0),
        "CHARGE": (112_640, 0),
        "NONFACE": (14_363, 0),
        "MOV_PUBLISH": (177, 0),
        "NPO_CONSULT": (5, 0),
        "NPO_ACCOUNT": (9, 0),
        "CONTACT_IB": (71, 0),
        "CONTACT_PAYROLL": (33, 0),
        "CONTACT_QR": (21_455, 0),
        "CONTACT_UC": (3, 0),
        "SCHOLAR_REFI": (33, 87_650_000),
        "SCHOLAR_PLUS": (8, 33_210_000),
        "UNION_SCHOLAR": (22, 0),
        "ZENRYOKU": (302, 0),
        "ZAIKEI_NEW": (2_198, 0),
        "IDECO_NEW": (203, 0),
        "TOSHIN_TEIJI": (1_402, 0),
        "ACE_NEW": (372, 0),
        "TOSHIN_NEW": (694, 0),
        "JGB_NEW": (512, 0),
        "RETIRE_FUNDS": (0, 7_915_620_000),
        "SUMMER_DEPOSIT": (16_200, 5_210_046_000),
        "APP_CONTRACT": (9_870, 0),
        "ECO_PASSBOOK": (4_422, 0),
        "MORTGAGE": (0, 31_862_340_000),
        "YOUNG_PACK": (631, 0),
        "DEBT_CONSULT": (1_012, 0),
        "POLICY_MEMBERS": (98, 0),
        "NEWSLETTER_MEMBERS": (79, 0),
        "COMMITTEE_MEMBERS": (486, 0),
        "SITE_ACCESS": (5_204, 0),
        "PENSION_ACCOUNTS": (26_431, 0),  # snapshot at 2023-09
    },
}

# Cumulative items outside the two 上期: (first month, last month, count).
# With the 上期 figures they give the seed's cumulative totals:
# SCHOLAR_REFI 537件 / 1,313,270,000円 (2017-10..2024-09), APP_CONTRACT 94,154件
# (2019-10..2024-09), UNION_SCHOLAR 83件 / 202,640,000円 (2022-12..2024-09).
HISTORY: dict[str, list[tuple[str, str, int]]] = {
    "SCHOLAR_REFI": [
        ("2017-10", "2018-03", 60),
        ("2018-04", "2019-03", 110),
        ("2019-04", "2020-03", 95),
        ("2020-04", "2021-03", 80),
        ("2021-04", "2022-03", 65),
        ("2022-04", "2023-03", 45),
        ("2023-10", "2024-03", 26),
    ],
    "APP_CONTRACT": [
        ("2019-10", "2020-03", 12_500),  # launched 2019-10-22
        ("2020-04", "2021-03", 22_300),
        ("2021-04", "2022-03", 17_600),
        ("2022-04", "2023-03", 13_400),
        ("2023-10", "2024-03", 8_240),
    ],
    "UNION_SCHOLAR": [
        ("2022-12", "2023-03", 29),  # 組合保証, 自治労 members only, since 2022-12
        ("2023-10", "2024-03", 18),
    ],
}
CUMULATIVE_TOTALS: dict[str, tuple[int, int]] = {
    "SCHOLAR_REFI": (537, 1_313_270_000),
    "APP_CONTRACT": (94_154, 0),
    "UNION_SCHOLAR": (83, 202_640_000),
}

# Annual allocated (配分) targets at council level: (count, amount).
TARGETS: dict[int, dict[str, tuple[int | None, int | None]]] = {
    2024: {
        "SVC_MAIN": (17_800, None),
        "SVC_DEPOSIT": (6_350, None),
        "SVC_LOAN": (15_131, None),
        "SVC_ASSET": (1_234, None),
        "NONFACE": (21_100, None),
        "DISPOSABLE": (None, 1_000_000_000),
        "RETIRE_FUNDS": (None, 5_005_000_000),
        "MORTGAGE": (None, 33_400_000_000),
    },
    2023: {
        "SVC_MAIN": (17_500, None),
        "SVC_DEPOSIT": (6_200, None),
        "SVC_LOAN": (14_900, None),
        "SVC_ASSET": (1_180, None),
        "NONFACE": (19_800, None),
        "DISPOSABLE": (None, 800_000_000),
        "RETIRE_FUNDS": (None, 4_800_000_000),
        "MORTGAGE": (None, 32_000_000_000),
    },
}
# Items whose council target is also allocated to branches and members (会員分件数目標),
# and on which members set their own (自主) targets.
ALLOCATED_ITEMS = ["SVC_MAIN", "SVC_DEPOSIT", "SVC_LOAN", "SVC_ASSET", "NONFACE"]
SELF_TARGET_MEMBERS = {2024: 676, 2023: 651}

# Who reports an item: members generate these; the bank reports the branch-level
# ones per branch and SITE_ACCESS for the council only.
MEMBER_SUM_ITEMS = [
    "SCHOLAR_REFI",
    "SCHOLAR_PLUS",
    "UNION_SCHOLAR",
    "ZENRYOKU",
    "YOUNG_PACK",
    "ZAIKEI_NEW",
    "ACE_NEW",
    "IDECO_NEW",
    "TOSHIN_NEW",
    "JGB_NEW",
    "TOSHIN_TEIJI",
    "APP_CONTRACT",
    "ECO_PASSBOOK",
    "CONTACT_IB",
    "CONTACT_PAYROLL",
    "CONTACT_UC",
    "RETIRE_FUNDS",
    "SUMMER_DEPOSIT",
    "MORTGAGE",
    "SVC_MAIN",
    "SVC_DEPOSIT",
    "SVC_LOAN",
    "SVC_ASSET",
    "NONFACE",
]
BRANCH_ITEMS = ["ATM_USE", "CHARGE", "CONTACT_QR", "NPO_CONSULT", "NPO_ACCOUNT", "DEBT_CONSULT"]
COMPOSITES: dict[str, list[str]] = {
    "SVC_ASSET": ["IDECO_NEW", "TOSHIN_NEW", "JGB_NEW"],
    "NONFACE": ["APP_CONTRACT", "ECO_PASSBOOK", "CONTACT_IB"],
    "SVC_DEPOSIT": ["ZAIKEI_NEW", "ACE_NEW"],  # + おこさま口座 etc.
    "SVC_LOAN": [
        "SCHOLAR_REFI",
        "SCHOLAR_PLUS",
        "UNION_SCHOLAR",
        "ZENRYOKU",
        "YOUNG_PACK",
    ],  # + others
}

# Monthly seasonality, April..September (relative weights).
SEASON: dict[str, list[int]] = {
    "SVC_MAIN": [30, 16, 14, 14, 12, 14],  # new hires' salary transfers in April
    "SVC_DEPOSIT": [24, 16, 18, 16, 12, 14],
    "SVC_LOAN": [15, 16, 18, 18, 16, 17],
    "ZAIKEI_NEW": [36, 24, 10, 10, 10, 10],  # 未来設計スタートキャンペーン from 4/1
    "ACE_NEW": [26, 15, 18, 16, 12, 13],
    "RETIRE_FUNDS": [42, 24, 10, 9, 8, 7],  # retirement money arrives in April–May
    "SUMMER_DEPOSIT": [0, 0, 44, 56, 0, 0],  # サマーキャンペーン 6/3–7/31
    "APP_CONTRACT": [22, 16, 17, 15, 14, 16],
    "CHARGE": [14, 15, 16, 17, 18, 20],
    "POLICY_MEMBERS": [6, 8, 14, 18, 22, 32],  # conventions (定期大会) in summer and autumn
    "COMMITTEE_MEMBERS": [0, 0, 0, 0, 0, 1],  # counted as of 9月末
    "YOUNG_PACK": [24, 18, 16, 14, 14, 14],
}
FLAT = [16, 16, 17, 17, 17, 17]

# Money: (yen per unit, minimum units per loan/deposit, hidden number of
# deposits/loans for items reported as an amount only).
MONEY: dict[str, tuple[int, int, dict[int, int]]] = {
    "SCHOLAR_REFI": (10_000, 30, {}),
    "SCHOLAR_PLUS": (10_000, 80, {}),
    "UNION_SCHOLAR": (10_000, 50, {}),
    "SUMMER_DEPOSIT": (1_000, 100, {}),
    "RETIRE_FUNDS": (1_000, 500, {2024: 2_870, 2023: 2_710}),
    "MORTGAGE": (10_000, 500, {2024: 1_454, 2023: 1_398}),
}

# --------------------------------------------------------------------------
# The organisation tree.
# --------------------------------------------------------------------------

BLOCKS = ["石狩", "道央", "道南", "上川", "道北", "道東"]

# (店番, 店名, block, municipalities, members in FY2023)
BRANCHES: list[tuple[str, str, str, list[str], int]] = [
    ("001", "本店営業部", "石狩", ["札幌市"], 80),
    ("002", "札幌中央支店", "石狩", ["札幌市"], 62),
    ("003", "札幌北支店", "石狩", ["札幌市", "当別町"], 48),
    ("005", "札幌東支店", "石狩", ["札幌市"], 46),
    ("006", "札幌南支店", "石狩", ["札幌市"], 40),
    ("007", "札幌西支店", "石狩", ["札幌市"], 42),
    ("008", "新札幌支店", "石狩", ["札幌市", "北広島市"], 40),
    ("009", "手稲出張所", "石狩", ["札幌市"], 22),
    ("010", "江別支店", "石狩", ["江別市", "新篠津村"], 34),
    ("011", "千歳支店", "石狩", ["千歳市", "恵庭市"], 32),
    ("013", "石狩出張所", "石狩", ["石狩市"], 16),
    ("101", "小樽支店", "道央", ["小樽市", "余市町", "積丹町"], 34),
    ("102", "岩見沢支店", "道央", ["岩見沢市", "美唄市", "三笠市"], 30),
    ("103", "滝川支店", "道央", ["滝川市", "砂川市", "芦別市", "深川市"], 28),
    ("104", "苫小牧支店", "道央", ["苫小牧市", "白老町", "厚真町"], 40),
    ("105", "室蘭支店", "道央", ["室蘭市", "登別市"], 36),
    ("106", "伊達出張所", "道央", ["伊達市", "洞爺湖町"], 14),
    ("107", "静内出張所", "道央", ["新ひだか町", "浦河町"], 12),
    ("108", "倶知安出張所", "道央", ["倶知安町", "ニセコ町", "岩内町"], 15),
    ("201", "函館支店", "道南", ["函館市", "北斗市", "七飯町"], 42),
    ("202", "五稜郭支店", "道南", ["函館市"], 30),
    ("203", "八雲出張所", "道南", ["八雲町", "長万部町"], 14),
    ("204", "江差出張所", "道南", ["江差町", "上ノ国町"], 13),
    ("301", "旭川支店", "上川", ["旭川市", "鷹栖町", "東神楽町"], 48),
    ("302", "旭川東支店", "上川", ["旭川市", "当麻町"], 36),
    ("303", "富良野出張所", "上川", ["富良野市", "美瑛町", "上富良野町"], 18),
    ("304", "名寄支店", "上川", ["名寄市", "士別市"], 19),
    ("401", "稚内支店", "道北", ["稚内市", "豊富町"], 22),
    ("402", "留萌支店", "道北", ["留萌市", "増毛町"], 20),
    ("403", "紋別出張所", "道北", ["紋別市", "興部町"], 18),
    ("501", "釧路支店", "道東", ["釧路市", "釧路町", "白糠町"], 40),
    ("502", "帯広支店", "道東", ["帯広市", "音更町", "芽室町"], 42),
    ("503", "北見支店", "道東", ["北見市", "美幌町"], 30),
    ("504", "網走支店", "道東", ["網走市", "斜里町"], 16),
    ("505", "根室出張所", "道東", ["根室市"], 10),
    ("506", "中標津出張所", "道東", ["中標津町", "別海町"], 11),
]
NEW_MEMBERS_FY2024 = 12  # unions that joined in FY2024 (no FY2023 headcount or figures)

SAPPORO_WARDS = ["中央", "北", "東", "白石", "厚別", "豊平", "清田", "南", "西", "手稲"]
BIG_CITIES = {"札幌市": 12, "旭川市": 3, "函館市": 3, "釧路市": 2, "苫小牧市": 2, "帯広市": 2}

# Company-like name stems (fictional).
STEMS = [
    "北海",
    "道央",
    "大雪",
    "十勝",
    "北斗",
    "北星",
    "白樺",
    "藻岩",
    "羊蹄",
    "北光",
    "明和",
    "共栄",
    "大成",
    "新星",
    "旭",
    "日の出",
    "北陽",
    "光洋",
    "大通",
    "豊平",
    "月寒",
    "円山",
    "北辰",
    "東邦",
    "平和",
    "協和",
    "三和",
    "丸北",
    "北進",
    "はまなす",
    "すずらん",
    "ライラック",
    "ポプラ",
    "北央",
    "泉",
    "桜ヶ丘",
    "石狩湾",
    "オホーツク",
    "宗谷",
    "日高",
    "渡島",
    "後志",
    "空知",
    "胆振",
    "根釧",
    "ノースランド",
    "ほくと",
    "ことに",
    "えりも",
    "摩周",
    "大沼",
]

# A few stems with 髙 and 﨑: not in Shift_JIS proper (only in CP932), so they
# must survive every round trip as typed.
RARE_STEMS = ["髙砂", "岩﨑", "山﨑", "髙栄"]

# 産別 → (weight, [(name pattern, base headcount)]). Patterns: {muni} 札幌市,
# {city} a 市 only, {area} 札幌中央/旭川 (札幌 split by ward), {short} 旭川, {stem}.
FEDERATIONS: list[tuple[str, int, list[tuple[str, int]]]] = [
    (
        "自治労",
        26,
        [
            ("{muni}職員労働組合", 300),
            ("{city}立病院労働組合", 150),
            ("{city}水道局労働組合", 60),
            ("{muni}現業労働組合", 40),
            ("{muni}臨時・非常勤職員労働組合", 40),
            ("{muni}社会福祉協議会職員労働組合", 25),
            ("全道庁労働組合{area}支部", 180),
            ("社会福祉法人{stem}会労働組合", 60),
            ("{stem}病院労働組合", 110),
            ("{muni}学校給食労働組合", 30),
        ],
    ),
    ("北教組", 5, [("北教組{area}支部", 350)]),
    (
        "日教組",
        3,
        [
            ("北海道高等学校教職員組合{area}支部", 150),
            ("北海道私立学校教職員組合{stem}学園分会", 40),
        ],
    ),
    ("JP労組", 6, [("JP労組{area}支部", 150), ("ＪＰ労組{area}支部", 120)]),
    (
        "私鉄総連",
        3,
        [("{short}交通労働組合", 120), ("{stem}バス労働組合", 80), ("{stem}観光バス労働組合", 30)],
    ),
    ("電機連合", 3, [("{stem}電機労働組合", 120), ("{stem}電子工業労働組合", 90)]),
    (
        "UAゼンセン",
        9,
        [
            ("{stem}ストア労働組合", 200),
            ("{stem}フーズ労働組合", 80),
            ("{stem}ドラッグ労働組合", 60),
            ("{stem}ホームセンター労働組合", 80),
            ("{stem}ホテルユニオン", 50),
        ],
    ),
    (
        "基幹労連",
        2,
        [("{stem}製鋼労働組合", 250), ("{stem}鉄工労働組合", 60), ("{stem}造船労働組合", 100)],
    ),
    (
        "情報労連",
        4,
        [
            ("{stem}通信労働組合", 80),
            ("{stem}情報システム労働組合", 60),
            ("{stem}ＩＴサービス労働組合", 40),
        ],
    ),
    (
        "運輸労連",
        6,
        [("{stem}運輸労働組合", 80), ("{stem}物流労働組合", 60), ("{stem}通運労働組合", 40)],
    ),
    ("全開発", 1, [("全開発{short}支部", 150)]),
    ("国公連合", 3, [("国税労働組合{short}支部", 60), ("北海道法務労働組合{short}支部", 40)]),
    ("自動車総連", 3, [("{stem}自動車労働組合", 100), ("{stem}モータース労働組合", 40)]),
    ("JAM", 3, [("{stem}機械労働組合", 60), ("{stem}製作所労働組合", 50)]),
    ("電力総連", 2, [("{stem}電力サービス労働組合", 80), ("{stem}電設労働組合", 60)]),
    (
        "フード連合",
        3,
        [("{stem}乳業労働組合", 80), ("{stem}製菓労働組合", 50), ("{stem}水産加工労働組合", 40)],
    ),
    ("サービス連合", 2, [("{stem}観光ホテル労働組合", 50), ("{stem}リゾート労働組合", 40)]),
    ("交通労連", 2, [("{stem}ハイヤー労働組合", 40), ("{stem}タクシー労働組合", 30)]),
]
# 産別 that give the bank their retirees' information (退職金結集運動): more retirement money.
RETIREE_FEDERATIONS = {"全開発": 3, "JP労組": 2, "北教組": 2, "自治労": 2}
