"""MTG — 会议: one test per clause, named after the rule."""

from __future__ import annotations

from collections.abc import Sequence

from domain.acts import Act
from tests.rules.history import History, t

M8 = ["p-head", "p-evh", "p-vh1", "p-vh2", "p-od", "p-fgj", "p-sfj", "p-czj"]
M9 = [*M8, "p-zcyj"]


def schedule(
    h: History,
    case: str = "M-1",
    type: str = "executive",
    members: Sequence[str] = M8,
    start: str = "2024-03-08 09:00",
    at: str = "2024-03-01 09:00",
    unit: str = "u-office",
    by: str = "p-od",
    **kw: object,
) -> Act:
    return h.add(
        "meeting",
        case,
        "scheduled",
        at,
        by=by,
        unit=unit,
        type=type,
        members=list(members),
        start=t(start).isoformat(),
        **kw,
    )


def convene(
    h: History,
    case: str = "M-1",
    at: str = "2024-03-08 09:00",
    chair: str = "p-head",
    present: Sequence[str] = M8,
    substitutes: Sequence[str] = (),
    unit: str = "u-office",
) -> Act:
    return h.add(
        "meeting",
        case,
        "convened",
        at,
        by="p-od",
        unit=unit,
        chair=chair,
        present=list(present),
        substitutes=list(substitutes),
    )


def topic(h: History, name: str, at: str, by: str = "p-fgj", case: str = "M-1", **kw: object) -> Act:
    return h.add("meeting", case, "topic_proposed", at, by=by, unit="u-fgj", topic=name, lead_unit="u-fgj", **kw)


def step(h: History, name: str, s: str, at: str, by: str, case: str = "M-1") -> Act:
    return h.add("meeting", case, "topic_step_done", at, by=by, unit="u-office", topic=name, step=s)


def discuss(h: History, name: str, at: str = "2024-03-08 09:30", case: str = "M-1", **kw: object) -> Act:
    return h.add("meeting", case, "topic_discussed", at, by="p-od", unit="u-office", topic=name, **kw)


def ticked(h: History, now: str, rule: str) -> list[Act]:
    """The ``deadline_missed`` acts the clock records at ``now`` for ``rule``."""
    return [a for a in h.tick(now) if a.get("rule") == rule]


# ---- MTG-QUORUM -----------------------------------------------------------------------------
def test_mtg_quorum_changle_exactly_half_present_is_flagged() -> None:
    h = History("changle-2022")
    sch = schedule(h)
    conv = convene(h, present=["p-head", "p-evh", "p-vh1", "p-vh2"])  # 4 of 8 = 1/2, not more
    [v] = h.violations("MTG-QUORUM")
    assert v.article == "changle-2022:四十六"
    assert set(v.evidence) == {sch.id, conv.id}
    assert v.detail["present"] == 4 and v.detail["members"] == 8


def test_mtg_quorum_changle_more_than_half_passes() -> None:
    h = History("changle-2022")
    schedule(h)
    convene(h, present=["p-head", "p-evh", "p-vh1", "p-vh2", "p-od"])  # 5 of 8
    assert h.violations("MTG-QUORUM") == []


def test_mtg_quorum_dongqu_executive_exactly_half_is_flagged_and_substitutes_do_not_count() -> None:
    h = History("dongqu-2012")
    schedule(h)
    convene(h, present=["p-head", "p-evh", "p-vh1", "p-vh2"], substitutes=["p-fgjd"])
    [v] = h.violations("MTG-QUORUM")
    assert v.article == "dongqu-2012:第四十二条, 第五十五条"


def test_mtg_quorum_dongqu_executive_five_of_eight_passes() -> None:
    h = History("dongqu-2012")
    schedule(h)
    convene(h, present=["p-evh", "p-vh1", "p-vh2", "p-od"])  # + the chair = 5 of 8
    assert h.violations("MTG-QUORUM") == []


def test_mtg_quorum_dongqu_plenary_exactly_two_thirds_is_flagged() -> None:
    h = History("dongqu-2012")
    sch = schedule(h, type="plenary", members=M9)
    conv = convene(h, present=M9[:6])  # 6 of 9 = 2/3, not more
    [v] = h.violations("MTG-QUORUM")
    assert set(v.evidence) == {sch.id, conv.id}
    assert v.detail["required_more_than"] == "2/3"


def test_mtg_quorum_dongqu_plenary_seven_of_nine_passes() -> None:
    h = History("dongqu-2012")
    schedule(h, type="plenary", members=M9)
    convene(h, present=M9[:7])
    assert h.violations("MTG-QUORUM") == []


def test_mtg_quorum_changle_plenary_has_no_quorum_in_the_seed() -> None:
    h = History("changle-2022")
    schedule(h, type="plenary", members=M9)
    convene(h, present=M9[:3])
    assert h.violations("MTG-QUORUM") == []


def test_mtg_quorum_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    schedule(h)
    convene(h, present=["p-head"])
    assert h.violations("MTG-QUORUM") == []


# ---- MTG-CONVENER ---------------------------------------------------------------------------
def test_mtg_convener_changle_head_chairs_passes() -> None:
    h = History("changle-2022")
    schedule(h)
    convene(h, chair="p-head")
    assert h.violations("MTG-CONVENER") == []


def test_mtg_convener_changle_exec_vice_head_without_delegation_is_flagged() -> None:
    h = History("changle-2022")
    schedule(h)
    conv = convene(h, chair="p-evh")
    [v] = h.violations("MTG-CONVENER")
    assert v.article == "changle-2022:四十六"
    assert v.evidence == (conv.id,)
    assert v.person == "p-evh"


def test_mtg_convener_changle_exec_vice_head_with_convene_delegation_on_the_day_passes() -> None:
    h = History("changle-2022")
    h.org(
        "delegated",
        "2024-03-01",
        from_post="head",
        to_post="evh",
        scope="convene",
        since="2024-03-07",
        until="2024-03-08",
    )
    schedule(h)
    convene(h, chair="p-evh")
    assert h.violations("MTG-CONVENER") == []


def test_mtg_convener_changle_delegation_that_ended_before_the_meeting_is_flagged() -> None:
    h = History("changle-2022")
    h.org(
        "delegated",
        "2024-03-01",
        from_post="head",
        to_post="evh",
        scope="convene",
        since="2024-03-01",
        until="2024-03-07",
    )
    schedule(h)
    convene(h, chair="p-evh")
    assert len(h.violations("MTG-CONVENER")) == 1


def test_mtg_convener_changle_sign_only_delegation_does_not_cover_convening() -> None:
    h = History("changle-2022")
    h.org(
        "delegated", "2024-03-01", from_post="head", to_post="evh", scope="sign", since="2024-03-01", until="2024-03-31"
    )
    schedule(h)
    convene(h, chair="p-evh")
    assert len(h.violations("MTG-CONVENER")) == 1


def test_mtg_convener_dongqu_vice_head_chairing_is_flagged() -> None:
    h = History("dongqu-2012")
    schedule(h)
    conv = convene(h, chair="p-vh1")
    [v] = h.violations("MTG-CONVENER")
    assert v.article == "dongqu-2012:第五十四条"
    assert v.evidence == (conv.id,)


def test_mtg_convener_dongqu_exec_vice_head_with_general_delegation_passes() -> None:
    h = History("dongqu-2012")
    h.org(
        "delegated", "2024-03-01", from_post="head", to_post="evh", scope="all", since="2024-03-01", until="2024-03-31"
    )
    schedule(h)
    convene(h, chair="p-evh")
    assert h.violations("MTG-CONVENER") == []


def test_mtg_convener_dongqu_reads_the_org_chart_as_it_was_at_the_meeting() -> None:
    h = History("dongqu-2012")
    h.org("relieved", "2024-03-04", person="p-head", post="head")
    h.org("appointed", "2024-03-04", person="p-vh2", post="head")
    schedule(h)
    schedule(h, case="M-0", start="2024-03-01 09:00", at="2024-02-20 09:00")
    convene(h, case="M-0", at="2024-03-01 09:00", chair="p-head")  # still the head then
    conv = convene(h, chair="p-head")  # no longer the head
    convene(h, case="M-2", chair="p-vh2")  # M-2 has no schedule: type unknown, not judged
    [v] = h.violations("MTG-CONVENER")
    assert v.case == "M-1" and v.evidence == (conv.id,)


def test_mtg_convener_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    schedule(h)
    convene(h, chair="p-vh1")
    assert h.violations("MTG-CONVENER") == []


# ---- MTG-TOPIC-APPROVAL ---------------------------------------------------------------------
def test_mtg_topic_approval_changle_vice_head_then_head_passes() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    step(h, "园区规划", "vice_head_approved", "2024-03-02 10:00", by="p-vh1")
    h.add("meeting", "M-1", "topic_approved", "2024-03-04 10:00", by="p-head", unit="u-gov", topic="园区规划")
    convene(h)
    discuss(h, "园区规划")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def test_mtg_topic_approval_changle_missing_head_approval_is_flagged() -> None:
    h = History("changle-2022")
    schedule(h)
    p = topic(h, "园区规划", "2024-03-01 10:00")
    s = step(h, "园区规划", "vice_head_approved", "2024-03-02 10:00", by="p-vh1")
    convene(h)
    d = discuss(h, "园区规划")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.article == "changle-2022:四十八"
    assert {p.id, s.id, d.id} <= set(v.evidence)
    assert v.detail["problems"] == ["head_approved:missing"]


def test_mtg_topic_approval_changle_approval_after_the_meeting_does_not_count() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    step(h, "园区规划", "vice_head_approved", "2024-03-02 10:00", by="p-vh1")
    convene(h)
    discuss(h, "园区规划")
    h.add("meeting", "M-1", "topic_approved", "2024-03-08 12:00", by="p-head", unit="u-gov", topic="园区规划")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == ["head_approved:missing"]


def test_mtg_topic_approval_changle_head_before_vice_head_is_out_of_order() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    h.add("meeting", "M-1", "topic_approved", "2024-03-02 10:00", by="p-head", unit="u-gov", topic="园区规划")
    step(h, "园区规划", "vice_head_approved", "2024-03-04 10:00", by="p-vh1")
    convene(h)
    discuss(h, "园区规划")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == ["head_approved:order"]


def test_mtg_topic_approval_changle_vice_head_not_in_charge_does_not_count() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    wrong = step(h, "园区规划", "vice_head_approved", "2024-03-02 10:00", by="p-evh")  # evh is not in charge of u-fgj
    h.add("meeting", "M-1", "topic_approved", "2024-03-04 10:00", by="p-head", unit="u-gov", topic="园区规划")
    convene(h)
    discuss(h, "园区规划")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert wrong.id in v.evidence
    assert "审批人职务不符" in v.message_zh


def test_mtg_topic_approval_changle_cover_partner_of_the_vice_head_in_charge_counts() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    step(h, "园区规划", "vice_head_approved", "2024-03-02 10:00", by="p-vh2")  # AB角 of vh-1
    h.add("meeting", "M-1", "topic_approved", "2024-03-04 10:00", by="p-head", unit="u-gov", topic="园区规划")
    convene(h)
    discuss(h, "园区规划")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def test_mtg_topic_approval_changle_topic_proposed_by_a_vice_head_needs_only_the_head() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00", by="p-vh1")
    h.add("meeting", "M-1", "topic_approved", "2024-03-04 10:00", by="p-head", unit="u-gov", topic="园区规划")
    convene(h)
    discuss(h, "园区规划")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def _dongqu_chain(h: History, skip: str = "", swap: dict[str, str] | None = None) -> list[Act]:
    swap = swap or {}
    out = []
    for i, (s, by) in enumerate(
        [
            ("vice_head_approved", "p-vh1"),
            ("secretary_reviewed", "p-sec"),
            ("deputy_director_reviewed", "p-odd"),
            ("director_reviewed", "p-od"),
            ("exec_vice_head_reviewed", "p-evh"),
            ("head_approved", "p-head"),
        ]
    ):
        if s == skip:
            continue
        out.append(step(h, "棚改项目", s, f"2024-03-0{1 + i // 3} 1{i}:00", by=swap.get(s, by)))
    return out


def test_mtg_topic_approval_dongqu_full_chain_passes() -> None:
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_chain(h)
    convene(h)
    discuss(h, "棚改项目")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def test_mtg_topic_approval_dongqu_missing_director_review_is_flagged() -> None:
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_chain(h, skip="director_reviewed")
    convene(h)
    d = discuss(h, "棚改项目")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.article == "dongqu-2012:第四十九条, 第五十一条"
    assert d.id in v.evidence
    assert v.detail["problems"] == ["director_reviewed:missing"]


def test_mtg_topic_approval_dongqu_review_by_the_wrong_post_is_flagged() -> None:
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_chain(h, swap={"secretary_reviewed": "p-odd"})
    convene(h)
    discuss(h, "棚改项目")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == ["secretary_reviewed:missing"]


def test_mtg_topic_approval_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    convene(h)
    discuss(h, "园区规划")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def approve(h: History, name: str, at: str, by: str, case: str = "M-1") -> Act:
    """``topic_approved (topic)`` — the contract's act, whoever the approver is."""
    return h.add("meeting", case, "topic_approved", at, by=by, unit="u-gov", topic=name)


def test_mtg_topic_approval_changle_topic_approved_by_the_vice_head_in_charge_then_the_head_passes() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    approve(h, "园区规划", "2024-03-02 10:00", by="p-vh1")
    approve(h, "园区规划", "2024-03-04 10:00", by="p-head")
    convene(h)
    discuss(h, "园区规划")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def test_mtg_topic_approval_changle_topic_approved_by_the_head_only_misses_the_vice_head_in_charge() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    approve(h, "园区规划", "2024-03-04 10:00", by="p-head")
    convene(h)
    discuss(h, "园区规划")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == ["vice_head_approved:missing"]


def test_mtg_topic_approval_changle_topic_approved_by_a_vice_head_not_in_charge_is_named_and_does_not_count() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")  # lead unit u-fgj: vh-1 in charge, vh-2 its AB角
    wrong = approve(h, "园区规划", "2024-03-02 10:00", by="p-evh")
    approve(h, "园区规划", "2024-03-04 10:00", by="p-head")
    convene(h)
    discuss(h, "园区规划")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == ["vice_head_approved:missing"]
    assert wrong.id in v.evidence
    [nc] = v.detail["not_counted"]
    assert nc["by"] == "p-evh" and nc["post"] == "evh" and nc["act"] == wrong.id
    assert "p-evh" in v.message_zh and "分管副职" in v.message_zh


def test_mtg_topic_approval_changle_topic_approved_by_a_department_head_is_named_and_does_not_count() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    wrong = approve(h, "园区规划", "2024-03-02 10:00", by="p-fgj")
    approve(h, "园区规划", "2024-03-04 10:00", by="p-head")
    convene(h)
    discuss(h, "园区规划")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert [nc["act"] for nc in v.detail["not_counted"]] == [wrong.id]
    assert "不在议题审批链中" in v.message_zh


def test_mtg_topic_approval_changle_topic_approved_by_the_ab_partner_of_the_vice_head_in_charge_counts() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    approve(h, "园区规划", "2024-03-02 10:00", by="p-vh2")  # AB角 of vh-1, in charge of u-fgj
    approve(h, "园区规划", "2024-03-04 10:00", by="p-head")
    convene(h)
    discuss(h, "园区规划")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def test_mtg_topic_approval_changle_head_step_by_the_exec_vice_head_on_the_heads_delegation_counts() -> None:
    h = History("changle-2022")
    h.org(
        "delegated",
        "2024-02-01",
        from_post="head",
        to_post="evh",
        scope="convene",
        since="2024-03-01",
        until="2024-03-10",
    )
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    approve(h, "园区规划", "2024-03-02 10:00", by="p-vh1")
    approve(h, "园区规划", "2024-03-04 10:00", by="p-evh")
    convene(h)
    discuss(h, "园区规划")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def test_mtg_topic_approval_changle_approver_is_read_with_the_post_held_at_the_time() -> None:
    h = History("changle-2022")
    h.org("relieved", "2024-03-05", person="p-vh1", post="vh-1")
    h.org("appointed", "2024-03-05", person="p-staff", post="vh-1")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    early = approve(h, "园区规划", "2024-03-02 10:00", by="p-staff")  # vice head in charge only from 03-05
    approve(h, "园区规划", "2024-03-06 10:00", by="p-head")
    convene(h)
    discuss(h, "园区规划")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == ["vice_head_approved:missing"]
    assert [nc["act"] for nc in v.detail["not_counted"]] == [early.id]


def _dongqu_approvals(h: History, order: Sequence[str]) -> list[Act]:
    return [approve(h, "棚改项目", f"2024-03-0{1 + i // 3} 1{i}:00", by=by) for i, by in enumerate(order)]


DONGQU_APPROVERS = ["p-vh1", "p-sec", "p-odd", "p-od", "p-evh", "p-head"]


def test_mtg_topic_approval_dongqu_whole_chain_recorded_as_topic_approved_passes() -> None:
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_approvals(h, DONGQU_APPROVERS)
    convene(h)
    discuss(h, "棚改项目")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def test_mtg_topic_approval_dongqu_section_51_chain_recorded_as_topic_approved_passes_without_a_vice_head() -> None:
    # 第五十一条: secretary, deputy director, director, executive vice head, head — the whole chain.
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_approvals(h, DONGQU_APPROVERS[1:])
    convene(h)
    discuss(h, "棚改项目")
    assert h.violations("MTG-TOPIC-APPROVAL") == []


def test_mtg_topic_approval_dongqu_topic_approved_by_the_head_alone_misses_four_steps() -> None:
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_approvals(h, ["p-head"])
    convene(h)
    discuss(h, "棚改项目")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == [
        "secretary_reviewed:missing",
        "deputy_director_reviewed:missing",
        "director_reviewed:missing",
        "exec_vice_head_reviewed:missing",
    ]


def test_mtg_topic_approval_dongqu_director_before_deputy_director_is_out_of_order() -> None:
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_approvals(h, ["p-vh1", "p-sec", "p-od", "p-odd", "p-evh", "p-head"])
    convene(h)
    discuss(h, "棚改项目")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == ["director_reviewed:order"]


def test_mtg_topic_approval_dongqu_vice_head_in_charge_approving_is_recognised_not_reported() -> None:
    # 第四十九条: the vice head in charge agrees before a department proposes — not "does not count".
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_approvals(h, ["p-vh1", "p-sec", "p-odd", "p-od", "p-head"])
    convene(h)
    discuss(h, "棚改项目")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == ["exec_vice_head_reviewed:missing"]
    assert "not_counted" not in v.detail


def test_mtg_topic_approval_dongqu_step_in_chinese_fills_the_step() -> None:
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    acts = _dongqu_chain(h, skip="director_reviewed")
    step(h, "棚改项目", "主任初审", "2024-03-02 12:30", by="p-od")
    convene(h)
    discuss(h, "棚改项目")
    assert acts and h.violations("MTG-TOPIC-APPROVAL") == []


def test_mtg_topic_approval_dongqu_unknown_step_that_may_be_the_missing_one_is_reported_not_judged() -> None:
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_chain(h, skip="director_reviewed")
    odd = step(h, "棚改项目", "主任把关", "2024-03-02 12:30", by="p-od")
    convene(h)
    discuss(h, "棚改项目")
    assert h.violations("MTG-TOPIC-APPROVAL") == []
    [u] = h.unjudged("MTG-TOPIC-APPROVAL")
    assert (u.act, u.field, u.value) == (odd.id, "data.step", "主任把关")


def test_mtg_topic_approval_dongqu_unknown_step_by_someone_who_fills_no_missing_step_does_not_excuse_it() -> None:
    h = History("dongqu-2012")
    schedule(h, at="2024-02-28 09:00")
    topic(h, "棚改项目", "2024-02-29 10:00")
    _dongqu_chain(h, skip="director_reviewed")
    step(h, "棚改项目", "材料核对", "2024-03-02 12:30", by="p-staff")
    convene(h)
    discuss(h, "棚改项目")
    [v] = h.violations("MTG-TOPIC-APPROVAL")
    assert v.detail["problems"] == ["director_reviewed:missing"]


# ---- MTG-PREREQUISITES ----------------------------------------------------------------------
STEPS = ("public_participation", "expert_review", "risk_assessment", "legality_review")


def _major(h: History, steps: Sequence[str], **kw: object) -> tuple[Act, Act]:
    schedule(h)
    p = topic(h, "水价调整", "2024-02-01 10:00", major_decision=True, **kw)
    for i, s in enumerate(steps):
        step(h, "水价调整", s, f"2024-02-0{2 + i} 10:00", by="p-fgj")
    convene(h)
    d = discuss(h, "水价调整")
    return p, d


def test_mtg_prerequisites_changle_all_statutory_steps_pass() -> None:
    h = History("changle-2022")
    _major(h, STEPS)
    assert h.violations("MTG-PREREQUISITES") == []


def test_mtg_prerequisites_changle_missing_risk_assessment_is_flagged() -> None:
    h = History("changle-2022")
    p, d = _major(h, [s for s in STEPS if s != "risk_assessment"])
    [v] = h.violations("MTG-PREREQUISITES")
    assert v.article == "changle-2022:二十六, 四十八"
    assert set(v.evidence) == {p.id, d.id}
    assert v.detail["missing"] == ["risk_assessment"]


def test_mtg_prerequisites_changle_market_topic_needs_fair_competition_review() -> None:
    h = History("changle-2022")
    _major(h, STEPS, market_related=True)
    [v] = h.violations("MTG-PREREQUISITES")
    assert v.detail["missing"] == ["fair_competition_review"]


def test_mtg_prerequisites_changle_step_done_after_the_meeting_is_flagged_as_late() -> None:
    h = History("changle-2022")
    _major(h, [s for s in STEPS if s != "legality_review"])
    late = step(h, "水价调整", "legality_review", "2024-03-09 10:00", by="p-sfj")
    [v] = h.violations("MTG-PREREQUISITES")
    assert late.id in v.evidence
    assert "会后补办" in v.message_zh


def test_mtg_prerequisites_dongqu_missing_expert_review_is_flagged() -> None:
    h = History("dongqu-2012")
    _major(h, [s for s in STEPS if s != "expert_review"])
    [v] = h.violations("MTG-PREREQUISITES")
    assert v.article == "dongqu-2012:第十五至二十一条, 第五十条"


def test_mtg_prerequisites_dongqu_has_no_fair_competition_review_and_accepts_expert_consultation() -> None:
    h = History("dongqu-2012")
    _major(
        h, ["public_participation", "expert_consultation", "risk_assessment", "legality_review"], market_related=True
    )
    assert h.violations("MTG-PREREQUISITES") == []


def test_mtg_prerequisites_ordinary_topic_needs_no_steps() -> None:
    h = History("dongqu-2012")
    schedule(h)
    topic(h, "日常事项", "2024-02-01 10:00")
    convene(h)
    discuss(h, "日常事项")
    assert h.violations("MTG-PREREQUISITES") == []


def test_mtg_prerequisites_changle_unknown_steps_as_many_as_the_missing_ones_are_reported_not_judged() -> None:
    h = History("changle-2022")
    _major(h, STEPS[:3])
    odd = step(h, "水价调整", "合法性初审", "2024-02-06 10:00", by="p-sfj")
    assert h.violations("MTG-PREREQUISITES") == []
    assert [u.act for u in h.unjudged("MTG-PREREQUISITES")] == [odd.id]


def test_mtg_prerequisites_changle_fewer_unknown_steps_than_missing_ones_is_flagged() -> None:
    h = History("changle-2022")
    schedule(h)
    topic(h, "水价调整", "2024-02-01 10:00", major_decision=True)
    step(h, "水价调整", "公众参与", "2024-02-02 10:00", by="p-fgj")
    step(h, "水价调整", "某种论证", "2024-02-03 10:00", by="p-fgj")
    convene(h)
    discuss(h, "水价调整")
    [v] = h.violations("MTG-PREREQUISITES")
    assert v.detail["missing"] == ["expert_review", "risk_assessment", "legality_review"]


def test_mtg_prerequisites_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    _major(h, [])
    assert h.violations("MTG-PREREQUISITES") == []


# ---- MTG-CONSULTATION-TIMING ----------------------------------------------------------------
def test_mtg_consultation_timing_dongqu_fourth_working_day_is_late() -> None:
    h = History("dongqu-2012")
    p = topic(h, "管网改造", "2024-03-04 10:00", concerned_units=["u-czj", "u-sfj"])  # Monday
    s = step(h, "管网改造", "consultation", "2024-03-08 10:00", by="p-fgj")  # Friday = 4th working day
    [v] = h.violations("MTG-CONSULTATION-TIMING")
    assert v.article == "dongqu-2012:第五十条"
    assert set(v.evidence) == {p.id, s.id}


def test_mtg_consultation_timing_dongqu_third_working_day_after_a_holiday_passes() -> None:
    h = History("dongqu-2012")
    topic(h, "管网改造", "2024-09-30 10:00", concerned_units=["u-czj"])
    step(h, "管网改造", "consultation", "2024-10-10 16:00", by="p-fgj")  # Oct 1–7 holiday: 8, 9, 10
    assert h.violations("MTG-CONSULTATION-TIMING") == []


def test_mtg_consultation_timing_dongqu_missing_consultation_is_recorded_by_the_clock() -> None:
    h = History("dongqu-2012")
    p = topic(h, "管网改造", "2024-03-04 10:00", concerned_units=["u-czj"])
    assert h.tick("2024-03-07 12:00") == []
    [missed] = h.tick("2024-03-08 00:00")
    assert missed.get("rule") == "MTG-CONSULTATION-TIMING"
    [v] = h.violations("MTG-CONSULTATION-TIMING")
    assert set(v.evidence) == {p.id, missed.id}


def test_mtg_consultation_timing_dongqu_topic_without_concerned_units_owes_nothing() -> None:
    h = History("dongqu-2012")
    topic(h, "管网改造", "2024-03-04 10:00")
    assert h.tick("2024-04-01 00:00") == []
    assert h.violations("MTG-CONSULTATION-TIMING") == []


def test_mtg_consultation_timing_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    topic(h, "管网改造", "2024-03-04 10:00", concerned_units=["u-czj"])
    step(h, "管网改造", "consultation", "2024-03-20 10:00", by="p-fgj")
    assert h.violations("MTG-CONSULTATION-TIMING") == []


# ---- MTG-MATERIALS-TIMING -------------------------------------------------------------------
def _approved(h: History, name: str = "管网改造", at: str = "2024-03-04 10:00") -> Act:
    return h.add("meeting", "M-1", "topic_approved", at, by="p-head", unit="u-gov", topic=name)


def test_mtg_materials_timing_dongqu_on_time_passes() -> None:
    h = History("dongqu-2012")
    schedule(h)  # Friday 2024-03-08 09:00
    _approved(h)
    h.add("meeting", "M-1", "materials_submitted", "2024-03-05 17:00", by="p-fgj", topic="管网改造")  # Tuesday
    h.add("meeting", "M-1", "materials_distributed", "2024-03-06 17:00", by="p-od", unit="u-office")  # Wednesday
    assert h.violations("MTG-MATERIALS-TIMING") == []


def test_mtg_materials_timing_dongqu_late_submission_and_distribution_are_flagged() -> None:
    h = History("dongqu-2012")
    sch = schedule(h)
    ap = _approved(h)
    sub = h.add("meeting", "M-1", "materials_submitted", "2024-03-06 09:00", by="p-fgj", topic="管网改造")
    dist = h.add("meeting", "M-1", "materials_distributed", "2024-03-07 09:00", by="p-od", unit="u-office")
    vs = h.violations("MTG-MATERIALS-TIMING")
    assert {v.article for v in vs} == {"dongqu-2012:第五十二条, 第五十三条"}
    assert sorted(set(v.evidence) for v in vs) == sorted([{ap.id, sub.id}, {sch.id, dist.id}])


def test_mtg_materials_timing_dongqu_missing_materials_are_recorded_by_the_clock() -> None:
    h = History("dongqu-2012")
    sch = schedule(h)
    _approved(h)
    missed = h.tick("2024-03-07 00:00")
    assert {m.get("key") for m in missed} == {"submit:管网改造", "distribute"}
    vs = h.violations("MTG-MATERIALS-TIMING")
    assert len(vs) == 2 and any(sch.id in v.evidence for v in vs)


def test_mtg_materials_timing_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    schedule(h)
    _approved(h)
    h.add("meeting", "M-1", "materials_submitted", "2024-03-08 08:00", by="p-fgj", topic="管网改造")
    assert h.violations("MTG-MATERIALS-TIMING") == []


# ---- MTG-AD-HOC-TOPIC -----------------------------------------------------------------------
def test_mtg_ad_hoc_topic_changle_unapproved_topic_is_flagged() -> None:
    h = History("changle-2022")
    schedule(h)
    conv = convene(h)
    d = discuss(h, "临时事项")
    [v] = h.violations("MTG-AD-HOC-TOPIC")
    assert v.article == "changle-2022:四十八"
    assert set(v.evidence) == {d.id, conv.id}


def test_mtg_ad_hoc_topic_changle_urgent_topic_is_exempt() -> None:
    h = History("changle-2022")
    schedule(h)
    convene(h)
    discuss(h, "防汛抢险", urgent=True)
    assert h.violations("MTG-AD-HOC-TOPIC") == []


def test_mtg_ad_hoc_topic_dongqu_has_no_urgent_exemption() -> None:
    h = History("dongqu-2012")
    schedule(h)
    convene(h)
    d = discuss(h, "防汛抢险", urgent=True)
    [v] = h.violations("MTG-AD-HOC-TOPIC")
    assert v.article == "dongqu-2012:第五十八条"
    assert d.id in v.evidence


def test_mtg_ad_hoc_topic_dongqu_topic_in_the_procedure_is_not_ad_hoc() -> None:
    h = History("dongqu-2012")
    schedule(h)
    topic(h, "园区规划", "2024-03-01 10:00")
    convene(h)
    discuss(h, "园区规划")
    assert h.violations("MTG-AD-HOC-TOPIC") == []


def test_mtg_ad_hoc_topic_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    schedule(h)
    convene(h)
    discuss(h, "临时事项")
    assert h.violations("MTG-AD-HOC-TOPIC") == []


# ---- MTG-ABSENCE-LEAVE ----------------------------------------------------------------------
PRESENT_NO_CZJ = [m for m in M8 if m != "p-czj"]


def _leave(h: History, granter: str, *, notify: bool = True, at: str = "2024-03-07 10:00", **kw: object) -> list[Act]:
    out = [h.add("meeting", "M-1", "absence_requested", at, by="p-czj", unit="u-czj", member="p-czj")]
    out.append(h.add("meeting", "M-1", "absence_granted", at, by=granter, unit="u-gov", member="p-czj", **kw))
    if notify:
        out.append(h.add("meeting", "M-1", "office_notified", at, by="p-czj", unit="u-czj", member="p-czj"))
    return out


def test_mtg_absence_leave_changle_leave_from_the_head_and_office_told_passes() -> None:
    h = History("changle-2022")
    schedule(h)
    _leave(h, "p-head")
    convene(h, present=PRESENT_NO_CZJ)
    assert h.violations("MTG-ABSENCE-LEAVE") == []


def test_mtg_absence_leave_changle_leave_granted_by_the_chair_not_the_head_is_flagged() -> None:
    h = History("changle-2022")
    h.org(
        "delegated",
        "2024-03-01",
        from_post="head",
        to_post="evh",
        scope="convene",
        since="2024-03-01",
        until="2024-03-31",
    )
    schedule(h)
    acts = _leave(h, "p-evh")
    conv = convene(h, chair="p-evh", present=[m for m in PRESENT_NO_CZJ if m != "p-head"])
    [v] = h.violations("MTG-ABSENCE-LEAVE")  # the head, absent on delegation, asks nobody
    assert v.person == "p-czj"
    assert v.article == "changle-2022:四十九"
    assert set(v.evidence) == {conv.id, *(a.id for a in acts)}


def test_mtg_absence_leave_changle_office_not_told_is_flagged() -> None:
    h = History("changle-2022")
    schedule(h)
    _leave(h, "p-head", notify=False)
    convene(h, present=PRESENT_NO_CZJ)
    [v] = h.violations("MTG-ABSENCE-LEAVE")
    assert "未告知（报备）办公室" in v.message_zh


def test_mtg_absence_leave_changle_substitute_without_consent_is_flagged() -> None:
    h = History("changle-2022")
    schedule(h)
    _leave(h, "p-head")
    convene(h, present=PRESENT_NO_CZJ, substitutes=["p-fgjd"])
    [v] = h.violations("MTG-ABSENCE-LEAVE")
    assert v.person == "p-fgjd"


def test_mtg_absence_leave_changle_substitute_with_the_heads_consent_passes() -> None:
    h = History("changle-2022")
    schedule(h)
    _leave(h, "p-head", substitute="p-fgjd")
    convene(h, present=PRESENT_NO_CZJ, substitutes=["p-fgjd"])
    assert h.violations("MTG-ABSENCE-LEAVE") == []


def test_mtg_absence_leave_dongqu_leave_from_the_chair_passes_and_substitutes_are_not_checked() -> None:
    h = History("dongqu-2012")
    schedule(h)
    _leave(h, "p-head")
    convene(h, present=PRESENT_NO_CZJ, substitutes=["p-fgjd"])
    assert h.violations("MTG-ABSENCE-LEAVE") == []


def test_mtg_absence_leave_dongqu_leave_asked_after_the_meeting_is_flagged() -> None:
    h = History("dongqu-2012")
    schedule(h, type="plenary")
    conv = convene(h, present=PRESENT_NO_CZJ)
    late = _leave(h, "p-head", at="2024-03-08 15:00")
    [v] = h.violations("MTG-ABSENCE-LEAVE")
    assert v.article == "dongqu-2012:第四十二条, 第五十五条"
    assert set(v.evidence) == {conv.id, *(a.id for a in late)}
    assert "会后补办不计" in v.message_zh


def test_mtg_absence_leave_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    schedule(h)
    convene(h, present=PRESENT_NO_CZJ)
    assert h.violations("MTG-ABSENCE-LEAVE") == []


# ---- MTG-MINUTES ----------------------------------------------------------------------------
def _review(h: History, by: str, at: str, case: str = "M-1") -> Act:
    return h.add("meeting", case, "minutes_reviewed", at, by=by, unit="u-office")


def _issue(h: History, by: str, at: str, case: str = "M-1") -> Act:
    return h.add("meeting", case, "minutes_issued", at, by=by, unit="u-office")


def test_mtg_minutes_changle_director_vice_head_head_passes_with_no_time_limit() -> None:
    h = History("changle-2022")
    schedule(h)
    convene(h)
    _review(h, "p-od", "2024-03-11 10:00")
    _review(h, "p-vh1", "2024-03-12 10:00")
    _issue(h, "p-head", "2024-03-29 10:00")  # late by dongqu's measure; changle sets no limit
    assert h.violations("MTG-MINUTES") == []


def test_mtg_minutes_changle_missing_vice_head_countersign_is_flagged() -> None:
    h = History("changle-2022")
    schedule(h)
    convene(h)
    r = _review(h, "p-od", "2024-03-11 10:00")
    i = _issue(h, "p-head", "2024-03-12 10:00")
    [v] = h.violations("MTG-MINUTES")
    assert v.article == "changle-2022:五十"
    assert set(v.evidence) == {r.id, i.id}
    assert v.detail["problems"] == ["vice_head:missing"]


def test_mtg_minutes_changle_issued_by_the_office_director_is_flagged() -> None:
    h = History("changle-2022")
    schedule(h)
    convene(h)
    _review(h, "p-od", "2024-03-11 10:00")
    _review(h, "p-vh1", "2024-03-12 10:00")
    _issue(h, "p-od", "2024-03-12 15:00")
    [v] = h.violations("MTG-MINUTES")
    assert v.detail["problems"] == ["issue:head:missing"]
    assert "不是县（区）长" in v.message_zh


def _dongqu_minutes(h: History, issue_at: str, *, reviews: Sequence[str] = ("p-odd", "p-od", "p-evh")) -> list[Act]:
    out = [h.add("meeting", "M-1", "minutes_drafted", "2024-09-30 15:00", by="p-sec", unit="u-office")]
    for i, r in enumerate(reviews):
        out.append(_review(h, r, f"2024-09-30 1{6 + i}:00"))
    out.append(_issue(h, "p-head", issue_at))
    return out


def test_mtg_minutes_dongqu_within_three_working_days_across_the_national_day_holiday_passes() -> None:
    h = History("dongqu-2012")
    schedule(h, start="2024-09-30 09:00", at="2024-09-20 09:00")
    convene(h, at="2024-09-30 09:00")
    _dongqu_minutes(h, "2024-10-10 17:00")  # Oct 1–7 holiday: 8, 9, 10 are the 3 working days
    assert h.violations("MTG-MINUTES") == []


def test_mtg_minutes_dongqu_fourth_working_day_after_the_holiday_is_late() -> None:
    h = History("dongqu-2012")
    schedule(h, start="2024-09-30 09:00", at="2024-09-20 09:00")
    conv = convene(h, at="2024-09-30 09:00")
    acts = _dongqu_minutes(h, "2024-10-11 09:00")
    [v] = h.violations("MTG-MINUTES")
    assert v.article == "dongqu-2012:第四十五条, 第六十二条, 第七十二条, 第八十一条"
    assert set(v.evidence) == {conv.id, acts[-1].id}


def test_mtg_minutes_dongqu_missing_minutes_are_recorded_by_the_clock() -> None:
    h = History("dongqu-2012")
    schedule(h, start="2024-09-30 09:00", at="2024-09-20 09:00")
    conv = convene(h, at="2024-09-30 09:00")
    assert ticked(h, "2024-10-10 12:00", "MTG-MINUTES") == []
    [missed] = ticked(h, "2024-10-11 00:00", "MTG-MINUTES")
    [v] = h.violations("MTG-MINUTES")
    assert set(v.evidence) == {conv.id, missed.id}


def test_mtg_minutes_dongqu_director_before_deputy_director_is_out_of_order() -> None:
    h = History("dongqu-2012")
    schedule(h, start="2024-09-30 09:00", at="2024-09-20 09:00")
    convene(h, at="2024-09-30 09:00")
    _dongqu_minutes(h, "2024-10-08 10:00", reviews=("p-od", "p-odd", "p-evh"))
    [v] = h.violations("MTG-MINUTES")
    assert v.detail["problems"] == ["director:order"]


def test_mtg_minutes_dongqu_executive_minutes_need_the_exec_vice_heads_review() -> None:
    h = History("dongqu-2012")
    schedule(h, start="2024-09-30 09:00", at="2024-09-20 09:00")
    convene(h, at="2024-09-30 09:00")
    _dongqu_minutes(h, "2024-10-08 10:00", reviews=("p-odd", "p-od"))
    [v] = h.violations("MTG-MINUTES")
    assert v.detail["problems"] == ["exec_vice_head:missing"]


def test_mtg_minutes_dongqu_head_office_meeting_chaired_and_issued_by_the_head_passes() -> None:
    h = History("dongqu-2012")
    schedule(h, type="head_office", start="2024-09-30 09:00", at="2024-09-20 09:00")
    convene(h, at="2024-09-30 09:00")
    _dongqu_minutes(h, "2024-10-08 10:00")  # the chair's 把关 is the head's own issue
    assert h.violations("MTG-MINUTES") == []


def test_mtg_minutes_dongqu_thematic_meeting_without_minutes_owes_none() -> None:
    h = History("dongqu-2012")
    schedule(h, type="thematic", start="2024-09-30 09:00", at="2024-09-20 09:00")
    convene(h, at="2024-09-30 09:00", chair="p-vh1")
    assert ticked(h, "2024-11-01 00:00", "MTG-MINUTES") == []
    assert h.violations("MTG-MINUTES") == []


def test_mtg_minutes_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    schedule(h)
    convene(h)
    _issue(h, "p-od", "2024-04-30 10:00")
    assert h.tick("2024-05-01 00:00") == []
    assert h.violations("MTG-MINUTES") == []


# ---- MTG-COUNTY-MEETING-APPROVAL ------------------------------------------------------------
def _county_meeting(
    h: History, approvers: Sequence[str], end: str = "2024-03-08 12:00", **kw: object
) -> tuple[Act, Act]:
    sch = schedule(h, type="county_work", unit="u-fgj", by="p-fgj", end=t(end).isoformat(), **kw)
    for i, a in enumerate(approvers):
        h.add("meeting", "M-1", "approved", f"2024-03-0{2 + i} 10:00", by=a, unit="u-gov")
    conv = convene(h, chair="p-vh1", present=[], unit="u-fgj")
    return sch, conv


def test_mtg_county_meeting_approval_changle_vice_head_then_head_passes() -> None:
    h = History("changle-2022")
    _county_meeting(h, ["p-vh1", "p-head"])
    assert h.violations("MTG-COUNTY-MEETING-APPROVAL") == []


def test_mtg_county_meeting_approval_changle_head_before_vice_head_is_flagged() -> None:
    h = History("changle-2022")
    sch, conv = _county_meeting(h, ["p-head", "p-vh1"])
    [v] = h.violations("MTG-COUNTY-MEETING-APPROVAL")
    assert v.article == "changle-2022:五十一"
    assert {sch.id, conv.id} <= set(v.evidence)
    assert "顺序错误" in v.message_zh


def test_mtg_county_meeting_approval_changle_without_the_vice_head_in_charge_is_flagged() -> None:
    h = History("changle-2022")
    _county_meeting(h, ["p-evh", "p-head"])  # evh is not in charge of u-fgj
    [v] = h.violations("MTG-COUNTY-MEETING-APPROVAL")
    assert "分管副县长批准缺失" in v.message_zh


def test_mtg_county_meeting_approval_changle_longer_than_half_a_day_is_flagged() -> None:
    h = History("changle-2022")
    sch, conv = _county_meeting(h, ["p-vh1", "p-head"], end="2024-03-08 14:00")
    [v] = h.violations("MTG-COUNTY-MEETING-APPROVAL")
    assert set(v.evidence) == {sch.id, conv.id}
    assert v.detail["hours"] == 5


def test_mtg_county_meeting_approval_yiyuan_meeting_in_the_county_name_without_a_written_report_is_flagged() -> None:
    h = History("yiyuan")
    sch, conv = _county_meeting(h, [], end="2024-03-08 18:00", in_county_name=True)
    [v] = h.violations("MTG-COUNTY-MEETING-APPROVAL")  # yiyuan checks neither approvals nor length
    assert v.article == "yiyuan:第十条"
    assert set(v.evidence) == {sch.id, conv.id}


def test_mtg_county_meeting_approval_yiyuan_written_report_beforehand_passes() -> None:
    h = History("yiyuan")
    h.add("meeting", "M-1", "reported_in_writing", "2024-02-28 10:00", by="p-fgj")
    _county_meeting(h, [], in_county_name=True)
    assert h.violations("MTG-COUNTY-MEETING-APPROVAL") == []


def test_mtg_county_meeting_approval_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    _county_meeting(h, [], end="2024-03-08 18:00", in_county_name=True)
    assert h.violations("MTG-COUNTY-MEETING-APPROVAL") == []


# ---- MTG-DECISION-FOLLOWTHROUGH -------------------------------------------------------------
def _decision(h: History, deadline: str = "2024-04-30") -> Act:
    schedule(h)
    convene(h)
    return h.add(
        "meeting", "M-1", "decided", "2024-03-08 11:00", by="p-head", unit="u-gov",
        topic="管网改造", responsible_unit="u-fgj", deadline=deadline,
    )  # fmt: skip


def _supervise(h: History, deadline: str = "2024-04-30") -> Act:
    return h.add(
        "supervision", "S-1", "registered", "2024-03-08 16:00", by="p-od", unit="u-office",
        source="meeting", source_case="M-1", deadline=deadline, responsible_unit="u-fgj",
    )  # fmt: skip


def test_mtg_decision_followthrough_dongqu_completed_on_the_deadline_day_passes() -> None:
    h = History("dongqu-2012")
    _decision(h)
    _supervise(h)
    h.add("supervision", "S-1", "completed", "2024-04-30 17:30", by="p-fgj", report=True)
    h.add("meeting", "M-2", "scheduled", "2024-05-20 09:00", by="p-od", unit="u-office", type="executive")
    assert h.violations("MTG-DECISION-FOLLOWTHROUGH") == []


def test_mtg_decision_followthrough_dongqu_late_completion_is_flagged() -> None:
    h = History("dongqu-2012")
    d = _decision(h)
    reg = _supervise(h)
    done = h.add("supervision", "S-1", "completed", "2024-05-06 10:00", by="p-fgj", report=True)
    [v] = h.violations("MTG-DECISION-FOLLOWTHROUGH")
    assert v.article == "dongqu-2012:第六十四条"
    assert v.case == "M-1" and v.unit == "u-fgj"
    assert set(v.evidence) == {d.id, reg.id, done.id}


def test_mtg_decision_followthrough_dongqu_nothing_done_is_flagged_once_the_deadline_has_passed() -> None:
    h = History("dongqu-2012")
    d = _decision(h)
    assert h.violations("MTG-DECISION-FOLLOWTHROUGH") == []  # no sign yet that 2024-04-30 is over
    h.add("meeting", "M-2", "scheduled", "2024-05-20 09:00", by="p-od", unit="u-office", type="executive")
    [v] = h.violations("MTG-DECISION-FOLLOWTHROUGH")
    assert v.evidence == (d.id,)
    assert v.at == t("2024-04-30T23:59:59.999999+08:00")


def test_mtg_decision_followthrough_dongqu_delay_reported_in_advance_moves_the_deadline() -> None:
    h = History("dongqu-2012")
    _decision(h)
    _supervise(h)
    h.add("supervision", "S-1", "extension_requested", "2024-04-25 10:00", by="p-fgj", new_deadline="2024-05-31")
    h.add(
        "supervision",
        "S-1",
        "extension_approved",
        "2024-04-26 10:00",
        by="p-head",
        unit="u-gov",
        new_deadline="2024-05-31",
    )
    h.add("supervision", "S-1", "completed", "2024-05-20 10:00", by="p-fgj", report=True)
    assert h.violations("MTG-DECISION-FOLLOWTHROUGH") == []


def test_mtg_decision_followthrough_dongqu_delay_reported_after_the_deadline_does_not_count() -> None:
    h = History("dongqu-2012")
    _decision(h)
    _supervise(h)
    h.add("supervision", "S-1", "extension_requested", "2024-05-02 10:00", by="p-fgj", new_deadline="2024-05-31")
    h.add("supervision", "S-1", "completed", "2024-05-20 10:00", by="p-fgj", report=True)
    [v] = h.violations("MTG-DECISION-FOLLOWTHROUGH")
    assert "未提前报告延期" in v.message_zh


def test_mtg_decision_followthrough_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    _decision(h)
    h.add("meeting", "M-2", "scheduled", "2024-05-20 09:00", by="p-od", unit="u-office", type="executive")
    assert h.violations("MTG-DECISION-FOLLOWTHROUGH") == []


# ---- odd input --------------------------------------------------------------------------------
def test_mtg_rules_do_not_crash_on_a_meeting_case_with_odd_acts() -> None:
    h = History("dongqu-2012")
    h.add("meeting", "M-1", "minutes_issued", "2024-03-01 10:00", by="p-staff")
    h.add("meeting", "M-1", "topic_discussed", "2024-03-01 09:00", by="p-staff", topic="x")
    h.add("meeting", "M-1", "convened", "2024-03-01 08:00", by="p-staff", chair="p-staff")
    h.add("meeting", "M-1", "decided", "2024-03-01 08:30", by="p-staff", topic="x")
    h.tick("2024-06-01 00:00")
    assert isinstance(h.all_violations(), list)
