"""A complete, realistic sample snapshot for the contract templates.

The dict returned by :func:`sample_snapshot` follows ``documents/builtin/SCHEMA.md``
key for key: amounts are strings in 万元 with four decimals, ``*_capital`` the same
amounts in yuan as Chinese capital numerals, dates strings such as "2026年3月1日".
It is used for template previews and tests. The renderer adds ``qr``; this module
does not. Plain data, standard library only (no Django), so it can be imported
anywhere.

The figures add up as the contract service computes them: total 1200 万元 =
enterprise 700 + government 500; the first payment (首付款) is 60 % of the government
share (300, on signing); the milestones' ``tranche_share`` (30/30/20/20, adding up to
100 %) split the remaining 900 (enterprise 700 + government 200) into the four later
tranches, each due on its milestone's date (start + ``due_month``); the budget lines (the
2021 subjects, 财政 500 + 自筹 700) sum to the total.
"""

import copy

CONTRACT_NUMBER = "HT-2026-000012"
VERIFY_BASE = "https://jbgs.example.gov.cn/documents/verify/"

_DOCS = {
    "task_book": {"suffix": "RW", "kind_label": "项目任务书"},
    "tri_party": {"suffix": "XY", "kind_label": "三方协议"},
}

_PARTIES = {
    "issuer": {
        "role_label": "甲方（发榜单位）",
        "name": "示范市华晶集成电路制造有限公司",
        "credit_code": "91320400MA1Q7K3H24",
        "address": "示范市高新技术产业开发区晶圆路88号",
        "representative": "周立新",
        "contact_name": "陈思远",
        "contact_phone": "0519-86528801",
    },
    "team": {
        "role_label": "乙方（揭榜单位）",
        "name": "示范理工大学",
        "credit_code": "12320400466001852Q",
        "address": "示范市科教城大学路1号",
        "representative": "王建国",
        "contact_name": "刘敏",
        "contact_phone": "0519-86330215",
    },
    "bureau": {
        "role_label": "丙方（市科学技术局）",
        "name": "示范市科学技术局",
        "credit_code": "11320400014109496X",
        "address": "示范市龙城大道1280号",
        "representative": "李明华",
        "contact_name": "张磊",
        "contact_phone": "0519-85681234",
    },
}

# The partners of the lead unit (乙方); the lead's own share is the rest (65 %).
_CONSORTIUM = [
    {
        "name": "示范精密装备研究院有限公司",
        "credit_code": "91320411MA20LB6U83",
        "work_share": "25.00",
        "responsibilities": "负责键合腔体、晶圆传输机构的工程化设计与制造，"
        "以及整机装配、调试和可靠性试验。",
    },
    {
        "name": "示范芯测科技有限公司",
        "credit_code": "91320412MA1XK8R5QF",
        "work_share": "10.00",
        "responsibilities": "负责对准精度、键合空洞率和键合强度检测方法开发及产线验证数据分析。",
    },
]

_PI = {
    "name": "林振华",
    "title": "教授",
    "employer": "示范理工大学",
    "phone": "13961120586",
}

_TEAM_MEMBERS = [
    {"name": "林振华", "title": "教授", "employer": "示范理工大学", "role_label": "项目负责人"},
    {"name": "赵雅琴", "title": "研究员", "employer": "示范理工大学", "role_label": "核心成员"},
    {
        "name": "孙浩",
        "title": "正高级工程师",
        "employer": "示范精密装备研究院有限公司",
        "role_label": "核心成员",
    },
    {"name": "吴佳", "title": "副教授", "employer": "示范理工大学", "role_label": "成员"},
    {
        "name": "钱志远",
        "title": "高级工程师",
        "employer": "示范芯测科技有限公司",
        "role_label": "成员",
    },
]

_INDICATORS = [
    {
        "no": 1,
        "name": "键合对准精度",
        "published": "≤ 200 nm（3σ）",
        "committed": "≤ 150 nm（3σ）",
        "unit": "nm",
        "test_method": "采用红外透射对准测量，连续键合25片12英寸晶圆，"
        "每片测量不少于9个点位，按3σ统计。",
    },
    {
        "no": 2,
        "name": "键合界面空洞率",
        "published": "≤ 1 %",
        "committed": "≤ 0.5 %",
        "unit": "%",
        "test_method": "采用超声扫描显微镜对键合后晶圆全片扫描，按空洞面积占键合面积的比例计算。",
    },
    {
        "no": 3,
        "name": "键合强度",
        "published": "≥ 2.0 J/m²",
        "committed": "≥ 2.5 J/m²",
        "unit": "J/m²",
        "test_method": "按刀片插入法（双悬臂梁法）测试，随机抽样不少于5片。",
    },
    {
        "no": 4,
        "name": "单机产能",
        "published": "≥ 15 片/小时",
        "committed": "≥ 20 片/小时",
        "unit": "片/小时",
        "test_method": "在甲方12英寸生产线连续运行72小时，统计平均产能。",
    },
]

_MILESTONES = [
    {
        "no": 1,
        "title": "整机方案设计与关键部件研制",
        "due_date": "2026年9月1日",
        "due_month": 6,
        "deliverables": "整机方案设计评审报告；高精度对准模块、键合腔体样件及其性能测试报告；"
        "申请发明专利不少于2件。",
        "tranche_share": "30.00",
        "amount": "270.0000",
        "amount_capital": "人民币贰佰柒拾万元整",
    },
    {
        "no": 2,
        "title": "工程样机集成与工艺开发",
        "due_date": "2027年3月1日",
        "due_month": 12,
        "deliverables": "工程样机1台（套）完成集成调试；对准精度、空洞率指标达到承诺值的"
        "第三方检测报告。",
        "tranche_share": "30.00",
        "amount": "270.0000",
        "amount_capital": "人民币贰佰柒拾万元整",
    },
    {
        "no": 3,
        "title": "产线验证与可靠性提升",
        "due_date": "2027年9月1日",
        "due_month": 18,
        "deliverables": "在甲方12英寸生产线完成不少于500片晶圆的工艺验证；可靠性试验报告；"
        "设备操作与维护规范。",
        "tranche_share": "20.00",
        "amount": "180.0000",
        "amount_capital": "人民币壹佰捌拾万元整",
    },
    {
        "no": 4,
        "title": "项目验收与示范应用",
        "due_date": "2028年3月1日",
        "due_month": 24,
        "deliverables": "全部考核指标的第三方检测报告；甲方出具的示范应用证明；"
        "项目总结报告、经费决算报告及知识产权清单。",
        "tranche_share": "20.00",
        "amount": "180.0000",
        "amount_capital": "人民币壹佰捌拾万元整",
    },
]

_FUNDING = {
    "total": "1200.0000",
    "total_capital": "人民币壹仟贰佰万元整",
    "enterprise": "700.0000",
    "enterprise_capital": "人民币柒佰万元整",
    "government": "500.0000",
    "government_capital": "人民币伍佰万元整",
    "first_payment": "300.0000",
    "first_payment_capital": "人民币叁佰万元整",
}

_TRANCHES = [
    {
        "no": 0,
        "label": "首付款",
        "condition": "合同签订生效后",
        "due_date": "合同生效之日起三十日内",
        "amount": "300.0000",
        "amount_capital": "人民币叁佰万元整",
        "enterprise_part": "0.0000",
        "government_part": "300.0000",
    },
    {
        "no": 1,
        "label": "第1期",
        "condition": "里程碑1通过评估后",
        "due_date": "2026年9月1日",
        "amount": "270.0000",
        "amount_capital": "人民币贰佰柒拾万元整",
        "enterprise_part": "210.0000",
        "government_part": "60.0000",
    },
    {
        "no": 2,
        "label": "第2期",
        "condition": "里程碑2通过评估后",
        "due_date": "2027年3月1日",
        "amount": "270.0000",
        "amount_capital": "人民币贰佰柒拾万元整",
        "enterprise_part": "210.0000",
        "government_part": "60.0000",
    },
    {
        "no": 3,
        "label": "第3期",
        "condition": "里程碑3通过评估后",
        "due_date": "2027年9月1日",
        "amount": "180.0000",
        "amount_capital": "人民币壹佰捌拾万元整",
        "enterprise_part": "140.0000",
        "government_part": "40.0000",
    },
    {
        "no": 4,
        "label": "第4期",
        "condition": "里程碑4通过评估后",
        "due_date": "2028年3月1日",
        "amount": "180.0000",
        "amount_capital": "人民币壹佰捌拾万元整",
        "enterprise_part": "140.0000",
        "government_part": "40.0000",
    },
]

_BUDGET_LINES = [
    {
        "category": "设备费",
        "subject": "equipment",
        "government": "160.0000",
        "self_raised": "220.0000",
        "amount": "380.0000",
        "note": "红外对准相机、精密运动平台等关键部件购置与试制",
    },
    {
        "category": "业务费",
        "subject": "operating",
        "government": "205.0000",
        "self_raised": "290.0000",
        "amount": "495.0000",
        "note": "工艺验证晶圆与键合材料、第三方检测与精密加工、差旅会议、专利事务",
    },
    {
        "category": "劳务费",
        "subject": "labour",
        "government": "70.0000",
        "self_raised": "95.0000",
        "amount": "165.0000",
        "note": "研究生及项目聘用人员劳务、专家咨询",
    },
    {
        "category": "间接费用",
        "subject": "indirect",
        "government": "65.0000",
        "self_raised": "95.0000",
        "amount": "160.0000",
        "note": "由乙方统筹管理使用",
    },
]


def sample_snapshot(kind="task_book", *, lump_sum=False, horse_race=True):
    """Return a fresh sample context for a contract template of ``kind``.

    ``kind`` is "task_book" or "tri_party" (it only changes ``doc``). ``lump_sum``
    switches the funding to 包干制 (no budget lines); ``horse_race`` turns the
    赛马制 clause on or off. The dict is JSON-serialisable and never shared
    between calls.
    """
    spec = _DOCS[kind]
    doc_number = f"{CONTRACT_NUMBER}-{spec['suffix']}-V1"
    return copy.deepcopy(
        {
            "doc": {
                "number": doc_number,
                "kind_label": spec["kind_label"],
                "version": 1,
                "generated_on": "2026年2月20日",
                "verify_url": f"{VERIFY_BASE}{doc_number}/",
            },
            "contract": {
                "number": CONTRACT_NUMBER,
                "city": "示范市",
                "sign_place": "示范市高新技术产业开发区",
                "start_date": "2026年3月1日",
                "end_date": "2028年3月1日",
                "period_months": 24,
                "first_payment_percent": "60",
                "lump_sum": lump_sum,
                "ip_terms_label": "双方共有",
                "ip_terms_detail": (
                    "本项目执行过程中形成的专利、计算机软件著作权、技术秘密等知识产权由甲方与乙方共同所有；"
                    "甲方在其生产经营范围内享有无偿实施的权利，乙方保留用于教学和科学研究的非商业性使用权；"
                    "任何一方向第三方许可或者转让共有知识产权，应当经另一方书面同意，"
                    "所得收益由甲方与乙方按照60%和40%的比例分配。"
                ),
                "confidentiality_label": "保密：详细信息仅向符合条件的揭榜方提供",
                "dispute_body": "示范市仲裁委员会",
                "is_horse_race": horse_race,
                "winners_allowed": 2 if horse_race else 1,
                "task_book_number": f"{CONTRACT_NUMBER}-{_DOCS['task_book']['suffix']}-V1",
            },
            "challenge": {
                "ocid": "ocds-jbgs01-2026-000037",
                "title": "12英寸晶圆级键合设备国产化",
                "industry": "集成电路",
                "problem": (
                    "12英寸晶圆级键合设备是三维集成、背照式图像传感器和先进封装制造的关键装备，"
                    "目前国内生产线所用设备基本依赖进口，采购周期长、售后响应慢，存在断供风险。"
                    "现有国产样机在对准精度、键合空洞率和产能稳定性等方面与进口设备差距明显，"
                    "难以满足量产要求。需突破高精度红外对准、大面积均匀加热加压、低空洞键合工艺"
                    "及整机集成控制等关键技术。"
                ),
                "deliverable": (
                    "研制具有自主知识产权的12英寸晶圆级键合设备工程化样机1台（套），"
                    "通过第三方检测并在甲方12英寸生产线完成不少于500片晶圆的工艺验证，"
                    "形成设备技术规范、工艺规范及操作维护手册，申请发明专利不少于5件。"
                ),
            },
            "parties": _PARTIES,
            "consortium": _CONSORTIUM,
            "pi": _PI,
            "team_members": _TEAM_MEMBERS,
            "indicators": _INDICATORS,
            "milestones": _MILESTONES,
            "funding": _FUNDING,
            "tranches": _TRANCHES,
            "budget": {
                "lump_sum": lump_sum,
                "total": "1200.0000",
                "government": "" if lump_sum else "500.0000",
                "self_raised": "" if lump_sum else "700.0000",
                "lines": [] if lump_sum else _BUDGET_LINES,
                "reconciles": True,
            },
        }
    )
