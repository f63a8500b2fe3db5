"""Demo data (演示数据): a year in three jurisdictions, for the CLI, the notebook and the tests.

Pure and deterministic: no I/O, no wall clock; the same ``seed`` always gives the same org
charts and the same acts. :func:`build_demo` returns three jurisdictions, because each rule
applies only in the packs that cite it and no single pack cites every family:

- ``changle`` 昌乐县 — the main county, ~25 units, judged by ``changle-2022`` (ESC, DOC, MTG,
  LEV, DEC, RES);
- ``dongqu`` 东区 — a district judged by ``dongqu-2012`` (DOC intake/sequence, MTG timing,
  INC, SUP, DEC …);
- ``yiyuan`` 沂源县 — a smaller county judged by ``yiyuan`` (ESC, LEV, SUP, SVC, DEC, DIS).

Every jurisdiction holds cases of every kind; most follow procedure and a realistic
minority (about one in seven) breaks it in one of the ways the rule catalog
(``docs/rules.md``) describes — a skipped level, a late phone report, a signature
without authority, leave approved after departure, minutes issued late, a missing 销假, an
overdue supervision item, a second request for materials, a missing legality review, a
weaker sanction than required, a research quota short … The acts do not include
``deadline_missed``: the ledger's clock records those (:func:`demo_violations` runs it once
at ``clock``).

Names, ids and numbers are invented; the jurisdictions borrow the names of the regulations'
places only so that the packs read naturally.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from domain.calendar import WorkCalendar

if TYPE_CHECKING:
    from domain.acts import Act
    from domain.org import OrgChart
    from domain.rules.base import Violation

TZ = timezone(timedelta(hours=8))

__all__ = ["DemoJurisdiction", "build_demo", "demo_acts", "demo_violations"]


@dataclass
class DemoJurisdiction:
    """One demo jurisdiction: its org file (as a mapping), its acts and when to run the clock."""

    org: dict[str, Any]
    acts: list[dict[str, Any]]
    clock: str
    #: case id → the breach planted in it ("" = meant to be compliant); for the CLI/tests.
    planted: dict[str, str] = field(default_factory=dict)

    @property
    def jurisdiction(self) -> str:
        return str(self.org["jurisdiction"])

    @property
    def pack(self) -> str:
        return str(self.org["pack"])


# ---------------------------------------------------------------------------------------
# Names and places
# ---------------------------------------------------------------------------------------

SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
    ("胡", "hu"), ("朱", "zhu"), ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo"),
    ("马", "ma"), ("罗", "luo"), ("梁", "liang"), ("宋", "song"), ("郑", "zheng"), ("谢", "xie"),
    ("韩", "han"), ("唐", "tang"), ("冯", "feng"), ("于", "yu"), ("董", "dong"), ("程", "cheng"),
    ("曹", "cao"), ("袁", "yuan"), ("邓", "deng"), ("傅", "fu"), ("沈", "shen"), ("曾", "zeng"),
    ("彭", "peng"), ("吕", "lv"), ("苏", "su"), ("卢", "lu"), ("蒋", "jiang"), ("蔡", "cai"),
    ("贾", "jia"), ("丁", "ding"), ("魏", "wei"), ("薛", "xue"), ("叶", "ye"), ("田", "tian"),
]  # fmt: skip
GIVEN = [
    ("建国", "jianguo"), ("建华", "jianhua"), ("国强", "guoqiang"), ("志强", "zhiqiang"), ("丽华", "lihua"),
    ("秀英", "xiuying"), ("海燕", "haiyan"), ("明", "ming"), ("伟", "wei"), ("静", "jing"), ("磊", "lei"),
    ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("超", "chao"), ("敏", "min"), ("红梅", "hongmei"), ("晓东", "xiaodong"), ("春生", "chunsheng"),
    ("文博", "wenbo"), ("立新", "lixin"), ("卫东", "weidong"), ("玉兰", "yulan"), ("德胜", "desheng"),
    ("振华", "zhenhua"), ("俊峰", "junfeng"), ("晓燕", "xiaoyan"), ("志刚", "zhigang"), ("宏伟", "hongwei"),
    ("秀兰", "xiulan"), ("永刚", "yonggang"), ("桂英", "guiying"), ("建军", "jianjun"), ("国华", "guohua"),
    ("海涛", "haitao"), ("晓明", "xiaoming"), ("雪梅", "xuemei"), ("金龙", "jinlong"), ("云飞", "yunfei"),
    ("庆丰", "qingfeng"), ("学军", "xuejun"), ("新民", "xinmin"), ("凤英", "fengying"), ("长江", "changjiang"),
    ("树林", "shulin"), ("瑞华", "ruihua"), ("晨曦", "chenxi"), ("思远", "siyuan"), ("子涵", "zihan"),
    ("雨桐", "yutong"), ("嘉怡", "jiayi"), ("浩然", "haoran"), ("一鸣", "yiming"), ("佳琪", "jiaqi"),
    ("泽宇", "zeyu"), ("欣然", "xinran"), ("春燕", "chunyan"), ("保国", "baoguo"), ("爱民", "aimin"),
]  # fmt: skip

#: Department code → (name without the county prefix, area 分管领域, title of its head).
DEPTS: dict[str, tuple[str, str, str]] = {
    "fgj": ("发展和改革局", "发展改革", "局长"),
    "czj": ("财政局", "财政", "局长"),
    "sfj": ("司法局", "司法", "局长"),
    "zcyj": ("政府政策研究室", "政策研究", "主任"),
    "jyj": ("教育和体育局", "教育", "局长"),
    "mzj": ("民政局", "民政", "局长"),
    "zrj": ("自然资源和规划局", "自然资源", "局长"),
    "zjj": ("住房和城乡建设局", "住房城建", "局长"),
    "nyj": ("农业农村局", "农业农村", "局长"),
    "wjj": ("卫生健康局", "卫生健康", "局长"),
    "yjj": ("应急管理局", "应急管理", "局长"),
    "scj": ("市场监督管理局", "市场监管", "局长"),
    "spj": ("行政审批服务局", "政务服务", "局长"),
    "gaj": ("公安局", "公安", "局长"),
}

SUBJECTS: dict[str, list[str]] = {
    "发展改革": [
        "年度重点项目建设计划",
        "以工代赈项目资金安排",
        "县域经济高质量发展实施方案",
        "粮食储备轮换",
        "重大项目前期工作经费",
    ],
    "财政": [
        "年度预算调整方案",
        "政府专项债券资金分配",
        "行政事业单位国有资产清查",
        "惠民惠农补贴发放",
        "政府采购管理",
    ],
    "司法": ["法治政府建设年度报告", "行政复议案件办理", "公共法律服务体系建设", "人民调解工作"],
    "政策研究": ["营商环境政策评估", "县域发展战略研究", "年度重大课题调研"],
    "教育": ["义务教育学校布局调整", "校舍安全改造", "教师招聘计划", "学前教育普惠发展"],
    "民政": ["城乡低保标准调整", "养老服务中心建设", "殡葬改革", "困难群众临时救助"],
    "自然资源": ["国土空间总体规划", "耕地保护责任目标", "年度建设用地出让计划", "矿山生态修复"],
    "住房城建": ["老旧小区改造", "城市燃气管道更新改造", "保障性住房分配", "建筑工地扬尘治理"],
    "农业农村": ["高标准农田建设", "农村人居环境整治", "春耕生产", "重大动物疫病防控"],
    "卫生健康": ["县域医共体建设", "基本公共卫生服务", "传染病防控", "村卫生室标准化建设"],
    "应急管理": ["安全生产专项整治", "防汛抗旱准备", "森林防火", "应急物资储备"],
    "市场监管": ["食品安全专项检查", "特种设备安全隐患排查", "公平竞争审查", "个体工商户培育"],
    "政务服务": ["一网通办改革", "政务服务事项清单调整", "帮办代办服务", "工程建设项目审批制度改革"],
    "公安": ["道路交通安全整治", "社会治安防控体系建设", "校园周边治安整治", "电信网络诈骗防范宣传"],
}
TOWN_SUBJECTS = ["美丽乡村建设", "村级集体经济发展", "农村道路养护", "镇区供水管网改造", "防汛物资储备"]

SERVICE_MATTERS = [
    ("企业设立登记", 3), ("建设工程规划许可", 15), ("食品经营许可", 10), ("城乡低保申请", 20),
    ("不动产登记", 5), ("施工许可证核发", 7), ("道路运输经营许可", 15), ("药品零售许可", 15),
    ("残疾人两项补贴申请", 15), ("医师执业注册", 20), ("排水许可", 10), ("户外广告设置许可", 7),
]  # fmt: skip
SERVICE_MATERIALS = [
    "营业执照复印件",
    "法定代表人身份证明",
    "场所使用证明",
    "申请表",
    "委托书",
    "收入证明",
    "户口簿",
    "设计图纸",
    "消防验收意见",
]

INCIDENT_TYPES = [
    ("道路交通事故", "general"), ("民房火灾", "general"), ("企业粉尘爆燃", "larger"), ("山体滑坡", "larger"),
    ("危化品运输车辆侧翻", "larger"), ("食物中毒", "general"), ("河道溺水", "general"), ("燃气泄漏", "larger"),
]  # fmt: skip

BREACHES = [
    (1, "对群众正当办事要求推诿扯皮、超时限办理"),
    (2, "接受服务对象吃请"),
    (4, "向服务对象乱收费"),
    (5, "插手干预工程建设招标"),
]


@dataclass(frozen=True)
class _Spec:
    jurisdiction: str
    prefix: str
    pack: str
    pack_from: str
    place: str  # 昌乐县
    lv: str  # 县 / 区
    depts: tuple[str, ...]
    towns: tuple[tuple[str, str], ...]  # (code, name)
    n_vice: int
    scale: float
    trip: tuple[int, int, int]  # month, day, days: the head's trip (delegation window)
    divisions: tuple[tuple[str, str, str], ...]  # (code, name, parent code)


SPECS = (
    _Spec(
        "changle",
        "cl",
        "changle-2022",
        "2022-10-12",
        "昌乐县",
        "县",
        ("fgj", "czj", "sfj", "zcyj", "jyj", "mzj", "zrj", "zjj", "nyj", "wjj", "yjj", "scj", "spj", "gaj"),
        (("cg", "城关街道"), ("dc", "东城街道"), ("hh", "红河镇"), ("qs", "青山镇"), ("ll", "柳林镇")),
        4,
        1.0,
        (9, 9, 10),
        (("office-msk", "秘书科", "office"), ("office-dcs", "督查室", "office"), ("fgj-zhk", "综合科", "fgj"), ("spj-ck", "政务服务窗口科", "spj")),
    ),
    _Spec(
        "dongqu",
        "dq",
        "dongqu-2012",
        "2012-05-31",
        "东区",
        "区",
        ("fgj", "czj", "sfj", "zcyj", "yjj", "spj", "scj"),
        (("xh", "新华街道"), ("hb", "河滨镇")),
        3,
        0.75,
        (10, 14, 9),
        (("office-dcs", "督查室", "office"),),
    ),
    _Spec(
        "yiyuan",
        "yy",
        "yiyuan",
        "2004-01-01",
        "沂源县",
        "县",
        ("fgj", "czj", "sfj", "zcyj", "mzj", "spj", "nyj"),
        (("ns", "南山街道"), ("sm", "石门镇")),
        3,
        0.55,
        (5, 13, 10),
        (("office-dcs", "督查室", "office"),),
    ),
)  # fmt: skip


# ---------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------


@dataclass
class _Appt:
    person: str
    since: date
    until: date | None


class _County:
    """Builds one jurisdiction's org file and a year of acts."""

    def __init__(self, spec: _Spec, year: int, rng: random.Random) -> None:
        self.s = spec
        self.year = year
        self.rng = rng
        self.cal = WorkCalendar()
        self.acts: list[dict[str, Any]] = []
        self.planted: dict[str, str] = {}
        self._n = 0
        self._docno: dict[str, int] = {}
        self._sup_plan: list[str] = []
        self._sup_i = 0
        self._cases: dict[str, int] = {}
        self._names: set[str] = set()
        self._ids: set[str] = set()
        self.units: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.people: list[dict[str, Any]] = []
        self.appointments: list[dict[str, Any]] = []
        self.in_charge: list[dict[str, Any]] = []
        self.covers: list[list[str]] = []
        self.delegations: list[dict[str, Any]] = []
        self.holders: dict[str, list[_Appt]] = {}
        self.charge_of: dict[str, str] = {}  # unit code → vice-head post key
        self.area_of: dict[str, str] = {}  # unit code → area
        self.away: dict[str, list[tuple[date, date]]] = {}  # vice-head key → leave windows
        m, d, n = spec.trip
        self.trip = (date(year, m, d), date(year, m, d) + timedelta(days=n - 1))
        self._build_org()

    # ---- ids, people, time ---------------------------------------------------------
    def uid(self, code: str) -> str:
        return f"u-{self.s.prefix}-{code}"

    def pid(self, key: str) -> str:
        return f"{self.s.prefix}-{key}"

    def who(self, key: str, d: date | datetime) -> str:
        """The person holding post ``key`` on day ``d``."""
        day = d.date() if isinstance(d, datetime) else d
        for ap in self.holders[key]:
            if ap.since <= day and (ap.until is None or day < ap.until):
                return ap.person
        return self.holders[key][-1].person

    def name_of(self, person: str) -> str:
        for p in self.people:
            if p["id"] == person:
                return str(p["name"])
        return person

    def _person(self) -> str:
        rng = self.rng
        while True:
            (sz, sp), (gz, gp) = rng.choice(SURNAMES), rng.choice(GIVEN)
            name = sz + gz
            if name in self._names:
                continue
            self._names.add(name)
            base = f"p-{self.s.prefix}-{sp}{gp}"
            pid, k = base, 2
            while pid in self._ids:
                pid, k = f"{base}{k}", k + 1
            self._ids.add(pid)
            self.people.append({"id": pid, "name": name})
            return pid

    def at(self, d: date, hhmm: str) -> datetime:
        h, m = hhmm.split(":")
        return datetime.combine(d, time(int(h), int(m)), TZ)

    def wd(self, d: date, n: int) -> date:
        """The ``n``-th working day after (n > 0) or before (n < 0) ``d``; ``d`` for 0."""
        if n >= 0:
            return self.cal.add_working_days(d, n)
        cur, k = d, 0
        while k < -n:
            cur -= timedelta(days=1)
            if self.cal.is_workday(cur):
                k += 1
        return cur

    def workday_on_or_after(self, d: date) -> date:
        while not self.cal.is_workday(d):
            d += timedelta(days=1)
        return d

    def later(self, t: datetime, lo: int, hi: int) -> datetime:
        """``t`` plus lo..hi minutes, kept inside office hours (08:30–17:30) of working days."""
        n = t + timedelta(minutes=self.rng.randint(lo, hi))
        if n.time() > time(17, 30) or not self.cal.is_workday(n.date()):
            nd = self.wd(n.date(), 1)
            n = self.at(nd, "08:40") + timedelta(minutes=self.rng.randint(0, 40))
        elif n.time() < time(8, 30):
            n = self.at(n.date(), "08:40")
        return n

    def minutes(self, t: datetime, lo: int, hi: int) -> datetime:
        """``t`` plus lo..hi minutes, whatever the hour (incidents)."""
        return t + timedelta(minutes=self.rng.randint(lo, hi))

    def spread(self, n: int, start: tuple[int, int] = (1, 8), end: tuple[int, int] = (12, 6)) -> list[date]:
        """``n`` working days spread over the year (with jitter), avoiding the head's trip."""
        a, b = date(self.year, *start), date(self.year, *end)
        span = (b - a).days
        out = []
        for i in range(n):
            base = a + timedelta(days=int(span * (i + 0.5) / max(n, 1)))
            d = base + timedelta(days=self.rng.randint(-3, 3))
            d = min(max(d, a), b)
            d = self.workday_on_or_after(d)
            if self.trip[0] - timedelta(days=8) <= d <= self.trip[1]:
                d = self.workday_on_or_after(self.trip[1] + timedelta(days=1 + self.rng.randint(0, 3)))
            out.append(d)
        return out

    # ---- acts ----------------------------------------------------------------------
    def case(self, code: str) -> str:
        return self.case_in(self.year, code)

    def case_in(self, year: int, code: str) -> str:
        key = f"{code}-{year}"
        n = self._cases.get(key, 0) + 1
        self._cases[key] = n
        return f"{self.s.prefix.upper()}-{code}-{year}-{n:03d}"

    def act(self, case: str, kind: str, act: str, at: datetime, by: str, unit: str, /, **data: Any) -> dict[str, Any]:
        self._n += 1
        clean: dict[str, Any] = {}
        for k, v in data.items():
            if v is None:
                continue
            if isinstance(v, (datetime, date)):
                v = v.isoformat()
            elif isinstance(v, tuple):
                v = list(v)
            clean[k] = v
        a = {
            "id": f"a-{self.s.prefix}-{self._n:06d}",
            "case": case,
            "kind": kind,
            "act": act,
            "at": at.isoformat(),
            "by": by,
            "unit": unit,
            "data": clean,
        }
        self.acts.append(a)
        return a

    def plant(self, case: str, variant: str) -> None:
        self.planted[case] = "" if variant in ("ok", "emergency_ok", "dept_ok") else variant

    # ---- the org chart -------------------------------------------------------------
    def _post(self, key: str, title: str, unit_code: str, rank: str, *, since: str | None = None) -> str:
        post = self.pid(key)
        self.posts.append({"id": post, "title": title, "unit": self.uid(unit_code), "rank": rank})
        person = self._person()
        s = (
            since
            or f"{self.year - self.rng.randint(2, 5)}-{self.rng.choice(['01', '03', '06', '09', '11'])}-{self.rng.choice(['05', '12', '18', '26'])}"
        )
        self.appointments.append({"person": person, "post": post, "since": s})
        self.holders[key] = [_Appt(person, date.fromisoformat(s), None)]
        return post

    def _change(self, key: str, on: date) -> None:
        """Mid-year appointment change: the holder of ``key`` is relieved on ``on`` and replaced."""
        post = self.pid(key)
        old = self.holders[key][-1]
        for ap in self.appointments:
            if ap["post"] == post and ap["person"] == old.person and "until" not in ap:
                ap["until"] = on.isoformat()
        old.until = on
        person = self._person()
        self.appointments.append({"person": person, "post": post, "since": on.isoformat()})
        self.holders[key].append(_Appt(person, on, None))

    def _build_org(self) -> None:
        s, lv = self.s, self.s.lv
        self.units.append({"id": self.uid("gov"), "name": f"{s.place}人民政府", "type": "government"})
        self.units.append(
            {"id": self.uid("office"), "name": f"{s.place}人民政府办公室", "type": "office", "parent": self.uid("gov")}
        )
        for code in s.depts:
            name = DEPTS[code][0]
            full = f"{s.place}{name}" if code != "zcyj" else f"{s.place}人民政府政策研究室"
            self.units.append({"id": self.uid(code), "name": full, "type": "department", "parent": self.uid("gov")})
            self.area_of[code] = DEPTS[code][1]
        for code, name in s.towns:
            self.units.append(
                {"id": self.uid(code), "name": f"{s.place}{name}", "type": "town", "parent": self.uid("gov")}
            )
            self.area_of[code] = name
        for code, name, parent in s.divisions:
            self.units.append({"id": self.uid(code), "name": name, "type": "division", "parent": self.uid(parent)})
        self.area_of["office"] = "政府办公室"

        # government leaders
        self._post("head", f"{lv}长", "gov", "head")
        self._post("evh", f"常务副{lv}长", "gov", "exec_vice_head")
        for i in range(1, s.n_vice + 1):
            self._post(f"vh{i}", f"副{lv}长", "gov", "vice_head")
        # the general office
        self._post("od", f"{lv}政府办公室主任", "office", "office_director")
        self._post("odd1", f"{lv}政府办公室副主任", "office", "office_deputy")
        self._post("odd2", f"{lv}政府办公室副主任", "office", "office_deputy")
        self._post("sec1", "秘书", "office", "secretary")
        self._post("sec2", "秘书", "office", "secretary")
        self._post("csec", "机要秘书", "office", "confidential_secretary")
        dcs = "office-dcs" if any(c == "office-dcs" for c, _, _ in s.divisions) else "office"
        self._post("dcs", "督查室主任", dcs, "division_head")
        self._post("dcs-staff", "督查专员", dcs, "staff")
        if any(c == "office-msk" for c, _, _ in s.divisions):
            self._post("msk", "秘书科科长", "office-msk", "division_head")
        # departments
        for code in s.depts:
            name, _area, head_title = DEPTS[code]
            short = name if code != "zcyj" else "政策研究室"
            self._post(f"{code}-head", f"{short}{head_title}", code, "dept_head")
            self._post(f"{code}-dep", f"{short}副{head_title}", code, "dept_deputy")
            self._post(f"{code}-staff", f"{short}科员", code, "staff")
            if code == "gaj":
                self._post("gaj-pol", "公安局政治处主任", code, "political_dept")
        for code, name, parent in s.divisions:
            if parent != "office":
                self._post(f"{code}-head", f"{DEPTS[parent][0]}{name}科长", code, "division_head")
                self._post(f"{code}-staff", f"{name}工作人员", code, "staff")
        # towns: 镇长/街道办事处主任 first, so that it is the unit's principal head
        for code, name in s.towns:
            street = name.endswith("街道")
            self._post(f"{code}-head", f"{name}{'办事处主任' if street else '镇长'}", code, "dept_head")
            self._post(f"{code}-sec", f"{name}{'党工委书记' if street else '党委书记'}", code, "dept_head")
            self._post(f"{code}-dep", f"{name}{'办事处副主任' if street else '副镇长'}", code, "dept_deputy")
            self._post(f"{code}-staff", f"{name}工作人员", code, "staff")

        # who is in charge of what (分管)
        evh_units = [c for c in ("czj", "zcyj", "spj") if c in s.depts] + ["office"]
        rest = [c for c in s.depts if c not in evh_units]
        vhs = [f"vh{i}" for i in range(1, s.n_vice + 1)]
        charges: dict[str, list[str]] = {"evh": list(evh_units), **{v: [] for v in vhs}}
        for i, c in enumerate(rest):
            charges[vhs[i % len(vhs)]].append(c)
        for i, (c, _) in enumerate(s.towns):
            charges[vhs[(i + 1) % len(vhs)]].append(c)
        since = f"{self.year - 1}-03-01"
        for key, codes in charges.items():
            for c in codes:
                self.charge_of[c] = key
            self.in_charge.append(
                {
                    "post": self.pid(key),
                    "units": [self.uid(c) for c in codes],
                    "areas": [self.area_of[c] for c in codes],
                    "since": since,
                }
            )
        # AB角 and the head's written delegation while travelling
        self.covers.append([self.pid("vh1"), self.pid("vh2")])
        if s.n_vice >= 4:
            self.covers.append([self.pid("vh3"), self.pid("vh4")])
        self.delegations.append(
            {
                "from_post": self.pid("head"),
                "to_post": self.pid("evh"),
                "scope": "sign",
                "since": self.trip[0].isoformat(),
                "until": self.trip[1].isoformat(),
            }
        )
        # mid-year appointment changes (a department head transferred, an office deputy promoted)
        self._change("czj-head", date(self.year, 7, 1))
        self._change("odd2", date(self.year, 4, 15))
        self.towns = [c for c, _ in s.towns]
        self.vhs = vhs

    def org(self) -> dict[str, Any]:
        s = self.s
        return {
            "jurisdiction": s.jurisdiction,
            "pack": s.pack,
            "pack_from": s.pack_from,
            "timezone": "Asia/Shanghai",
            "units": self.units,
            "posts": self.posts,
            "people": self.people,
            "appointments": self.appointments,
            "in_charge": self.in_charge,
            "covers": self.covers,
            "delegations": self.delegations,
        }

    # ---- helpers on the chart ------------------------------------------------------
    def vh_for(self, code: str) -> str:
        """Post key of the leader in charge of unit ``code``."""
        return self.charge_of.get(code, "evh")

    def unit_head(self, code: str) -> str:
        return "od" if code == "office" else f"{code}-head"

    def subject(self, code: str) -> str:
        area = self.area_of.get(code, "")
        return self.rng.choice(SUBJECTS.get(area) or TOWN_SUBJECTS)

    def applies(self, packs: str) -> bool:
        return packs == "*" or self.s.pack in packs.split(",")

    def cases_over_year(
        self,
        n: int,
        bad: Sequence[tuple[str, str]],
        make: Callable[[date, str], None],
        start: tuple[int, int],
        end: tuple[int, int],
        *,
        extra_rate: float = 0.05,
    ) -> None:
        """``n`` cases spread over the year, each made by ``make(day, variant)``."""
        days = self.spread(n, start, end)
        for d, v in zip(days, self.variants(n, bad, extra_rate=extra_rate), strict=True):
            make(d, v)

    def variants(self, n: int, bad: Sequence[tuple[str, str]], extra_rate: float = 0.05) -> list[str]:
        """``n`` variants: every breach that the pack checks once, the rest mostly compliant."""
        mine = [v for v, packs in bad if self.applies(packs)]
        out = list(mine)
        while len(out) < n:
            if mine and self.rng.random() < extra_rate:
                out.append(self.rng.choice(mine))
            else:
                out.append("ok")
        self.rng.shuffle(out)
        return out

    # =================================================================================
    # request 请示/报告
    # =================================================================================
    REQUEST_BAD = (
        ("skip_level", "changle-2022,yiyuan"),
        ("direct_to_leader", "*"),
        ("emergency_no_followup", "yiyuan"),
        ("multi_head", "yiyuan"),
        ("two_matters", "changle-2022"),
        ("report_with_request", "changle-2022"),
        ("signed_by_deputy", "changle-2022"),
        ("late_answer", "changle-2022"),
    )

    def gen_requests(self, n: int) -> None:
        codes = [*self.s.depts, *self.towns]
        days = self.spread(n)
        vs = self.variants(n, self.REQUEST_BAD)
        vs[len(vs) // 2] = "emergency_ok" if vs[len(vs) // 2] == "ok" else vs[len(vs) // 2]
        for d, v in zip(days, vs, strict=True):
            self.request(d, self.rng.choice(codes), v)

    def request(self, d: date, code: str, v: str) -> None:
        rng = self.rng
        c = self.case("REQ")
        self.plant(c, v)
        unit = self.uid(code)
        area = self.area_of[code]
        vh = self.vh_for(code)
        to_head = (
            v in ("skip_level", "emergency_no_followup", "emergency_ok", "late_answer", "multi_head")
            or rng.random() < 0.6
        )
        doc_type = "报告" if v == "report_with_request" or (v == "ok" and rng.random() < 0.3) else "请示"
        subj = self.subject(code)
        title = f"关于{subj}{'有关事项的请示' if doc_type == '请示' else '情况的报告'}"
        emergency = v in ("emergency_no_followup", "emergency_ok")
        if emergency:
            title = f"关于{self.s.place}{rng.choice(['突发山洪', '化工企业泄漏', '重大疫情'])}紧急处置事项的请示"
        head_of_unit = self.who(self.unit_head(code), d)
        signer = self.who(f"{code}-dep", d) if v == "signed_by_deputy" else head_of_unit
        # 主送县政府: a request is addressed to the government and goes through the office;
        # only the "direct" breach addresses a leader personally
        target = self.pid(vh) if v == "direct_to_leader" else self.uid("gov")
        t = self.at(d, f"{rng.randint(8, 9):02d}:{rng.choice(['30', '40', '50'])}")
        self.act(c, "request", "signed", t, signer, unit, name=self.name_of(signer), date=d)
        t = self.later(t, 10, 30)
        self.act(
            c,
            "request",
            "filed",
            t,
            head_of_unit,
            unit,
            doc_type=doc_type,
            title=title,
            subject_area=area,
            matters=2 if v == "two_matters" else 1,
            contains_request_items=v == "report_with_request",
            emergency=emergency,
            leader_assigned=False,
            classification="none",
            to=target,
        )
        gov, office = self.uid("gov"), self.uid("office")
        od = self.who("od", d)
        t = self.later(t, 10, 30)
        if v == "direct_to_leader":
            # 直送领导个人: the unit hands the document to the vice head in charge
            self.act(c, "request", "forwarded", t, head_of_unit, unit, to=self.pid(vh))
        else:
            self.act(c, "request", "forwarded", t, head_of_unit, unit, to=self.pid("od"))
            t = self.later(t, 20, 60)
            if v not in ("skip_level",) and not emergency:
                self.act(c, "request", "forwarded", t, od, office, to=self.pid(vh))
            if v == "multi_head":
                other = rng.choice([k for k in ["evh", *self.vhs] if k != vh])
                self.act(c, "request", "forwarded", self.later(t, 1, 5), od, office, to=self.pid(other))
                self.act(
                    c, "request", "opinion_given", self.later(t, 60, 90), self.who(other, d), gov, opinion="原则同意"
                )
        if v == "late_answer":
            t = self.at(self.wd(t.date(), 4), "10:30")  # 压件: the guidance comes days later
        if not emergency and v != "skip_level":
            t = self.later(t, 40, 120)
            self.act(
                c,
                "request",
                "opinion_given",
                t,
                self.who(vh, d),
                gov,
                opinion=rng.choice(["拟同意，请县长审定", "同意，请县长阅示", "原则同意"]) if to_head else "同意",
            )
        if to_head:
            t = self.later(t, 20, 60)
            fwd_by, fwd_unit = (head_of_unit, unit) if v == "direct_to_leader" else (od, office)
            self.act(c, "request", "forwarded", t, fwd_by, fwd_unit, to=self.pid("head"))
        t = self.later(t, 30, 90)
        answerer = self.who("head", t) if to_head else self.who(vh, t)
        opinion = (
            "已阅"
            if doc_type == "报告" and v != "report_with_request"
            else rng.choice(["同意", "同意，请财政局按程序办理", "同意，抓紧落实"])
        )
        self.act(c, "request", "answered", t, answerer, gov, opinion=opinion)
        if v == "emergency_ok":
            t2 = self.later(t, 30, 120)
            self.act(c, "request", "informed_afterwards", t2, head_of_unit, unit, to=self.pid(vh))

    # =================================================================================
    # incoming_document 收文
    # =================================================================================
    INCOMING_BAD = (
        ("slow_intake", "dongqu-2012"),
        ("late_signoff", "dongqu-2012"),
        ("late_transfer", "dongqu-2012"),
        ("overdue_handling", "dongqu-2012"),
        ("never_completed", "dongqu-2012"),
        ("destroy_unwitnessed", "dongqu-2012"),
        ("approval_incomplete", "changle-2022,yiyuan"),
    )
    SENDERS = (
        "市人民政府办公室",
        "市发展和改革委员会",
        "市财政局",
        "市应急管理局",
        "市人民政府",
        "省人民政府办公厅",
        "市生态环境局",
    )

    def extend(
        self,
        c: str,
        code: str,
        head_key: str,
        unit: str,
        t1: datetime,
        new: datetime,
        *,
        hours: int,
        reason: str | None = None,
    ) -> datetime:
        """An extension 延期: requested by the unit head at ``t1``, approved by the vice head in charge ``hours`` later."""
        extra = {"reason": reason} if reason else {}
        self.act(c, "supervision", "extension_requested", t1, self.who(head_key, t1), unit, new_deadline=new, **extra)
        self.act(
            c,
            "supervision",
            "extension_approved",
            t1 + timedelta(hours=hours),
            self.who(self.vh_for(code), t1),
            self.uid("gov"),
            new_deadline=new,
        )
        return new

    def destroy_classified(
        self, c: str, kind: str, t: datetime, csec: str, office: str, witness: str, *, proper: bool
    ) -> None:
        """Destroying a classified document 销毁涉密文件: two witnesses and the director's approval, or (planted) one witness and no approval."""
        d = t.date()
        if proper:
            self.act(
                c,
                kind,
                "destroyed",
                t,
                csec,
                office,
                classified=True,
                witnesses=[self.who(witness, d), self.who("odd1", d)],
                approved_by=self.who("od", d),
            )
        else:
            self.act(c, kind, "destroyed", t, csec, office, classified=True, witnesses=[self.who(witness, d)])

    def gen_incoming(self, n: int) -> list[tuple[str, datetime, str]]:
        """Incoming documents; returns (case, sign-off time, handling unit) of leader instructions."""
        days = self.spread(n)
        vs = self.variants(n, self.INCOMING_BAD)
        out = []
        for i, (d, v) in enumerate(zip(days, vs, strict=True)):
            r = self.incoming(d, v, classified=(i % 9 == 4) or v == "destroy_unwitnessed")
            if r:
                out.append(r)
        return out

    def incoming(self, d: date, v: str, *, classified: bool = False) -> tuple[str, datetime, str] | None:
        rng = self.rng
        c = self.case("IN")
        self.plant(c, v)
        office, gov = self.uid("office"), self.uid("gov")
        code = rng.choice(self.s.depts)
        subj = self.subject(code)
        sender = rng.choice(self.SENDERS)
        same_day = v == "ok" and rng.random() < 0.1
        handling = "in_remit"
        if v in ("ok",):
            handling = rng.choice(["in_remit", "in_remit", "needs_approval", "multi_unit", "urgent"])
        csec, od, sec = self.who("csec", d), self.who("od", d), self.who("sec1", d)
        t = self.at(d, f"{rng.randint(8, 10):02d}:{rng.choice(['35', '45', '55', '05', '15'])}")
        self.act(
            c,
            "incoming_document",
            "received",
            t,
            csec,
            office,
            title=f"关于做好{subj}工作的通知" if not classified else f"关于{subj}的通报（秘密）",
            from_unit=sender,
            level="市级" if sender.startswith("市") else "省级",
            same_day=same_day,
            urgent=handling == "urgent",
            bypassed_level=False,
            classification="秘密" if classified else "none",
        )
        tp = t + timedelta(minutes=150 if v == "slow_intake" else rng.randint(5, 20))
        self.act(c, "incoming_document", "passed_to_director", tp, csec, office)
        th = tp + timedelta(minutes=rng.randint(10, 35))
        self.act(c, "incoming_document", "handling_proposed", th, od, office, proposal=f"拟请{DEPTS[code][0]}牵头办理")
        leader_key = "head" if rng.random() < 0.35 else self.vh_for(code)
        ts = th + timedelta(minutes=rng.randint(10, 30))
        self.act(c, "incoming_document", "submitted_for_signoff", ts, sec, office, to=self.pid(leader_key))
        if v == "late_signoff":
            tso = self.at(self.wd(ts.date(), 3), "10:20")
        else:
            tso = ts + timedelta(minutes=rng.randint(40, 200))
        leader = self.who(leader_key, tso)
        opinion = f"请{DEPTS[code][0]}抓紧研究落实，按时报送结果"
        if v == "approval_incomplete":
            self.act(c, "incoming_document", "signed_off", tso, leader, gov, opinion="阅")
        else:
            self.act(
                c,
                "incoming_document",
                "signed_off",
                tso,
                leader,
                gov,
                opinion=opinion,
                name=self.name_of(leader),
                date=tso.date(),
            )
        if v == "late_transfer":
            tt = self.at(self.wd(tso.date(), 1), "15:30")
        else:
            tt = tso + timedelta(minutes=rng.randint(15, 50))
        dl = None
        if handling == "urgent":
            dl = self.at(self.wd(tt.date(), 2), "17:00")
        self.act(
            c,
            "incoming_document",
            "transferred",
            tt,
            sec,
            office,
            to_unit=self.uid(code),
            handling=handling,
            deadline=dl,
        )
        if v == "never_completed":
            return None
        limit = {"in_remit": 3, "needs_approval": 5, "multi_unit": 7, "urgent": 1}[handling]
        k = limit + 3 if v == "overdue_handling" else rng.randint(1, limit)
        tc = self.at(self.wd(tt.date(), k), f"{rng.randint(9, 16):02d}:{rng.choice(['00', '20', '40'])}")
        self.act(c, "incoming_document", "completed", tc, self.who(f"{code}-head", tc), self.uid(code))
        ta = self.later(tc, 60, 600)
        self.act(c, "incoming_document", "archived", ta, csec, office)
        if classified:
            dd = self.workday_on_or_after(min(ta.date() + timedelta(days=rng.randint(30, 60)), date(self.year, 12, 20)))
            self.destroy_classified(
                c, "incoming_document", self.at(dd, "15:00"), csec, office, "sec2", proper=v != "destroy_unwitnessed"
            )
        if leader_key == "head" or rng.random() < 0.2:
            return c, tso, code
        return None

    # =================================================================================
    # outgoing_document 发文
    # =================================================================================
    OUTGOING_BAD = (
        ("skip_proofread", "dongqu-2012"),
        ("signed_before_review", "dongqu-2012"),
        ("missing_countersign", "*"),
        ("od_signed_gov_doc", "*"),
        ("vh_signed_normative", "changle-2022,dongqu-2012"),
        ("evh_signed_no_delegation", "changle-2022,dongqu-2012"),
        ("approval_incomplete", "changle-2022,yiyuan"),
        ("no_legality_review", "changle-2022,dongqu-2012"),
        ("no_fair_competition", "changle-2022"),
        ("late_submission", "changle-2022"),
        ("seal_before_signing", "changle-2022,dongqu-2012"),
        ("head_seal_unauthorized", "changle-2022"),
        ("destroy_unwitnessed", "dongqu-2012"),
        ("directive_without_approval", "changle-2022"),
        ("division_issues", "changle-2022"),
    )

    def gen_outgoing(self, n: int) -> None:
        days = self.spread(n)
        vs = self.variants(n, self.OUTGOING_BAD)
        # normative documents in the government's name: exactly one over the annual cap of 5
        # in changle-2022 (two more implement higher-level documents and do not count)
        shapes = ["gov"] * n
        ok_idx = [i for i, v in enumerate(vs) if v == "ok"]
        self.rng.shuffle(ok_idx)
        plan = ["normative"] * (6 if self.s.pack == "changle-2022" else 3) + ["normative_higher"] * 2
        plan += [
            "office",
            "office",
            "office",
            "dept",
            "dept",
            "dept_directive",
            "timebound",
            "timebound",
            "multi_area",
            "multi_area",
            "classified",
            "head_seal",
        ]
        normative_bad = {"vh_signed_normative", "evh_signed_no_delegation", "no_legality_review", "no_fair_competition"}
        n_norm_bad = sum(1 for v in vs if v in normative_bad)
        if self.s.pack == "changle-2022":
            plan = ["normative"] * (6 - n_norm_bad) + plan[6:]
        for i, shape in zip(ok_idx, plan, strict=False):
            shapes[i] = shape
        # documents signed by the executive vice head under the head's written delegation
        trip_days = [self.trip[0] + timedelta(days=k) for k in range((self.trip[1] - self.trip[0]).days + 1)]
        trip_days = [x for x in trip_days if self.cal.is_workday(x)]
        for i, (d, v, shape) in enumerate(zip(days, vs, shapes, strict=True)):
            if shape == "gov" and v == "ok" and i % 11 == 5 and trip_days:
                self.outgoing(self.wd(trip_days[0], -1), v, "delegated")
                trip_days = trip_days[2:]
            else:
                self.outgoing(d, v, shape)
        if self.s.pack == "changle-2022":
            self._mark_annual_cap(5)

    def _mark_annual_cap(self, cap: int) -> None:
        """Plant ``annual_cap`` on the government's normative documents signed beyond ``cap``."""
        normative = {
            a["case"]
            for a in self.acts
            if a["kind"] == "outgoing_document"
            and a["act"] == "drafted"
            and a["data"].get("normative")
            and not a["data"].get("implements_higher")
            and a["data"].get("issuer") == "government"
        }
        signed = sorted((a["at"], a["case"]) for a in self.acts if a["case"] in normative and a["act"] == "signed")
        for _, case in signed[cap:]:
            self.planted[case] = self.planted.get(case) or "annual_cap"

    def outgoing(self, d: date, v: str, shape: str) -> None:
        rng = self.rng
        c = self.case("OUT")
        self.plant(c, v)
        gov, office = self.uid("gov"), self.uid("office")
        code = rng.choice([x for x in self.s.depts if x not in ("sfj",)])
        if v == "division_issues":
            code = "fgj"
        lead = self.uid(code)
        vh = self.vh_for(code)
        normative = shape in ("normative", "normative_higher") or v in (
            "vh_signed_normative",
            "evh_signed_no_delegation",
            "no_legality_review",
            "no_fair_competition",
        )
        market = v == "no_fair_competition" or (normative and rng.random() < 0.3)
        if v == "vh_signed_normative" or v == "evh_signed_no_delegation" or v == "no_legality_review":
            market = False
        issuer = "government"
        if shape == "office":
            issuer = "office"
        elif shape in ("dept", "dept_directive") or v == "directive_without_approval":
            issuer = lead
        elif v == "division_issues":
            issuer = self.uid("fgj-zhk")
        areas = [self.area_of[code]]
        concerned: list[str] = []
        others = [x for x in self.s.depts if x != code and x != "sfj"]
        if shape == "multi_area" or v == "missing_countersign":
            other = rng.choice([x for x in others if self.vh_for(x) != vh] or others)
            areas.append(self.area_of[other])
            concerned = [other]
        elif issuer == "government" and rng.random() < 0.4:
            concerned = [rng.choice(others)]
        directive = shape == "dept_directive" or v == "directive_without_approval"
        classified = shape == "classified" or v == "destroy_unwitnessed"
        subj = self.subject(code)
        if normative:
            title = f"{self.s.place}{subj}管理办法"
            doc_type = "办法"
        elif issuer == "office":
            subj = rng.choice(["春节期间值班", "机关节能降耗", "公文处理规范", "政务信息报送", "机关安全保卫"])
            title = f"关于做好{subj}工作的通知"
            doc_type = "通知"
        elif directive:
            title = f"关于切实做好{subj}工作的通知"
            doc_type = "通知"
        else:
            doc_type = rng.choice(["通知", "意见", "批复", "函"])
            title = f"关于{subj}的{doc_type}"
        timebound = shape == "timebound" or v == "late_submission"
        t = self.at(d, f"{rng.randint(8, 10):02d}:{rng.choice(['30', '45', '50'])}")
        drafter_unit = office if issuer == "office" else (issuer if v == "division_issues" else lead)
        drafter = (
            self.who("sec2", d)
            if issuer == "office"
            else (self.who("fgj-zhk-head", d) if v == "division_issues" else self.who(f"{code}-staff", d))
        )
        draft_at = t
        # the deadline of a time-bound request is set when drafting (报送时限)
        deadline = None
        if timebound:
            sub_day = self.wd(d, 2)
            deadline = self.at(self.wd(sub_day, 1 if v == "late_submission" else 6), "17:00")
        self.act(
            c,
            "outgoing_document",
            "drafted",
            draft_at,
            drafter,
            drafter_unit,
            doc_type=doc_type,
            title=title,
            issuer=issuer,
            areas=areas,
            concerned_units=[self.uid(x) for x in concerned],
            normative=normative,
            market_related=market,
            implements_higher=shape == "normative_higher",
            deadline=deadline,
            urgent=False,
            directive_to_lower=directive,
            classification="秘密" if classified else "none",
        )
        t = self.later(t, 60, 240)
        # 会签: each concerned unit's head, and for several vice heads' areas each vice head
        if v != "missing_countersign":
            for x in concerned:
                p = self.who(f"{x}-head", t)
                self.act(
                    c,
                    "outgoing_document",
                    "countersigned",
                    t,
                    p,
                    self.uid(x),
                    post=self.pid(f"{x}-head"),
                    unit=self.uid(x),
                )
                t = self.later(t, 30, 120)
            if issuer == "government":
                # 内容涉及数名副县长分管范围的，需请其他副县长会签 (the vice head in charge vets)
                for k in dict.fromkeys(self.vh_for(x) for x in concerned):
                    if k == vh:
                        continue
                    self.act(
                        c, "outgoing_document", "countersigned", t, self.who(k, t), gov, post=self.pid(k), unit=gov
                    )
                    t = self.later(t, 30, 120)
        if normative and v != "no_legality_review":
            t = self.later(t, 120, 600)
            self.act(
                c,
                "outgoing_document",
                "legality_reviewed",
                t,
                self.who("sfj-head", t),
                self.uid("sfj"),
                body="legal",
                opinion="经审查，未发现违反法律法规的内容",
            )
            if self.s.pack == "dongqu-2012":
                # 东区 第二十四条: 规范性文件由区政府法制部门、区政策研究机构进行审查
                t = self.later(t, 60, 300)
                self.act(
                    c,
                    "outgoing_document",
                    "legality_reviewed",
                    t,
                    self.who("zcyj-head", t),
                    self.uid("zcyj"),
                    body="policy_research",
                    opinion="同意",
                )
        if market and v != "no_fair_competition":
            t = self.later(t, 60, 300)
            rev = "scj" if "scj" in self.s.depts else "sfj"
            self.act(
                c,
                "outgoing_document",
                "fair_competition_reviewed",
                t,
                self.who(f"{rev}-head", t),
                self.uid(rev),
                opinion="未发现排除、限制竞争的内容",
            )
        if directive and v != "directive_without_approval":
            t = self.later(t, 60, 240)
            self.act(c, "outgoing_document", "government_approved", t, self.who(vh, t), gov)
        if timebound:
            t = max(t, self.at(self.wd(d, 2), "09:10"))
        if issuer in ("government", "office"):
            if issuer == "government":
                self.act(c, "outgoing_document", "submitted_to_office", t, self.who(f"{code}-head", t), lead)
            t = self.later(t, 30, 120)
            reviews = [(1, "sec1"), (2, "odd1"), (2, "od")]
            signed_early = v == "signed_before_review"
            if not signed_early:
                for lvl, key in reviews:
                    self.act(c, "outgoing_document", "reviewed", t, self.who(key, t), office, level=lvl)
                    t = self.later(t, 20, 90)
        else:
            signed_early = False
            reviews = []
            self.act(c, "outgoing_document", "reviewed", t, self.who(f"{code}-dep", t), drafter_unit, level=1)
            t = self.later(t, 20, 90)
            self.act(c, "outgoing_document", "reviewed", t, self.who(f"{code}-dep", t), drafter_unit, level=2)
            t = self.later(t, 20, 90)
        # 审签 and 签发
        if issuer == "government":
            signer_key = "head"
            delegation = None
            if shape == "delegated":
                signer_key, delegation = "evh", True
            elif v == "od_signed_gov_doc":
                signer_key = "od"
            elif v == "vh_signed_normative":
                signer_key = vh if vh != "evh" else self.vhs[0]
            elif v == "evh_signed_no_delegation":
                signer_key = "evh"
            if signer_key in ("head", "evh"):
                vet_key = vh if vh != signer_key else None
                if vet_key:
                    self.act(c, "outgoing_document", "vetted", t, self.who(vet_key, t), gov)
                    t = self.later(t, 30, 180)
            signer_unit = office if signer_key == "od" else gov
        elif issuer == "office":
            signer_key, delegation, signer_unit = "od", None, office
        elif v == "division_issues":
            signer_key, delegation, signer_unit = "fgj-zhk-head", None, issuer
        else:
            signer_key, delegation, signer_unit = f"{code}-head", None, lead
        if shape == "delegated":
            t = max(t, self.at(self.trip[0], "09:00"))  # the head has left: 常务副职 signs on delegation
            if not self.cal.is_workday(t.date()):
                t = self.at(self.workday_on_or_after(t.date()), "09:30")
        signer = self.who(signer_key, t)
        if v == "seal_before_signing":
            ts = self.later(t, 30, 90)
            self.act(
                c,
                "outgoing_document",
                "sealed",
                ts,
                self.who("csec", t),
                office,
                seal="unit",
                approved_by=self.who("od", t),
            )
            t = self.later(ts, 30, 90)
        if v == "approval_incomplete":
            self.act(c, "outgoing_document", "signed", t, signer, signer_unit, opinion="发")
        else:
            self.act(
                c,
                "outgoing_document",
                "signed",
                t,
                signer,
                signer_unit,
                opinion=rng.choice(["同意印发", "同意", "签发"]),
                name=self.name_of(signer),
                date=t.date(),
                delegation=delegation,
            )
        if signed_early:
            t = self.later(t, 20, 60)
            for lvl, key in reviews:
                self.act(c, "outgoing_document", "reviewed", t, self.who(key, t), office, level=lvl)
                t = self.later(t, 20, 60)
        if issuer in ("government", "office"):
            sec2, csec, office_or_unit = self.who("sec2", t), self.who("csec", t), office
        else:
            sec2 = csec = drafter
            office_or_unit = drafter_unit
        t = self.later(t, 30, 120)
        if v != "skip_proofread":
            self.act(c, "outgoing_document", "proofread", t, sec2, office_or_unit)
            t = self.later(t, 20, 90)
        self.act(c, "outgoing_document", "printed", t, sec2, office_or_unit)
        t = self.later(t, 20, 60)
        self.act(c, "outgoing_document", "registered", t, csec, office_or_unit, doc_no=self.doc_no(issuer))
        t = self.later(t, 10, 40)
        if v != "seal_before_signing" and issuer in ("government", "office"):
            if shape == "head_seal" or v == "head_seal_unauthorized":
                approver = self.who(vh, t) if v == "head_seal_unauthorized" else self.who("head", t)
                self.act(
                    c,
                    "outgoing_document",
                    "sealed",
                    t,
                    csec,
                    office_or_unit,
                    seal="head_personal",
                    approved_by=approver,
                )
            else:
                approver = self.who("od" if issuer in ("government", "office") else f"{code}-head", t)
                self.act(c, "outgoing_document", "sealed", t, csec, office_or_unit, seal="unit", approved_by=approver)
            t = self.later(t, 20, 60)
        to = [self.uid(x) for x in self.towns] if directive else [self.uid(x) for x in [code, *concerned]]
        self.act(c, "outgoing_document", "distributed", t, csec, office_or_unit, to=to)
        t = self.later(t, 120, 1200)
        self.act(c, "outgoing_document", "archived", t, csec, office_or_unit)
        if classified:
            dd = self.workday_on_or_after(min(t.date() + timedelta(days=rng.randint(20, 50)), date(self.year, 12, 18)))
            self.destroy_classified(
                c, "outgoing_document", self.at(dd, "15:30"), csec, office, "sec1", proper=v != "destroy_unwitnessed"
            )

    def doc_no(self, issuer: str) -> str:
        n = self._docno.get(issuer, 0) + 1
        self._docno[issuer] = n
        short = {"changle": "乐", "dongqu": "东", "yiyuan": "源"}.get(self.s.jurisdiction, "")
        kind = {"government": "政发", "office": "政办发"}.get(issuer, "字")
        return f"{short}{kind}〔{self.year}〕{n}号"

    # =================================================================================
    # meeting 会议 (+ decision 重大决策, + supervision of decided matters)
    # =================================================================================
    MEETING_BAD = (
        ("no_quorum", "changle-2022,dongqu-2012"),
        ("wrong_convener", "changle-2022,dongqu-2012"),
        ("topic_skipped_vh", "changle-2022,dongqu-2012"),
        ("missing_prereq", "changle-2022,dongqu-2012"),
        ("late_consultation", "dongqu-2012"),
        ("late_materials", "dongqu-2012"),
        ("ad_hoc_topic", "changle-2022,dongqu-2012"),
        ("absent_without_leave", "changle-2022,dongqu-2012"),
        ("substitute_without_consent", "changle-2022"),
        ("late_minutes", "dongqu-2012"),
        ("minutes_chain_broken", "changle-2022,dongqu-2012"),
    )
    COUNTY_BAD = (
        ("county_meeting_long", "changle-2022"),
        ("county_meeting_unapproved", "changle-2022"),
        ("county_meeting_unreported", "yiyuan"),
    )
    DECISION_BAD = (
        ("missing_risk_assessment", "changle-2022,dongqu-2012"),
        ("no_finance_opinion", "dongqu-2012"),
        ("no_congress", "changle-2022,dongqu-2012"),
        ("not_collective", "*"),
        ("dept_no_county_approval", "yiyuan"),
    )
    SUP_BAD = (
        ("overdue", "dongqu-2012,yiyuan"),
        ("never_done", "dongqu-2012,yiyuan"),
        ("late_extension", "dongqu-2012"),
        ("late_registration", "dongqu-2012"),
        ("late_assignment", "dongqu-2012"),
        ("no_weekly_progress", "dongqu-2012"),
        ("terminated_no_note", "dongqu-2012"),
        ("unsigned_report", "yiyuan"),
    )

    def gen_meetings(self, n_exec: int, n_decisions: int, instructions: list[tuple[str, datetime, str]]) -> None:
        rng = self.rng
        days = self.spread(n_exec + 6, (1, 15), (11, 22))
        types = ["executive"] * n_exec + ["plenary", "plenary", "head_office", "thematic", "thematic", "head_office"]
        rng.shuffle(types)
        # plenary meetings early in the year and mid-year, as is customary
        vs = self.variants(len(days), self.MEETING_BAD, extra_rate=0.0)
        dec_vs = self.variants(n_decisions, self.DECISION_BAD, extra_rate=0.0)
        if self.s.pack == "yiyuan" and "ok" in dec_vs:
            dec_vs[dec_vs.index("ok")] = "dept_ok"  # a department's own major decision, approved by the county
        # major decisions go to executive meetings, spread over the year
        exec_idx = [i for i, (ty, v) in enumerate(zip(types, vs, strict=True)) if ty == "executive" or v != "ok"]
        good = [i for i in exec_idx if vs[i] in ("ok", "late_minutes")]
        pool = good if len(good) >= n_decisions else exec_idx
        picks = sorted(pool[round(k * len(pool) / n_decisions)] for k in range(min(n_decisions, len(pool))))
        dec_at = dict(zip(picks, dec_vs, strict=False))
        # supervision items: one per decided matter, plus leaders' instructions on incoming documents
        n_sup_guess = int(len(days) * 2.2) + len(instructions)
        self._sup_plan = self.variants(n_sup_guess, self.SUP_BAD, extra_rate=0.0)
        for i, (d, ty, v) in enumerate(zip(days, types, vs, strict=True)):
            if v != "ok":
                ty = "executive"  # the checked clauses are those of the 常务会议
            self.meeting(d, ty, v, dec_at.get(i))
        for c, when, code in instructions:
            dl_days = rng.choice([10, 15, 20, 30])
            self.supervision("instruction", c, when, code, when + timedelta(days=dl_days))
        # county-wide work meetings 全县工作会议
        cdays = self.spread(4 if self.s.scale >= 1 else 3, (2, 1), (11, 25))
        cvs = self.variants(len(cdays), self.COUNTY_BAD, extra_rate=0.0)
        for d, v in zip(cdays, cvs, strict=True):
            self.county_meeting(d, v)

    def members_of(self, ty: str, d: date) -> list[str]:
        leaders = ["head", "evh", *self.vhs]
        if ty == "plenary":
            return (
                [self.who(k, d) for k in leaders]
                + [self.who("od", d)]
                + [self.who(f"{x}-head", d) for x in self.s.depts]
            )
        return [self.who(k, d) for k in leaders]

    def meeting(self, d: date, ty: str, v: str, decision: str | None) -> None:
        rng = self.rng
        c = self.case("MTG")
        self.plant(c, v if v != "ok" else "ok")
        gov, office = self.uid("gov"), self.uid("office")
        n_topics = 1 if ty == "plenary" else rng.randint(2, 3)
        codes = rng.sample([x for x in self.s.depts if x != "sfj"] + self.towns[:1], n_topics)
        start = self.at(d, "09:00" if rng.random() < 0.6 else "15:00")
        end = start + timedelta(minutes=rng.choice([120, 150, 180]))
        members = self.members_of(ty, d)
        od, sec = self.who("od", d), self.who("sec1", d)
        t_sched = self.at(self.wd(d, -8), "10:00")
        self.act(
            c,
            "meeting",
            "scheduled",
            t_sched,
            od,
            office,
            type=ty,
            members=members,
            start=start,
            end=end,
            title=self._meeting_title(ty, d),
        )
        topics: list[tuple[str, str, bool]] = []  # (topic, unit code, major)
        for k, code in enumerate(codes):
            major = decision is not None and k == 0
            if major:
                topic = f"审议《{self.s.place}{self.subject(code)}实施方案》"
            else:
                topic = f"研究{self.subject(code)}有关事项"
            if any(tp == topic for tp, _, _ in topics):
                topic += f"（{k + 1}）"
            topics.append((topic, code, major))
        if v == "missing_prereq" and not any(m for _, _, m in topics):
            topics[0] = (f"审议《{self.s.place}{self.subject(topics[0][1])}改革方案》", topics[0][1], True)
        for k, (topic, code, major) in enumerate(topics):
            lead = self.uid(code)
            vh = self.vh_for(code)
            p_head = self.who(self.unit_head(code), d)
            market = major and rng.random() < 0.4
            concerned = [x for x in rng.sample(self.s.depts, 2) if x != code][:1]
            tp = self.at(self.wd(d, -7), f"{9 + k}:20")
            self.act(
                c,
                "meeting",
                "topic_proposed",
                tp,
                p_head,
                lead,
                topic=topic,
                major_decision=major,
                market_related=market,
                lead_unit=lead,
                concerned_units=[self.uid(x) for x in concerned],
            )
            # 咨询论证: the lead unit consults the concerned units (dongqu: within 3 working days)
            tc = self.at(self.wd(d, -2 if (v == "late_consultation" and k == 0) else -6), f"{10 + k}:30")
            self.act(
                c,
                "meeting",
                "topic_step_done",
                tc,
                p_head,
                lead,
                topic=topic,
                step="consultation",
                units=[self.uid(x) for x in concerned],
            )
            if major:
                steps = ["public_participation", "expert_review", "risk_assessment", "legality_review"]
                if market:
                    steps.append("fair_competition_review")
                if v == "missing_prereq" or decision == "missing_risk_assessment":
                    steps.remove("risk_assessment")
                for j, step in enumerate(steps):
                    by = self.who("sfj-head", d) if step == "legality_review" else p_head
                    unit = self.uid("sfj") if step == "legality_review" else lead
                    self.act(
                        c,
                        "meeting",
                        "topic_step_done",
                        self.at(self.wd(d, -6), f"{14 + j % 3}:{10 + j:02d}"),
                        by,
                        unit,
                        topic=topic,
                        step=step,
                    )
            # the approval chain: the vice head in charge agrees, the meeting secretary, the
            # office's deputy director and director check (dongqu's 初审), the executive vice
            # head reviews and the head approves it for the agenda
            chain = [
                ("vice_head_approved", vh),
                ("secretary_reviewed", "sec1"),
                ("deputy_director_reviewed", "odd1"),
                ("director_reviewed", "od"),
                ("exec_vice_head_reviewed", "evh"),
                ("head_approved", "head"),
            ]
            if v == "topic_skipped_vh" and k == 0:
                # changle's chain starts with the vice head in charge; dongqu's (第五十一条) with
                # the meeting secretary — the step a planted breach skips
                skipped = "secretary_reviewed" if self.s.pack == "dongqu-2012" else "vice_head_approved"
                chain = [x for x in chain if x[0] != skipped]
            ta = self.at(self.wd(d, -5), "09:30")
            for step, key in chain:
                unit = office if key in ("sec1", "odd1", "od") else gov
                self.act(c, "meeting", "topic_step_done", ta, self.who(key, ta), unit, topic=topic, step=step)
                ta = self.later(ta, 30, 90)
            self.act(c, "meeting", "topic_approved", ta, self.who("head", ta), gov, topic=topic)
            tm = self.at(self.wd(d, -1 if (v == "late_materials" and k == 0) else -3), f"{10 + k}:00")
            self.act(c, "meeting", "materials_submitted", tm, p_head, lead, topic=topic)
        tdist = self.at(self.wd(d, -2), "16:00") if v != "late_materials" else self.at(d, "08:00")
        self.act(c, "meeting", "materials_distributed", tdist, sec, office)
        # who attends
        absent: list[str] = []
        n_abs = 0
        if v == "no_quorum":
            n_abs = (len(members) + 1) // 2
        elif rng.random() < 0.35:
            n_abs = 1
        pool = [m for m in members if m != self.who("head", d)]
        absent = rng.sample(pool, n_abs)
        chair = self.who("head", d)
        if v == "wrong_convener":
            chair = self.who(self.vhs[-1], d)
            absent = [a for a in absent if a != chair]
        no_leave = v == "absent_without_leave" and not absent
        if no_leave:
            absent = [rng.choice([m for m in pool if m != chair])]
        ta = self.at(self.wd(d, -1), "11:00")
        for j, m in enumerate(absent):
            if v == "absent_without_leave" and j == 0:
                continue
            self.act(
                c,
                "meeting",
                "absence_requested",
                ta,
                m,
                gov,
                member=m,
                reason=rng.choice(["赴省参加会议", "到市里汇报工作", "带队外出招商"]),
            )
            self.act(c, "meeting", "absence_granted", self.later(ta, 20, 60), self.who("head", d), gov, member=m)
            self.act(c, "meeting", "office_notified", self.later(ta, 30, 90), m, gov, member=m)
        present = [m for m in members if m not in absent]
        substitutes: list[str] = []
        if v == "substitute_without_consent":
            code0 = topics[0][1]
            substitutes = [self.who(f"{code0}-dep", d)]  # the lead unit's deputy sits in, unasked
        self.act(c, "meeting", "convened", start, chair, gov, chair=chair, present=present, substitutes=substitutes)
        t = start + timedelta(minutes=10)
        decided: list[tuple[str, str, datetime]] = []
        if v == "ad_hoc_topic":
            extra = f"研究{self.subject(rng.choice(self.s.depts))}临时事项"
            topics.append((extra, topics[0][1], False))
        for topic, code, _major in topics:
            self.act(c, "meeting", "topic_discussed", t, chair, gov, topic=topic, urgent=False)
            t += timedelta(minutes=rng.randint(20, 40))
            dl = self.at(min(d + timedelta(days=rng.choice([15, 20, 30, 45])), date(self.year, 12, 10)), "17:00")
            self.act(c, "meeting", "decided", t, chair, gov, topic=topic, responsible_unit=self.uid(code), deadline=dl)
            decided.append((topic, code, dl))
        # minutes: drafted by the meeting secretary; deputy director, director; vice heads in
        # charge countersign; executive vice head; the head (chair) issues
        tdr = self.at(d, "16:30") if start.hour < 12 else self.at(self.wd(d, 1), "09:30")
        self.act(c, "meeting", "minutes_drafted", tdr, sec, office)
        tr = self.later(tdr, 60, 180)
        chain2 = ["odd1", "od", *[self.vh_for(code) for _, code, _ in topics], "evh"]
        if v == "minutes_chain_broken":
            chain2 = [k for k in chain2 if k != "od"]
        if ty == "head_office":
            chain2.append("head")  # 由会议主持人把关，区长签发
        for key in dict.fromkeys(chain2):
            unit = office if key in ("odd1", "od") else gov
            self.act(
                c,
                "meeting",
                "minutes_reviewed",
                tr,
                self.who(key, tr),
                unit,
                step=self._step_name(key),
                post=self.pid(key),
            )
            tr = self.later(tr, 30, 120)
        tr = self.at(self.wd(d, 6), "10:00") if v == "late_minutes" else min(tr, self.at(self.wd(d, 2), "17:00"))
        self.act(c, "meeting", "minutes_issued", tr, chair, gov)
        # follow-through: each decided matter is registered for supervision 督查督办
        for topic, code, dl in decided:
            sv = self.supervision("meeting", c, start, code, dl, topic=topic)
            followed = self.s.pack == "dongqu-2012" and ty == "executive"
            if sv in ("overdue", "never_done", "late_extension") and followed and not self.planted[c]:
                self.planted[c] = "decision_overdue"
        if decision == "missing_risk_assessment":
            self.planted[c] = "missing_prereq"
        if decision is not None:
            major_topic = next((tp for tp, _, m in topics if m), topics[0][0])
            self.decision(decision, topics[0][1], c, start, major_topic)

    def _meeting_title(self, ty: str, d: date) -> str:
        lv = self.s.lv
        return {
            "executive": f"{lv}政府第{self._cases.get(f'MTG-{self.year}', 0)}次常务会议",
            "plenary": f"{lv}政府全体会议",
            "head_office": f"{lv}长办公会议",
            "thematic": f"{lv}政府专题会议",
            "county_work": f"全{lv}工作会议",
        }[ty]

    def _step_name(self, key: str) -> str:
        if key == "odd1":
            return "deputy_director_check"
        if key == "od":
            return "director_review"
        if key == "evh":
            return "exec_vice_head_review"
        if key == "head":
            return "chair_review"
        return "vice_head_countersign"

    def county_meeting(self, d: date, v: str) -> None:
        rng = self.rng
        c = self.case("MTG")
        self.plant(c, v)
        gov = self.uid("gov")
        code = rng.choice(self.s.depts)
        lead = self.uid(code)
        vh = self.vh_for(code)
        start = self.at(d, "09:00")
        end = start + timedelta(hours=6 if v == "county_meeting_long" else rng.choice([2, 3]))
        p_head = self.who(f"{code}-head", d)
        members = (
            [self.who(vh, d)]
            + [self.who(f"{x}-head", d) for x in self.s.depts]
            + [self.who(f"{x}-head", d) for x in self.towns]
        )
        area = self.area_of[code]
        self.act(
            c,
            "meeting",
            "scheduled",
            self.at(self.wd(d, -10), "10:00"),
            p_head,
            lead,
            type="county_work",
            members=members,
            start=start,
            end=end,
            in_county_name=True,
            title=f"全{self.s.lv}{area}工作会议",
        )
        ta = self.at(self.wd(d, -9), "10:30")
        if v != "county_meeting_unapproved":
            self.act(c, "meeting", "approved", ta, self.who(vh, ta), gov)
        self.act(c, "meeting", "approved", self.later(ta, 60, 240), self.who("head", ta), gov)
        if v != "county_meeting_unreported":
            self.act(
                c, "meeting", "reported_in_writing", self.at(self.wd(d, -8), "09:30"), p_head, lead, to=self.pid("od")
            )
        present = [m for m in members if rng.random() > 0.05]
        self.act(
            c,
            "meeting",
            "convened",
            start,
            self.who(vh, d),
            gov,
            chair=self.who(vh, d),
            present=present,
            substitutes=[],
        )

    def decision(self, v: str, code: str, meeting_case: str, when: datetime, topic: str) -> None:
        rng = self.rng
        c = self.case("DEC")
        self.plant(c, "ok" if v == "dept_ok" else v)
        gov = self.uid("gov")
        lead = self.uid(code)
        dept = v in ("dept_ok", "dept_no_county_approval")
        title = topic.removeprefix("审议")
        funds = True if v == "no_finance_opinion" else rng.random() < 0.7
        law = rng.random() < 0.5
        policy = rng.random() < 0.5
        d0 = self.wd(when.date(), -25)
        p_head = self.who(self.unit_head(code), d0)
        self.act(
            c,
            "decision",
            "proposed",
            self.at(d0, "10:00"),
            p_head,
            lead,
            title=title,
            uses_public_funds=funds,
            touches_law=law,
            is_policy=policy,
            concerns_public=True,
            department=dept,
        )
        steps = ["public_participation", "expert_review", "risk_assessment", "legality_review"]
        if funds:
            steps.append("finance_opinion")
        if law:
            steps.append("legal_opinion")
        if policy:
            steps.append("policy_review")
        steps += ["congress_consulted", "cppcc_consulted"]
        if dept:
            steps.append("leadership_collective")
            if v == "dept_ok":
                steps.append("county_approval")
        drop = {"missing_risk_assessment": "risk_assessment", "no_finance_opinion": "finance_opinion"}.get(v)
        if v == "no_congress":
            steps = [s for s in steps if s not in ("congress_consulted", "cppcc_consulted")]
        steps = [s for s in steps if s != drop]
        who_unit = {
            "legality_review": "sfj",
            "legal_opinion": "sfj",
            "finance_opinion": "czj",
            "policy_review": "zcyj",
            "congress_consulted": "office",
            "cppcc_consulted": "office",
        }
        day = d0
        for step in steps:
            day = self.wd(day, rng.randint(1, 3))
            if step == "county_approval":
                t = when + timedelta(minutes=40)  # approved by the county at the meeting
                by, unit = self.who("head", t), gov
            else:
                t = self.at(
                    min(day, self.wd(when.date(), -2)), f"{rng.randint(9, 16)}:{rng.choice(['00', '15', '30', '45'])}"
                )
                u = who_unit.get(step, code)
                by, unit = self.who(self.unit_head(u), t), self.uid(u)
            self.act(c, "decision", "step_done", t, by, unit, step=step)
        if v == "not_collective":
            # decided by the head alone, without a meeting
            self.act(c, "decision", "decided", self.at(self.wd(when.date(), -1), "16:00"), self.who("head", when), gov)
        elif v == "dept_no_county_approval":
            self.act(c, "decision", "decided", self.at(self.wd(when.date(), -1), "16:00"), p_head, lead)
        elif v == "dept_ok":
            self.act(
                c,
                "decision",
                "decided",
                self.at(self.wd(when.date(), 1), "16:00"),
                p_head,
                lead,
                meeting_case=meeting_case,
            )
        else:
            self.act(
                c,
                "decision",
                "decided",
                when + timedelta(minutes=50),
                self.who("head", when),
                gov,
                meeting_case=meeting_case,
            )

    # =================================================================================
    # supervision 督查督办
    # =================================================================================
    def supervision(
        self, source: str, source_case: str, source_at: datetime, code: str, deadline: datetime, *, topic: str = ""
    ) -> str:
        rng = self.rng
        v = self._sup_plan[self._sup_i] if self._sup_i < len(self._sup_plan) else "ok"
        self._sup_i += 1
        if deadline.date() > date(self.year, 12, 12):
            deadline = self.at(date(self.year, 12, 12), "17:00")
        if v in ("never_done",) and deadline.date() > date(self.year, 12, 1):
            v = "ok"
        long_item = (deadline - source_at).days > 14
        if v == "no_weekly_progress" and not long_item:
            deadline = source_at + timedelta(days=30)
            long_item = True
        c = self.case("SUP")
        self.plant(c, v)
        dcs_unit = (
            self.uid("office-dcs") if any(x == "office-dcs" for x, _, _ in self.s.divisions) else self.uid("office")
        )
        reg_day = self.wd(source_at.date(), 3) if v == "late_registration" else source_at.date()
        tr = self.at(reg_day, "16:00") if v != "late_registration" else self.at(reg_day, "10:00")
        if tr <= source_at:
            tr = source_at + timedelta(minutes=rng.randint(60, 150))
        dcs = self.who("dcs", tr)
        unit = self.uid(code)
        self.act(
            c,
            "supervision",
            "registered",
            tr,
            dcs,
            dcs_unit,
            source=source,
            source_case=source_case,
            source_at=source_at,
            deadline=deadline,
            responsible_unit=unit,
            matter=topic or f"落实{self.name_of(self.who('head', tr))}同志批示",
        )
        ta = (
            self.at(self.wd(tr.date(), 2), "09:30")
            if v == "late_assignment"
            else tr + timedelta(minutes=rng.randint(10, 60))
        )
        self.act(c, "supervision", "assigned", ta, dcs, dcs_unit, to_unit=unit, deadline=deadline)
        long_item = long_item or (deadline - ta) > timedelta(days=13)
        head_key = self.unit_head(code)
        signed = v != "unsigned_report"
        due = deadline
        if v == "ok" and long_item and rng.random() < 0.15:
            # an extension requested and approved in time
            new = min(deadline + timedelta(days=10), self.at(date(self.year, 12, 15), "17:00"))
            due = self.extend(
                c, code, head_key, unit, deadline - timedelta(days=3), new, hours=3, reason="涉及多部门协调，需延期办理"
            )
        if v == "late_extension":
            due = self.extend(
                c, code, head_key, unit, deadline + timedelta(days=2), deadline + timedelta(days=10), hours=4
            )
        # when the work is done
        if v == "overdue":
            done = deadline + timedelta(days=rng.randint(4, 9))
        elif v == "late_extension":
            done = due - timedelta(days=rng.randint(1, 4))  # within the extension, granted too late
        elif v == "never_done":
            done = None
        else:
            span = max((due - ta).total_seconds() / 86400, 1.0)
            done = ta + timedelta(days=span * rng.uniform(0.55, 0.9))
        done = None if done is None else self.at(self.workday_on_or_after(done.date()), "15:30")
        if done is not None and v not in ("overdue", "late_extension") and done > due:
            done = self.at(self.wd(due.date(), -1), "15:30")
        # weekly progress reports on long items
        if long_item and v != "no_weekly_progress":
            last = ta
            # an item never completed keeps reporting progress (still in hand, only late)
            stop = done or self.at(date(self.year + 1, 1, 8), "09:00")
            while True:
                nxt = last + timedelta(days=rng.choice([5, 6, 7]))
                nxt = self.at(nxt.date(), "10:00")
                if nxt > last + timedelta(days=7):
                    nxt = last + timedelta(days=6)
                if nxt >= stop:
                    break
                self.act(
                    c,
                    "supervision",
                    "progress_reported",
                    nxt,
                    self.who(head_key, nxt),
                    unit,
                    signed_by_head=signed,
                    sealed=signed,
                    matters=1,
                    note="按计划推进",
                )
                last = nxt
        if done is None:
            return v
        if v == "terminated_no_note":
            self.act(c, "supervision", "terminated", done, self.who("dcs-staff", done), dcs_unit)
            return v
        if v == "ok" and rng.random() < 0.04:
            self.act(
                c,
                "supervision",
                "terminated",
                done,
                self.who("head", done),
                self.uid("gov"),
                note="因上级政策调整，经县政府研究终止办理",
            )
            return v
        self.act(
            c,
            "supervision",
            "completed",
            done,
            self.who(head_key, done),
            unit,
            report=True,
            signed_by_head=signed,
            sealed=signed,
            matters=1,
        )
        return v

    # =================================================================================
    # leave 请销假
    # =================================================================================
    LEAVE_BAD = (
        ("approved_after_departure", "changle-2022,yiyuan"),
        ("no_return_report", "yiyuan"),
        ("cover_conflict", "changle-2022"),
        ("not_filed", "changle-2022,dongqu-2012"),
        ("no_contact", "changle-2022,dongqu-2012"),
        ("dept_head_no_vh", "changle-2022,dongqu-2012"),
        ("deputy_own_head_only", "dongqu-2012,yiyuan"),
        ("no_delegate", "yiyuan"),
        ("out_of_province_no_head", "yiyuan"),
    )

    def gen_leave(self, n: int) -> None:
        self.cases_over_year(n, self.LEAVE_BAD, self.leave, (1, 10), (11, 28))

    def _who_leaves(self, v: str) -> tuple[str, str]:
        """(category, post key) of the requester for variant ``v``."""
        rng = self.rng
        if v in ("cover_conflict", "out_of_province_no_head", "no_contact"):
            return "vh", "vh2"
        if v in ("dept_head_no_vh", "approved_after_departure", "no_return_report", "not_filed"):
            return "dept_head", f"{rng.choice(self.s.depts)}-head"
        if v == "deputy_own_head_only":
            return "deputy", f"{rng.choice(self.s.depts)}-dep"
        if v == "no_delegate":
            return "staff", f"{rng.choice(self.s.depts)}-staff"
        cats = ["vh", "dept_head", "dept_head", "deputy", "deputy", "town_head", "od"]
        if self.s.pack == "yiyuan":
            cats += ["staff"]
        cat = rng.choice(cats)
        if cat == "vh":
            return cat, rng.choice(["evh", *self.vhs])
        if cat == "dept_head":
            return cat, f"{rng.choice(self.s.depts)}-head"
        if cat == "deputy":
            return cat, f"{rng.choice([*self.s.depts, *self.towns])}-dep"
        if cat == "town_head":
            return cat, f"{rng.choice(self.towns)}-head"
        if cat == "staff":
            return cat, f"{rng.choice(self.s.depts)}-staff"
        return "od", "od"

    def _leave_chain(self, cat: str, code: str) -> list[tuple[str, str]]:
        """The approvals the pack requires, in order: (act, approver post key)."""
        p = self.s.pack
        vh = self.vh_for(code)
        if cat == "vh" or (cat == "od" and p != "dongqu-2012"):
            return [("approved", "head")]
        if cat == "od":
            return [("agreed", "evh"), ("approved", "head")]  # 东区: the office counts as a department
        if cat == "staff":
            return [("approved", f"{code}-head")]
        if cat == "deputy":
            if p == "yiyuan":
                return [("approved", vh)]
            return [("agreed", self.unit_head(code)), ("approved", vh)]
        if cat == "town_head" and p in ("changle-2022", "yiyuan"):
            return [("approved", "head")]
        if p == "yiyuan":
            return [("approved", "head")]
        return [("agreed", vh), ("approved", "head")]

    def _offices(self, cat: str) -> list[str]:
        p, lv = self.s.pack, self.s.lv
        if p == "dongqu-2012":
            if cat == "vh":
                return [f"{lv}政府办公室"]
            if cat in ("dept_head", "town_head", "od"):
                return [f"{lv}委组织部", f"{lv}委办公室", f"{lv}政府办公室"]
            return [f"{lv}委组织部", f"{lv}政府办公室"]
        if p == "yiyuan" and cat == "vh":
            return [f"{lv}委办公室", f"{lv}政府办公室"]
        return [f"{lv}政府办公室"]

    def leave(self, d: date, v: str) -> None:
        rng = self.rng
        cat, key = self._who_leaves(v)
        code = key.rsplit("-", 1)[0] if "-" in key else ("office" if key == "od" else "gov")
        if cat == "vh":
            code = "gov"
        c = self.case("LEV")
        self.plant(c, v)
        ndays = rng.choice([1, 2, 2, 3, 3, 4, 5]) if cat != "staff" else rng.choice([1, 2])
        if v != "ok":
            ndays = max(ndays, 2)
        start_day = self.wd(d, 3)
        end_day = start_day + timedelta(days=ndays - 1)
        if cat == "vh":
            partner = {"vh1": "vh2", "vh2": "vh1", "vh3": "vh4", "vh4": "vh3"}.get(key)
            if v == "cover_conflict":
                # the cover partner is away too: plan the partner's (proper) leave first
                self._vh_leave_window(partner or "vh1", start_day, end_day)
            else:
                tries = 0
                while partner and self._overlaps(partner, start_day, end_day) and tries < 20:
                    start_day = self.wd(start_day, 2)
                    end_day = start_day + timedelta(days=ndays - 1)
                    tries += 1
            self.away.setdefault(key, []).append((start_day, end_day))
        self._leave_case(c, cat, key, code, start_day, end_day, v)

    def _overlaps(self, key: str, a: date, b: date) -> bool:
        return any(not (b < x or y < a) for x, y in self.away.get(key, []))

    def _vh_leave_window(self, key: str, a: date, b: date) -> None:
        c = self.case("LEV")
        self.plant(c, "cover_conflict")
        self.away.setdefault(key, []).append((a, b))
        self._leave_case(c, "vh", key, "gov", a, b, "ok")

    def _leave_case(self, c: str, cat: str, key: str, code: str, start_day: date, end_day: date, v: str) -> None:
        rng = self.rng
        unit = self.uid(code)
        req_day = self.wd(start_day, -rng.randint(2, 4))
        person = self.who(key, req_day)
        start = self.at(start_day, "08:30")
        end = self.at(end_day, "17:30")
        scope = rng.choice(["in_city", "out_of_city", "out_of_city", "out_of_province"])
        if v == "out_of_province_no_head":
            scope = "out_of_province"
        if cat == "vh" and scope == "in_city":
            scope = "out_of_city"
        personal = cat == "staff" or v == "no_delegate" or (cat == "deputy" and v == "ok" and rng.random() < 0.3)
        reason = (
            "事假"
            if personal
            else rng.choice(
                ["赴省参加培训", "到市里对接项目", "外出招商考察", "参加上级会议", "带队学习考察", "年休假"]
            )
        )
        t = self.at(req_day, f"{rng.randint(8, 10)}:{rng.choice(['00', '20', '40'])}")
        phone = f"1{rng.choice(['38', '39', '58', '86', '37'])}{rng.randint(10000000, 99999999)}"
        self.act(
            c,
            "leave",
            "requested",
            t,
            person,
            unit,
            start=start,
            end=end,
            reason=reason,
            scope=scope,
            written=True,
            contact=None if v == "no_contact" else phone,
            place=rng.choice(["济南", "青岛", "成都", "北京", "市区", "杭州"]) if scope != "in_city" else "本市",
            personal=personal,
        )
        chain = self._leave_chain(cat, code)
        if v == "dept_head_no_vh":
            chain = [("approved", "head")]
        elif v == "deputy_own_head_only":
            chain = [("approved", self.unit_head(code))]
        elif v == "out_of_province_no_head":
            chain = [("approved", "evh")]
        late = v == "approved_after_departure"
        t = self.later(t, 30, 180)
        for act, approver in chain:
            when = t if not (late and act == "approved") else self.at(self.wd(start_day, 1), "10:00")
            self.act(
                c,
                "leave",
                act,
                when,
                self.who(approver, when),
                self.uid("gov")
                if approver in ("head", "evh", *self.vhs)
                else self.uid(approver.rsplit("-", 1)[0] if "-" in approver else "office"),
            )
            t = self.later(t, 30, 180)
        if v != "not_filed":
            for office in self._offices(cat):
                self.act(c, "leave", "filed", t, person, unit, office=office)
                t = self.later(t, 5, 30)
        if personal and v != "no_delegate":
            deleg_key = f"{code}-dep" if cat == "staff" else f"{code}-staff"
            if deleg_key.split("-")[0] not in (*self.s.depts, *self.towns):
                deleg_key = "sec2"
            self.act(
                c,
                "leave",
                "delegate_named",
                t,
                self.who(self.unit_head(code), t) if cat == "staff" else person,
                unit,
                person=self.who(deleg_key, t),
            )
        self.act(c, "leave", "departed", start, person, unit)
        self.act(c, "leave", "returned", end - timedelta(minutes=rng.randint(0, 90)), person, unit)
        if v != "no_return_report":
            back = self.wd(end_day, 1)
            self.act(c, "leave", "return_reported", self.at(back, f"08:{rng.randint(35, 59)}"), person, unit)

    # =================================================================================
    # incident 突发事件
    # =================================================================================
    INCIDENT_BAD = (
        ("late_first_report", "dongqu-2012"),
        ("late_phone", "dongqu-2012"),
        ("late_written", "dongqu-2012"),
        ("unreported", "dongqu-2012"),
        ("late_city_report", "dongqu-2012"),
    )

    def gen_incidents(self, n: int) -> None:
        def on_any_day(d: date, v: str) -> None:  # incidents also happen at weekends
            self.incident(d + timedelta(days=self.rng.randint(0, 1)), v)

        self.cases_over_year(n, self.INCIDENT_BAD, on_any_day, (1, 3), (12, 1), extra_rate=0.0)

    def incident(self, d: date, v: str) -> None:
        rng = self.rng
        c = self.case("INC")
        self.plant(c, v)
        code = rng.choice([*self.towns, *[x for x in ("yjj", "zjj", "scj") if x in self.s.depts]])
        unit = self.uid(code)
        name, grade = rng.choice(INCIDENT_TYPES)
        t0 = self.at(d, f"{rng.randint(6, 21):02d}:{rng.randint(0, 59):02d}")
        staff, head = self.who(f"{code}-staff", d), self.who(self.unit_head(code), d)
        town = dict(self.s.towns).get(code, self.s.place)
        self.act(
            c,
            "incident",
            "occurred",
            t0,
            staff,
            unit,
            grade=grade,
            sensitive=False,
            place=f"{town}{rng.choice(['村', '社区', '工业园', '路段'])}",
            title=name,
        )
        if v == "unreported":
            self.act(c, "incident", "response_ended", t0 + timedelta(hours=rng.randint(5, 20)), head, unit)
            return
        t1 = self.minutes(t0, 35, 55) if v == "late_first_report" else self.minutes(t0, 3, 12)
        self.act(c, "incident", "reported", t1, staff, unit, channel="phone", to_level="unit_head", report="initial")
        t2 = self.minutes(t0, 45, 80) if v == "late_phone" else self.minutes(t1, 5, 12)
        self.act(c, "incident", "reported", t2, head, unit, channel="phone", to_level="local_gov", report="initial")
        t3 = self.minutes(t0, 100, 170) if v == "late_written" else self.minutes(t0, 40, 55)
        self.act(c, "incident", "reported", t3, head, unit, channel="written", to_level="local_gov", report="initial")
        od, gov = self.who("od", d), self.uid("office")
        t4 = self.minutes(t0, 75, 110) if v == "late_city_report" else self.minutes(t2, 10, 25)
        self.act(c, "incident", "reported", t4, od, gov, channel="phone", to_level="city_gov", report="initial")
        t5 = self.minutes(t0, 140, 220) if v == "late_city_report" else self.minutes(t0, 80, 110)
        self.act(c, "incident", "reported", t5, od, gov, channel="written", to_level="city_gov", report="initial")
        t = t5
        for _ in range(rng.randint(0, 2)):
            t = self.minutes(t, 8 * 60, 20 * 60)
            self.act(
                c, "incident", "reported", t, head, unit, channel="written", to_level="local_gov", report="followup"
            )
        self.act(c, "incident", "response_ended", self.minutes(t, 60, 6 * 60), head, unit)

    # =================================================================================
    # service_request 办事
    # =================================================================================
    SERVICE_BAD = (
        ("second_materials", "yiyuan"),
        ("over_time_limit", "yiyuan"),
        ("refused_no_basis", "yiyuan"),
        ("dropped", "yiyuan"),
    )

    def gen_service(self, n: int) -> None:
        self.cases_over_year(n, self.SERVICE_BAD, self.service, (1, 4), (11, 15))

    def service(self, d: date, v: str) -> None:
        rng = self.rng
        c = self.case("SVC")
        self.plant(c, v)
        window = "spj-ck" if any(x == "spj-ck" for x, _, _ in self.s.divisions) else "spj"
        unit = self.uid(window)
        staff = self.who(f"{window}-staff", d)
        matter, limit = rng.choice(SERVICE_MATTERS)
        t = self.at(d, f"{rng.randint(9, 16):02d}:{rng.randint(0, 59):02d}")
        applicant = rng.choice(SURNAMES)[0] + rng.choice(["先生", "女士"])
        self.act(
            c,
            "service_request",
            "received",
            t,
            staff,
            unit,
            matter=matter,
            time_limit_working_days=limit,
            applicant=applicant,
        )
        if v == "dropped":
            return
        shape = rng.choice(["direct", "direct", "materials", "referred", "refused"]) if v == "ok" else v
        handler, hunit = staff, unit
        if shape in ("materials", "second_materials"):
            items = rng.sample(SERVICE_MATERIALS, 2)
            t = self.later(t, 5, 20)
            self.act(c, "service_request", "materials_requested", t, staff, unit, items=items)
            if shape == "second_materials":
                t = self.at(self.wd(t.date(), 2), "10:00")
                self.act(
                    c,
                    "service_request",
                    "materials_requested",
                    t,
                    staff,
                    unit,
                    items=[rng.choice([m for m in SERVICE_MATERIALS if m not in items])],
                )
        if shape == "referred":
            to = rng.choice([x for x in self.s.depts if x != "spj"])
            t = self.later(t, 10, 60)
            self.act(c, "service_request", "referred", t, staff, unit, to_unit=self.uid(to))
            handler, hunit = self.who(f"{to}-staff", t), self.uid(to)
        if shape in ("refused", "refused_no_basis"):
            t = self.at(self.wd(d, rng.randint(1, max(1, limit - 1))), "15:00")
            if shape == "refused":
                self.act(
                    c,
                    "service_request",
                    "refused",
                    t,
                    staff,
                    unit,
                    reason="申请人不符合法定条件",
                    basis=f"《{matter.removesuffix('申请')}管理办法》第十二条",
                )
            else:
                self.act(c, "service_request", "refused", t, staff, unit, reason="材料不全")
            return
        k = limit + rng.randint(3, 8) if v == "over_time_limit" else rng.randint(max(1, limit // 3), limit)
        tc = self.at(self.wd(d, k), f"{rng.randint(9, 16):02d}:{rng.choice(['10', '30', '50'])}")
        self.act(c, "service_request", "completed", tc, handler, hunit)

    # =================================================================================
    # discipline 纪律与奖惩
    # =================================================================================
    def gen_discipline(self) -> None:
        rng = self.rng
        y = self.year
        yiyuan = self.s.pack == "yiyuan"
        # last year's 行风评议 (on record): its worst unit is kept clear of this year's talks and
        # sanctions, so that a talk missing last year stays missing
        last_worst = self._ratings(y - 1, "bottom_three_no_talk" if yiyuan else "", set())
        codes = [x for x in self.s.depts if x != last_worst]
        # breaches of the five bans (五条禁令) and their sanctions, in order of discovery
        a_code, b_code, d_code, u_code = rng.sample(codes, 4)
        a, b = self.who(f"{a_code}-staff", date(y, 3, 1)), self.who(f"{b_code}-dep", date(y, 3, 1))
        dd = self.who(f"{d_code}-staff", date(y, 3, 1))
        plan = [
            (date(y, 3, 12), a, a_code, None, 1, "criticism", "ok"),
            (date(y, 4, 22), b, b_code, None, 2, "criticism", "ok"),
            (date(y, 6, 18), a, a_code, None, 1, "media_exposure", "ok"),
            (date(y, 7, 9), None, u_code, u_code, 4, "admonition", "ok"),
            (date(y, 5, 20), dd, d_code, None, 1, "criticism", "ok"),
            (
                date(y, 9, 24),
                dd,
                d_code,
                None,
                1,
                "criticism" if yiyuan else "media_exposure",
                "weak_sanction" if yiyuan else "ok",
            ),
        ]
        if not yiyuan:
            plan.append((date(y, 10, 28), a, a_code, None, 1, "transfer", "ok"))
        for day, person, _code, subj_unit, ban, sanction, v in plan:
            day = self.workday_on_or_after(day)
            c = self.case("DIS")
            self.plant(c, v)
            gov = self.uid("gov")
            inspector = self.who("dcs", day)
            desc = dict(BREACHES).get(ban, "")
            t = self.at(day, "10:00")
            if subj_unit:
                self.act(
                    c,
                    "discipline",
                    "breach_found",
                    t,
                    inspector,
                    self.uid("office"),
                    subject_unit=self.uid(subj_unit),
                    ban=ban,
                    finding=desc,
                )
                head = self.who(f"{subj_unit}-head", day)
                self.act(
                    c,
                    "discipline",
                    "sanction_recorded",
                    self.at(self.wd(day, 3), "15:00"),
                    self.who("head", day),
                    gov,
                    sanction=sanction,
                    subject_person=head,
                    subject_unit=self.uid(subj_unit),
                )
            else:
                self.act(
                    c,
                    "discipline",
                    "breach_found",
                    t,
                    inspector,
                    self.uid("office"),
                    subject_person=person,
                    ban=ban,
                    finding=desc,
                )
                self.act(
                    c,
                    "discipline",
                    "sanction_recorded",
                    self.at(self.wd(day, 3), "15:00"),
                    self.who("head", day),
                    gov,
                    sanction=sanction,
                    subject_person=person,
                )
        # this year's 行风评议
        self._ratings(y, "veto_rated_advanced" if yiyuan else "", {last_worst})

    def _ratings(self, y: int, flaw: str, avoid: set[str]) -> str:
        """Score and rank every department and town for year ``y``; returns the last one.

        The two units under 80 are at the bottom: each owes its heads an admonishing talk
        (诫勉谈话) and is vetoed (no 先进). ``flaw`` plants one breach: the talk missing for the
        lowest unit (flagged once the next year's evaluation is recorded) or the vetoed unit
        rated advanced.
        """
        rng = self.rng
        rated = [*self.s.depts, *self.towns]
        n = len(rated)
        scores = [*sorted((round(rng.uniform(82, 97), 1) for _ in range(n - 2)), reverse=True), 78.5, 76.0]
        order = rng.sample(rated, n)
        for k in (n - 1, n - 2):  # ``avoid``: not among the two under 80 (nor worst two years running)
            if order[k] in avoid:
                j = next(i for i in range(n - 2) if order[i] not in avoid)
                order[k], order[j] = order[j], order[k]
        day = self.workday_on_or_after(date(y, 12, 9))
        for rank, (code, score) in enumerate(zip(order, scores, strict=True), start=1):
            c = self.case("DIS") if y == self.year else f"{self.s.prefix.upper()}-DIS-{y}-{rank:03d}"
            v = "ok"
            if (flaw == "veto_rated_advanced" and rank == n - 1) or (flaw == "bottom_three_no_talk" and rank == n):
                v = flaw
            self.plant(c, v)
            od = self.who("od", day)
            unit = self.uid(code)
            t = self.at(day, f"{9 + rank % 7}:{(rank * 7) % 60:02d}")
            self.act(
                c,
                "discipline",
                "rating_recorded",
                t,
                od,
                self.uid("office"),
                year=y,
                score=score,
                rank=rank,
                of=n,
                subject_unit=unit,
            )
            if score < 80:
                self.act(
                    c,
                    "discipline",
                    "veto_condition",
                    t + timedelta(minutes=5),
                    od,
                    self.uid("office"),
                    year=y,
                    condition="行风评议得分低于80分",
                    subject_unit=unit,
                )
                if v != "bottom_three_no_talk":
                    head = self.who(self.unit_head(code), day)
                    self.act(
                        c,
                        "discipline",
                        "sanction_recorded",
                        self.at(self.wd(day, 2), "10:00"),
                        self.who("head", day),
                        self.uid("gov"),
                        sanction="admonition",
                        subject_person=head,
                        subject_unit=unit,
                        note="诫勉谈话、黄牌警告",
                    )
            if v == "veto_rated_advanced":
                rating = "advanced"
            elif score < 80:
                rating = "qualified"
            else:
                rating = "advanced" if rank <= 3 else "good"
            self.act(
                c,
                "discipline",
                "rated",
                self.at(self.wd(day, 5), "16:00"),
                od,
                self.uid("office"),
                year=y,
                rating=rating,
                subject_unit=unit,
            )
        return order[-1]

    # =================================================================================
    # research 调研
    # =================================================================================
    def gen_research(self) -> None:
        rng = self.rng
        y = self.year
        changle = self.s.pack == "changle-2022"
        leaders = ["head", "evh", *self.vhs]
        for key in leaders:
            c = self.case("RES")
            v = "ok"
            if key == "head" and changle:
                v = "escort_two"
            elif key == self.vhs[-1] and changle:
                v = "quota_short"
            self.plant(c, v)
            gov = self.uid("gov")
            target = 44 if v == "quota_short" else rng.randint(62, 70)
            total = 0.0
            unann = 0.0
            n = 0
            day = self.workday_on_or_after(date(y, 1, 8) + timedelta(days=rng.randint(0, 6)))
            escorts_bad_done = False
            while total < target and day < date(y, 12, 5):
                days: float = rng.choice([2, 2, 3]) if v != "quota_short" else rng.choice([1, 2])
                days = min(days, target - total) if target - total >= 1 else 1
                if self.trip[0] - timedelta(days=3) <= day <= self.trip[1]:
                    day = self.workday_on_or_after(self.trip[1] + timedelta(days=1))
                # at least half of the days unannounced (四不两直), except the one who falls short
                want_unann = (unann + days) / (total + days) <= 0.62 if v != "quota_short" else n % 3 == 0
                town = rng.choice(self.towns)
                leader = self.who(key, day)
                escorts: list[str] = []
                if key == "head" and v == "escort_two" and not escorts_bad_done and n >= 6:
                    escorts = [self.who(f"{town}-head", day), self.who(f"{town}-sec", day)]
                    escorts_bad_done = True
                elif not want_unann:
                    escorts = [self.who(f"{town}-dep", day)]
                    if key == "head" and rng.random() < 0.5:
                        escorts.append(self.who(f"{town}-head", day))
                self.act(
                    c,
                    "research",
                    "visit",
                    self.at(day, f"{rng.randint(8, 9):02d}:{rng.choice(['00', '30'])}"),
                    leader,
                    gov,
                    leader=leader,
                    town=self.uid(town),
                    days=days,
                    unannounced=want_unann,
                    escorts=escorts,
                    subject=self.subject(rng.choice(self.s.depts)),
                )
                total += days
                unann += days if want_unann else 0
                n += 1
                day = self.workday_on_or_after(day + timedelta(days=int(days) + rng.randint(6, 9)))
            if v != "quota_short":
                rd = self.workday_on_or_after(date(y, 11, 20) + timedelta(days=rng.randint(0, 14)))
                self.act(
                    c,
                    "research",
                    "report_submitted",
                    self.at(rd, "16:00"),
                    self.who(key, rd),
                    gov,
                    year=y,
                    leader=self.who(key, rd),
                    title=f"关于{self.s.place}{self.subject(rng.choice(self.s.depts))}的调研报告",
                )
        # the first visits of the new year: they show the year is over, so that its quota is
        # judged (RES-ANNUAL-QUOTA judges a year once later research is on record)
        for key in ("head", self.vhs[0]):
            day = self.wd(date(y + 1, 1, 1), 1 + leaders.index(key))
            town = rng.choice(self.towns)
            c = self.case_in(y + 1, "RES")
            self.plant(c, "ok")
            leader = self.who(key, day)
            self.act(
                c,
                "research",
                "visit",
                self.at(day, "08:30"),
                leader,
                self.uid("gov"),
                leader=leader,
                town=self.uid(town),
                days=1,
                unannounced=True,
                escorts=[],
                subject="新年度重点工作开局",
            )

    # ---- the whole year ------------------------------------------------------------
    def build(self) -> DemoJurisdiction:
        k = self.s.scale

        def n(x: int) -> int:
            return max(6, round(x * k))

        self.gen_requests(n(40))
        instructions = self.gen_incoming(n(50))
        self.gen_outgoing(n(48))
        self.gen_meetings(n(20), 6 if k >= 1 else 5, instructions[: n(10)])
        self.gen_leave(n(36))
        self.gen_incidents(n(10))
        self.gen_service(n(40))
        self.gen_discipline()
        self.gen_research()
        return DemoJurisdiction(
            org=self.org(),
            acts=self.acts,
            clock=f"{self.year + 1}-01-08T18:00:00+08:00",
            planted=self.planted,
        )


# ---------------------------------------------------------------------------------------
# The public API
# ---------------------------------------------------------------------------------------


def build_demo(year: int = 2024, seed: int = 7) -> list[DemoJurisdiction]:
    """Three demo jurisdictions for ``year``, deterministic from ``seed``.

    ``changle`` (the main county, judged by changle-2022), ``dongqu`` (a district,
    dongqu-2012) and ``yiyuan`` (a smaller county, yiyuan). Acts come grouped by case, not in
    business-time order, as an OA export would; no ``deadline_missed`` acts (the clock adds
    those — see :func:`demo_violations`).
    """
    rng = random.Random(seed)
    out = []
    for spec in SPECS:
        sub = random.Random(rng.randrange(2**32))
        out.append(_County(spec, year, sub).build())
    return out


def demo_acts(j: DemoJurisdiction) -> tuple[OrgChart, list[Act]]:
    """The jurisdiction's acts validated as the ledger validates them (org acts first), with
    the clock run once at ``j.clock`` (its ``deadline_missed`` acts appended)."""
    from domain.acts import OrgRefs, validate_act
    from domain.org import OrgChart
    from domain.orgfile import org_acts
    from domain.rules.engine import Evaluator, deadline_missed_act, due_obligations, group_cases
    from domain.timeutil import parse_datetime

    jur, oacts = org_acts(j.org)
    acts: list[Act] = []
    for raw in oacts:
        acts.append(replace(validate_act(raw, jurisdiction=jur), seq=len(acts) + 1))
    org = OrgChart.from_acts(acts, jur)
    refs = OrgRefs(org.is_person, org.is_unit, org.is_post)
    kinds: dict[str, str] = {}

    def add(raws: Iterable[dict[str, Any]], clock: bool = False) -> None:
        for raw in raws:
            a = validate_act(raw, jurisdiction=jur, refs=refs, case_kind_of=kinds.get, allow_clock_acts=clock)
            kinds.setdefault(a.case, a.kind)
            acts.append(replace(a, seq=len(acts) + 1))

    add(j.acts)
    ev = Evaluator(org, WorkCalendar.of(org))
    cases = group_cases(a for a in acts if a.kind != "org")
    add((deadline_missed_act(ob, jur) for ob in due_obligations(ev, cases, parse_datetime(j.clock))), clock=True)
    return org, acts


def demo_violations(j: DemoJurisdiction) -> list[Violation]:
    """Validate every act, run the clock once at ``j.clock``, and evaluate the catalog."""
    from domain.rules.engine import evaluate

    org, acts = demo_acts(j)
    return evaluate(acts, org, WorkCalendar.of(org))
