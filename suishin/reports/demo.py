"""Demo step: the FY2024 上期 report definition, whose narrative is the seed's
"I. 2024年度上期推進活動総括" with every figure replaced by a placeholder, so
the demo report reads like the seed and every number in it is computed.

Idempotent: an existing definition (perhaps edited since) is left alone.
Section keys quoted here are the other apps' (activity_expenses, donations,
block_trainings); until an app registers its key, the report prints "－"
there and lists a warning.
"""

from __future__ import annotations

from collections.abc import Callable

from suishin.core.errors import DomainError
from suishin.reports.definitions import BlockSpec
from suishin.reports.models import BlockKind, ReportDefinition

FISCAL_YEAR = 2024
HALF = 1
TITLE = "{report.period_label}推進活動総括"

N, T, S, P = BlockKind.NARRATIVE, BlockKind.GROUP_TABLE, BlockKind.SECTION, BlockKind.PAGE_BREAK

INTRO = """\
上期におけるろうきん運動の推進は、北海道ろうきんにおける「長期ビジョン（～2024年度）」の集大成となる「中期経営計画（2022～2024年度）」の最終年度として、ろうきんが掲げるコアバリューの実現が、組合員の生活向上に繋がることに確信を持ち、会員・推進機構が一丸となって各種取組みを進めました。
具体的には、連合北海道・2023生活アンケートの結果をふまえ、「つなぐプロジェクト for SDGs」推進運動を基軸とし、ろうきん運動の原点である「預金結集」や「可処分所得向上運動」を進め、組合員との接点強化に資する各種取組みを行うことで、ろうきんメインバンクNo.1への取組みを展開しました。"""

FOCUS = """\
<重点取組項目>
1. 【つなぐプロジェクト for SDGs】における「自主目標設定運動」の取組み
(1) 【つなぐプロジェクト for SDGs】の達成に向け「会員自主目標推進運動」を『重点取組み項目』に設定し、ろうきん運動の強化・ろうきん利用者の裾野拡大に取組みました。
(2) 各店・出張所推進委員会においては、「会員自主目標の設定件数」が「つなぐプロジェクト会員目標」に近づくよう取組みを展開した結果、会員自主目標推進運動は{report.end_month_short}時点で{SELF_TARGET_MEMBERS.count}会員となりました。【資料1-①・②参照】
2. 【生活応援運動】における「可処分所得向上運動」の取組み【資料2参照】
(1) 『共通取組み』である【生活応援運動】の展開において、昨今の物価高騰や借入利率の上昇等の状況を踏まえ、より重要性が増している家計の可処分所得向上に資する取組みを『重点取組項目』に設定し、組合員の生活改善に取組みました。
(2) 取組みにあたっては、「住きっと！500」に含まれるカードローン借換額を新たに算出基準に加え、可処分所得向上額{DISPOSABLE.target_amount|oku}を目標とし、職域活動費を活用した学習会等による組合員への周知活動、「他行・他社高金利ローンからろうきんの低金利商品への借換推進」や「奨学金借換ローンの周知活動」によって、組合員の可処分所得向上に資する運動を展開しました。なお、自治労北海道が、奨学金の返済に苦慮する仲間の支援に加え、組織強化と次代の担い手育成につなげることを目的に、北海道労働金庫と連携の上、{UNION_SCHOLAR.cum_since}に取扱いを開始した組合保証の「奨学金借換ローン」は、{report.end_month}時点で、{UNION_SCHOLAR.cum_count}件、{UNION_SCHOLAR.cum_amount|oku}の取組実績となりました。"""

FOCUS_FIGURES = """\
【重点取組項目】
① 可処分所得向上運動
可処分所得向上額（{report.end_month}時点）
【実績】{DISPOSABLE.amount|oku}（前年同期比{DISPOSABLE.prev_amount_diff|oku}）
可処分所得向上運動に関する学習会開催実績（{report.end_month}時点）
【実績】{STUDY_DISPOSABLE.count}件／{STUDY_DISPOSABLE.amount}名（前年同期比{STUDY_DISPOSABLE.prev_diff}件／{STUDY_DISPOSABLE.prev_amount_diff}名）
② 「奨学金借換ローン」「奨学金借換+αローン」周知運動
【奨学金借換ローン】
奨学金借換ローン新規実績（{report.end_month}時点）
【実績】{SCHOLAR_REFI.count}件／{SCHOLAR_REFI.amount|oku}（前年同期比{SCHOLAR_REFI.prev_diff}件／{SCHOLAR_REFI.prev_amount_diff|oku}）
奨学金借換ローン累計実績（{report.end_month}時点）
【実績】{SCHOLAR_REFI.cum_count}件／{SCHOLAR_REFI.cum_amount|oku}（集計期間：{SCHOLAR_REFI.cum_since}～{report.end}）
【奨学金借換+αローン】
奨学金借換+αローン新規実績（{report.end_month}時点）
【実績】{SCHOLAR_PLUS.count}件／{SCHOLAR_PLUS.amount|oku}（前年同期比{SCHOLAR_PLUS.prev_diff}件／{SCHOLAR_PLUS.prev_amount_diff|oku}）
③ 非正規雇用組合員取引拡大運動
全力応援pack（非正規勤労者向け融資商品）新規件数（{report.end_month}時点）
【実績】{ZENRYOKU.count}件（前年同期比{ZENRYOKU.prev_diff}件）"""

COMMON = """\
<共通取組項目>
1. 「つなぐプロジェクト for SDGs」推進運動の展開【資料3-①～③参照】
(1) ろうきんが、組合員にとって「身近な金融機関」であり、更には「一番利用される金融機関」となるよう、会員・推進機構とろうきんが一体となって、ろうきん運動の強化と利用者の裾野拡大に取り組みました。
(2) 具体的には、「会員自主目標推進運動」を基軸として、年度当初に寄付先を選定し、地域団体への貢献と連携を進めたうえで、大会議案書での取組方針化や機関紙掲載、また執行委員会・学習会等での議題化等により、フルキャッシュバックサービスの周知をはじめ、組合員へ広く知らせる活動を展開しました。
(3) 結果として、上期末時点での同プロジェクト対象項目の預金・融資・各種サービス新規取引実績は{SVC_TOTAL.count}件、北海道ろうきんATM利用件数は{ATM_USE.count}件、ろうきん口座からのスマホ決済チャージ回数は{CHARGE.count}回、非対面項目が{NONFACE.count}件、ろうきん運動項目が{MOV_TOTAL.count}件、NPOとの連携項目が{NPO_TOTAL.count}件となりました。利用実績やろうきん運動項目等に応じた福祉団体への寄付見込額は{donations.donation_yen|sen}（前年同期比{donations.donation_diff|sen}）となりました。"""

LIFE = """\
2. 「生活応援運動」の取組み ～「生活設計」「生活改善」「生活防衛」～
(1) 「生活設計」運動の取組み
① 「2024“人生100年時代”未来設計スタートキャンペーン」を展開し、組合員の資産形成に取組みました。取組みにあたっては、組合員の「貯蓄」と「投資」のバランスに配慮し、特に勤労者のみが利用できる財形貯蓄制度について、資産形成における重要な「守りの資産」であることを周知し取組みました。
2024“人生100年時代”未来設計スタートキャンペーン（4月1日～1月31日）新規件数（{report.end_month}時点）
財形新規件数：{ZAIKEI_NEW.count}件／iDeCo新規件数：{IDECO_NEW.count}件／投資信託定時定額買付（NISA制度含む）：{TOSHIN_TEIJI.count}件
※ キャンペーン対象商品（適用条件有）　ア. ためるコース：「財形貯蓄」の新規契約または増額契約　イ. 運用するコース：「iDeCo」または「投資信託定時定額買付」の新規契約
エース預金新規件数（{report.end_month}時点）
【新規件数】{ACE_NEW.count}件（前年同期比{ACE_NEW.prev_diff}件）
投資信託・国債新規件数（{report.end_month}時点）
投資信託新規件数：{TOSHIN_NEW.count}件／国債新規件数：{JGB_NEW.count}件
② 退職者層の生涯取引に向けて、前年度から引き続き「退職金結集運動」を展開し、産別からの退職者情報提供（4産別）「全開発・JP労組・北教組における機関会議での取組方針化」「説明会・セミナー開催（12会員・124名）」など会員・推進機構による主体的な運動に取り組みました。【資料4参照】
退職金結集金額（{report.end_month}時点）
【運動目標】{RETIRE_FUNDS.target_amount|oku}【運動成果】{RETIRE_FUNDS.fy_amount|oku}（目標対比{RETIRE_FUNDS.target_amount_diff|oku}）
③ ろうきん運動の原点である「季節キャンペーン」を展開し、夏季一時金の預入について、取組みを実施しました。
2024サマーキャンペーン実績（6月3日～7月31日）
【定期・エース預金新規預入】{SUMMER_DEPOSIT.count}件・{SUMMER_DEPOSIT.amount|oku}（{report.prev_fiscal_year}年度比{SUMMER_DEPOSIT.prev_diff}件・{SUMMER_DEPOSIT.prev_amount_diff|oku}）
④ 「つなぐプロジェクト」と連動し、非対面商品・サービスの取引拡大に取り組みました。
ろうきんアプリ契約件数（{report.end_month}時点）
【契約件数】{APP_CONTRACT.count}件【累計契約件数（{APP_CONTRACT.cum_since}～{report.end_month}）】{APP_CONTRACT.cum_count}件
エコ通帳［通帳不発行型の普通預金口座］（{report.end_month}時点）
【新規件数】{ECO_PASSBOOK.count}件（前年同期比{ECO_PASSBOOK.prev_diff}件）
(2) 「生活改善」運動の取組み【資料5-①～③参照】
「可処分所得向上運動」を【重点取組項目】に設定し、ろうきんとの連携強化を図りました。また、組合員の「生活向上」に資する取組みとして、住宅ローンや轟ローン・教育ローンなどの目的ローンの周知、利用拡大に取り組みました。
① 住宅ローン推進運動
有担保ローン新規目標額（{report.end_month}時点）
【目標】{MORTGAGE.target_amount|oku}【実績】{MORTGAGE.fy_amount|oku}（目標対比{MORTGAGE.target_amount_diff|oku}）
(3) 「生活防衛」運動の取組み
① 組合員の突発的な出費に備え、「マイプラン」保有運動を展開しました。特に若年層において「マイプラン」の適用金利が優遇される「Young packキャンペーン」の周知活動を展開しています。
Young packキャンペーン実績（{report.end_month}時点）
【実績】{YOUNG_PACK.count}件（前年同期比{YOUNG_PACK.prev_diff}件）
② マネートラブルや多重債務から会員・組合員を守るための運動として、動画視聴等を活用した学習会・セミナー等の開催に取り組めました。【資料6-①・②参照】
生活防衛運動に関する学習会開催回数（{report.end_month}時点）
【開催回数】{STUDY_DEFENCE.count}件【参加組合員数】{STUDY_DEFENCE.amount}人
③ 多重債務に陥った組合員の相談は、北海道ろうきんの「お客様相談室」「本支店・出張所多重債務相談員」と連携し対応を行いました。
多重債務相談（{report.end_month}時点）
【高金利ローン借換・多重債務相談件数】{DEBT_CONSULT.count}件"""

EXPENSES = """\
3. 職域活動費の効果的な活用【資料7-①・②参照】
(1) 会員による職域活動費を活用した学習会は{activity_expenses.sessions}回、延べ{activity_expenses.attendees}名の出席となり、会員組合員との接点強化が図られました（内、WEBを活用した学習会は{activity_expenses.web_sessions}回となりました）。
(2) 主に、「新人説明会」「若年層説明会」「住宅ローン等商品説明会」「資産形成に関する学習会」を目的とした活用となりました。
(3) 取組みの結果、職域活動費の活用が浸透し、活用金額は{activity_expenses.paid|yen}（前年同期比{activity_expenses.paid_diff|sen}）となりました。"""

ORGANISATION = """\
4. 推進機構活性化運動の展開
(1) 運動の基盤強化
ろうきん運動基盤拡大に向け、「大会議案書へのろうきん運動方針化」「組合機関紙への商品・サービスの掲載」「職場推進委員会の設置・活性化」【資料8参照】に取り組めました。結果として、「大会議案書へのろうきん運動方針化」は{POLICY_MEMBERS.count}会員、「組合機関紙への商品・サービスの掲載」は{NEWSLETTER_MEMBERS.count}会員、「職場推進委員会の設置数」は{COMMITTEE_MEMBERS.count}会員となりました。
(2) 「組合員様専用サイト」の活用
ろうきんがホームページ上に開設している「組合員様専用サイト」を活用し、地域・職場で工夫しながら取り組んでいる各級ろうきん推進委員会の独自キャンペーン等の取組共有を図りました。また、必要に応じて同サイト内にある「ろうきんNews」「機関紙用データ」を基にした教宣物の作成した他、「WEBアンケートBOX」を活用した取組みを展開した結果、当該ページへのアクセス数は{SITE_ACCESS.count}件となりました。
(3) ナショナルセンターとの連携
「連合北海道」「北海道労働者福祉協議会」が「勤労者福祉の向上」を目的に展開する「勤労者福祉向上キャンペーン」の一環として、関係団体との合同による労働福祉事業団体の利用拡大に向けた要請活動を都合19産別に対し実施しました。要請活動については、現在日程調整をおこなっておりますが、引き続き、4ブロック労福協に対して実施される予定です。加えて、労福協運動の理念・歴史を継承するために開催された「北部労福協『第9回労働者福祉運動の理念・歴史講座』」に参画しました。"""

TRAINING = """\
5. ブロック別研修会の開催
今年度のブロック別研修会は、参加対象者をろうきん運動の担い手となる会員中堅役員ならびに青年女性層組合員とし、上期は9月28日に上川ブロックで開催しました。
下期については2ブロック（道東、石狩）にて開催を予定しています。"""

FRIENDS = """\
6. 「ろうきん友の会」「北海道退職者連合」との連携
「ろうきん友の会」「北海道退職者連合」と「北海道ろうきん」が連携し、「年金口座移管運動」を展開した結果、ろうきんでの年金受取口座は{PENSION_ACCOUNTS.count}件（{PENSION_ACCOUNTS.as_of}時点）となりました。"""

CONTACT = """\
7. 組合員とろうきんの接点拡大に向けた取組み
「団体インターネットバンキング」、「賃金控除事務支援サービス」、「QR伝票作成システム」、「ろうきんUC法人カード」を推進し、会員・ろうきん双方の事務負担の軽減を図るとともに、ろうきん職員と組合員の更なる接点拡大に向けて取組み展開しました。"""

BLOCKS: list[BlockSpec] = [
    BlockSpec(N, body=INTRO),
    BlockSpec(N, body=FOCUS),
    BlockSpec(N, body=FOCUS_FIGURES),
    BlockSpec(N, body=COMMON),
    BlockSpec(T, title="【預金・融資・各種サービス実績】", group="預金・融資・各種サービス"),
    BlockSpec(T, title="【北海道ろうきんATM利用件数】", group="ATM利用",
              body="※ 北海道ろうきんATMにて入金・出金（ローンカード含む）1回につき{ATM_USE.donation_rate}円を寄付。"),
    BlockSpec(T, title="【ろうきん口座からのスマホ決済チャージ回数】", group="スマホ決済チャージ",
              body="※ 北海道ろうきん口座からのスマホ決済チャージ回数1回につき{CHARGE.donation_rate}円を寄付。"),
    BlockSpec(T, title="【非対面項目実績】", group="非対面"),
    BlockSpec(T, title="【ろうきん運動項目実績】", group="ろうきん運動"),
    BlockSpec(T, title="【NPOとの連携項目実績】", group="NPO連携"),
    BlockSpec(T, title="【会員自主目標推進運動実績】", group="会員自主目標"),
    BlockSpec(BlockKind.CHART, title="項目別の達成率（{report.end_month}）", chart="items"),
    BlockSpec(BlockKind.CHART, title="ブロック別の達成率（預金・融資・各種サービス合計）", chart="blocks", item_code="SVC_TOTAL"),
    BlockSpec(BlockKind.CHART, title="月別の推移と目標ペース（預金・融資・各種サービス合計）", chart="trend", item_code="SVC_TOTAL"),
    BlockSpec(P),
    BlockSpec(N, body=LIFE),
    BlockSpec(N, body=EXPENSES),
    BlockSpec(N, body=ORGANISATION),
    BlockSpec(N, body=TRAINING),
    BlockSpec(S, title="【{report.fiscal_year}年度ブロック別研修会開催日・開催地一覧】", section_key="block_trainings"),
    BlockSpec(N, body=FRIENDS),
    BlockSpec(N, body=CONTACT),
    BlockSpec(T, title="【{report.start}～{report.end}】", group="接点拡大", value_label="件数"),
]


def load(log: Callable[[str], None] = print) -> None:
    from suishin.reports.services import save_definition

    if ReportDefinition.objects.filter(fiscal_year=FISCAL_YEAR, half=HALF).exists():
        log(f"{'reports':<16} 2024年度上期推進活動総括の定義は登録済みです（変更しません）")
        return
    try:
        save_definition(actor=None, fiscal_year=FISCAL_YEAR, half=HALF, title=TITLE, blocks=BLOCKS)
    except DomainError as exc:
        # The catalog disagrees with the narrative: the report still opens with
        # the default layout; say why instead of stopping the whole demo.
        log(f"{'reports':<16} 2024年度上期推進活動総括の定義を作成できません: {exc.message}")
        return
    log(f"{'reports':<16} 2024年度上期推進活動総括の定義を作成しました（{len(BLOCKS)}ブロック）")
