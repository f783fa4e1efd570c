"""The demo's workshop crews as data: who works at an outlet of each template (skills, high-voltage
level, rota, shift), the names they are drawn from, the service desk's limits, and the one outlet
whose high-voltage pair is broken up next week (DESIGN.md "Workshop capacity")."""

from __future__ import annotations

from dataclasses import dataclass

from crews.models import HvLevel

GENERAL, EV, BODY, ADAS = "general", "ev_battery", "body_paint", "adas_calibration"


@dataclass(frozen=True)
class Profile:
    """One technician of a template's roster.

    `rota` "A" works the first five open days of the week, "B" the last five, so that both work
    midweek and every open day has someone. `part` "early" or "late" splits a day longer than
    a shift (the flagships' 12 hours) into two overlapping shifts; "day" is the whole day.
    Seniors are the ones the Maextro programme has trained (at outlets with several brands; a
    Maextro house trains everyone)."""

    skills: tuple[str, ...]
    hv_level: int = HvLevel.NONE
    rota: str = "A"
    part: str = "day"
    senior: bool = False


H3, H2, H1 = HvLevel.LIVE_WORK, HvLevel.QUALIFIED, HvLevel.AWARE

# Each big outlet has one live-work technician (level 3) and high-voltage pairs on both rotas,
# so battery work (a crew of two at level 2 or more) is offered every open day.
ROSTERS: dict[str, list[Profile]] = {
    "centre": [
        Profile((GENERAL, EV), H3, "A", senior=True),
        Profile((GENERAL, EV), H2, "A", senior=True),
        Profile((GENERAL, EV), H2, "B", senior=True),
        Profile((GENERAL, EV), H2, "B", senior=True),
        Profile((GENERAL, ADAS), H1, "A", senior=True),
        Profile((GENERAL, ADAS), rota="B"),
        Profile((BODY,), rota="A", senior=True),
        Profile((BODY, GENERAL), rota="B"),
        Profile((GENERAL,), H1, "A", senior=True),
        Profile((GENERAL,), rota="B", senior=True),
        Profile((GENERAL,), rota="A"),
    ],
    "flagship": [
        Profile((GENERAL, EV), H3, "A", "early", senior=True),
        Profile((GENERAL, EV), H2, "A", "early", senior=True),
        Profile((GENERAL, EV), H2, "B", "late", senior=True),
        Profile((GENERAL, EV), H2, "B", "late", senior=True),
        Profile((GENERAL, ADAS), H1, "A", "late", senior=True),
        Profile((GENERAL, ADAS), rota="B", part="early", senior=True),
        Profile((GENERAL,), H1, "A", "late"),
        Profile((GENERAL,), rota="B", part="early"),
        Profile((GENERAL,), rota="A", part="early"),
    ],
    "express": [
        Profile((GENERAL,), H1, "A", senior=True),
        Profile((GENERAL,), rota="A"),
        Profile((GENERAL,), rota="B", senior=True),
        Profile((GENERAL,), rota="B"),
    ],
    "europe": [
        Profile((GENERAL, EV), H3, "A", senior=True),
        Profile((GENERAL, EV), H2, "A", senior=True),
        Profile((GENERAL, EV), H2, "B", senior=True),
        Profile((GENERAL, ADAS), H1, "A", senior=True),
        Profile((GENERAL,), rota="B", senior=True),
        Profile((GENERAL,), rota="B"),
    ],
}

# The longest shift; a longer open day is split into an early and a late shift of this length.
SHIFT_HOURS = 9


@dataclass(frozen=True)
class Desk:
    per_slot: int
    per_day: int


# Check-ins the service desk can take per slot start and per day (the advisors' capacity).
DESK = {
    "centre": Desk(3, 40),
    "flagship": Desk(3, 40),
    "express": Desk(2, 30),
    "europe": Desk(2, 16),
}
DESK_BY_OUTLET = {"HF-MAEXTRO-01": Desk(2, 12)}  # hour-long slots, a few cars a day

# Names, as (characters, pinyin) for the usernames; a technician's is a surname and a given name.
SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"),
    ("高", "gao"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"),
]  # fmt: skip
GIVEN_NAMES = [
    ("强", "qiang"), ("伟", "wei"), ("军", "jun"), ("磊", "lei"), ("洋", "yang"), ("杰", "jie"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("波", "bo"), ("鹏", "peng"), ("浩", "hao"),
    ("芳", "fang"), ("静", "jing"), ("敏", "min"), ("鑫", "xin"), ("勇", "yong"), ("刚", "gang"),
    ("辉", "hui"), ("东", "dong"), ("斌", "bin"), ("峰", "feng"), ("亮", "liang"), ("宇", "yu"),
]  # fmt: skip
# The Munich team, (surname, given name), in roster order.
MUNICH_NAMES = [
    ("Huber", "Thomas"), ("Schneider", "Julia"), ("Wagner", "Lukas"), ("Becker", "Sofia"),
    ("Yılmaz", "Emre"), ("Wang", "Lin"),
]  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    """At one outlet only two technicians hold high-voltage level 2 or more, both on rota A:
    the live-work lead and their guardian (监护人). The guardian is away on two weekdays next
    week, so no battery crew can be formed there on those days while other work goes on; and
    one technician's Maextro authorization lapses within the month."""

    outlet: str = "BJ-CHAOYANG-01"
    lead: tuple[str, str] = ("王", "强")  # the outlet's `tech.` login, live work (level 3)
    guardian: tuple[str, str] = ("刘", "洋")  # roster index 1, level 2
    guardian_username: str = "liu.yang.bj-chaoyang"
    away_reason: str = "年假 / annual leave"
    lapsing: tuple[str, str] = ("赵", "磊")  # roster index 8: their Maextro authorization
    lapsing_username: str = "zhao.lei.bj-chaoyang"
    lapses_in_days: int = 20


SCENARIO = Scenario()

# The scenario outlet's roster: the centre's, without the high-voltage pair on rota B.
ROSTERS["centre-thin-hv"] = [
    *ROSTERS["centre"][:2],
    Profile((GENERAL,), H1, "B", senior=True),
    Profile((GENERAL,), rota="B"),
    *ROSTERS["centre"][4:],
]
ROSTER_BY_OUTLET = {SCENARIO.outlet: "centre-thin-hv"}
# Fixed names at the scenario outlet, by roster index.
NAMED = {
    SCENARIO.outlet: {
        0: SCENARIO.lead + ("",),
        1: SCENARIO.guardian + (SCENARIO.guardian_username,),
        8: SCENARIO.lapsing + (SCENARIO.lapsing_username,),
    }
}

# A few other absences: (outlet, roster index, first and last day from today, reason as the
# outlet's manager would write it, in both languages: the field has one).
ABSENCES = [
    ("SH-MINHANG-01", 9, 14, 18, "年假 / annual leave"),
    ("SZ-NANSHAN-01", 5, 8, 8, "智界智驾标定培训 / Luxeed ADAS training"),
    ("HZ-BINJIANG-01", 6, -2, 1, "病假 / sick leave"),
    ("SH-PUDONG-01", 8, -30, -26, "年假 / annual leave"),
]
