"""Every act of every case kind: well-formed ones are accepted, malformed ones refused
with an error naming the field (内容全、时间准、责任明 — standardization:篇四(二)3)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.acts import MAX_DEPTH, ActSpec, OrgRefs, validate_act
from domain.errors import ActError
from domain.kinds import ANY_KIND_ACTS, KINDS
from domain.system_cases import access_case, org_case, violation_id

PEOPLE = {"p-1", "p-2", "p-3"}
UNITS = {"u-1", "u-2"}
POSTS = {"head", "vh-1"}
REFS = OrgRefs(PEOPLE.__contains__, UNITS.__contains__, POSTS.__contains__)

SAMPLE: dict[str, Any] = {
    "string": "样例",
    "boolean": True,
    "integer": 2,
    "number": 1.5,
    "datetime": "2024-03-05T10:00:00+08:00",
    "date": "2024-03-05",
    "list of strings": ["a", "b"],
    "person id": "p-1",
    "list of person ids": ["p-1", "p-2"],
    "unit id": "u-1",
    "list of unit ids": ["u-1"],
    "post id": "head",
    "list of post ids": ["head", "vh-1"],
    "post or person id": "head",
    "list of post or person ids": ["head"],
    "object": {"data": {}},
    "IANA time zone": "Asia/Shanghai",
    "calendar code": "NL",
}


def sample_value(spec: ActSpec, name: str) -> Any:
    f = spec.field(name)
    assert f is not None
    if f.type.name in SAMPLE:
        return SAMPLE[f.type.name]
    return f.type.name.split("|")[0]  # an enum: its first choice


#: The ledger's own kinds keep their acts in the case ids the ledger makes (domain/system_cases.py).
SYSTEM_CASE = {
    "org": org_case("j"),
    "access": access_case("p-1", date(2024, 3, 5)),
    "followup": violation_id("0123456789abcdef"),
}


def good(kind: str, spec: ActSpec, *, all_fields: bool = False) -> dict[str, Any]:
    data = {f.name: sample_value(spec, f.name) for f in spec.fields if f.required or all_fields}
    return {
        "id": f"a-{kind}-{spec.name}",
        "case": SYSTEM_CASE.get(kind, f"C-{kind}"),
        "kind": kind,
        "act": spec.name,
        "at": "2024-03-05T10:00:00+08:00",
        "by": "p-1",
        "unit": "u-1",
        "data": data,
    }


ALL_ACTS = [(k, s) for k, kind in KINDS.items() for s in kind.acts.values()]
INCIDENT = KINDS["incident"].acts["occurred"]
IDS = [f"{k}.{s.name}" for k, s in ALL_ACTS]


@pytest.mark.parametrize(("kind", "spec"), ALL_ACTS, ids=IDS)
def test_every_act_with_its_required_data_is_accepted(kind: str, spec: ActSpec) -> None:
    a = validate_act(good(kind, spec), jurisdiction="j", refs=REFS)
    assert (a.kind, a.act, a.jurisdiction) == (kind, spec.name, "j")
    assert a.at.utcoffset() is not None


@pytest.mark.parametrize(("kind", "spec"), ALL_ACTS, ids=IDS)
def test_every_act_with_all_its_data_is_accepted_and_typed(kind: str, spec: ActSpec) -> None:
    a = validate_act(good(kind, spec, all_fields=True), jurisdiction="j", refs=REFS)
    assert set(a.data) == {f.name for f in spec.fields}
    back = a.to_contract()["data"]
    for f in spec.fields:
        if f.type.name == "datetime":
            assert back[f.name] == "2024-03-05T10:00:00+08:00"


@pytest.mark.parametrize(("kind", "spec"), ALL_ACTS, ids=IDS)
def test_every_act_stored_reads_back_as_the_same_act(kind: str, spec: ActSpec) -> None:
    """An act decoded from its stored bytes (built through its slots, its data not copied when
    nothing needs converting) is the act that was stored, and as immutable."""
    from dataclasses import FrozenInstanceError, replace
    from datetime import UTC, datetime

    from ledger import codec

    a = validate_act(good(kind, spec, all_fields=True), jurisdiction="j", refs=REFS)
    a = replace(a, recorded_at=datetime(2024, 3, 5, 2, 0, tzinfo=UTC), seq=7)
    back = codec.decode(codec.encode_stored(a))
    assert back == a and type(back) is type(a) and dict(back.data) == dict(a.data)
    assert back.to_contract() == a.to_contract()
    with pytest.raises(FrozenInstanceError):
        back.act = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        back.data["x"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("kind", "spec"), [x for x in ALL_ACTS if any(f.required for f in x[1].fields)], ids=lambda x: getattr(x, "name", x)
)
def test_every_required_data_field_is_enforced(kind: str, spec: ActSpec) -> None:
    for f in spec.fields:
        if not f.required:
            continue
        raw = good(kind, spec)
        del raw["data"][f.name]
        with pytest.raises(ActError) as e:
            validate_act(raw, jurisdiction="j", refs=REFS)
        assert e.value.field == f"data.{f.name}"
        assert e.value.code == "missing_field"


TYPED = [
    (k, s, f.name)
    for k, s in ALL_ACTS
    for f in s.fields
    if f.type.name in ("boolean", "integer", "number", "datetime", "date") or "|" in f.type.name
]


@pytest.mark.parametrize(("kind", "spec", "field"), TYPED, ids=[f"{k}.{s.name}.{f}" for k, s, f in TYPED])
def test_every_typed_data_field_refuses_a_wrong_type(kind: str, spec: ActSpec, field: str) -> None:
    raw = good(kind, spec)
    raw["data"][field] = {"not": "a value"}
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert e.value.field == f"data.{field}"
    assert e.value.code == "wrong_type"


@pytest.mark.parametrize("field", ["case", "kind", "act", "at", "by", "unit", "id"])
def test_an_act_missing_a_top_level_field_is_refused(field: str) -> None:
    raw = good("incident", KINDS["incident"].acts["occurred"])
    del raw[field]
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert e.value.field == field and e.value.code == "missing_field"


def test_unknown_kind_is_refused() -> None:
    raw = good("incident", KINDS["incident"].acts["occurred"]) | {"kind": "picnic"}
    with pytest.raises(ActError, match="unknown case kind 'picnic'") as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert e.value.field == "kind"


def test_an_act_not_of_its_case_kind_is_refused() -> None:
    raw = good("incident", KINDS["incident"].acts["occurred"]) | {"act": "minutes_issued"}
    with pytest.raises(ActError, match="does not belong to case kind 'incident'") as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert e.value.field == "act" and e.value.code == "act_not_of_kind"


@pytest.mark.parametrize(
    "at", ["2024-03-05 10:00", "2024-03-05T10:00:00", "yesterday", "2024-13-05T10:00:00+08:00", 12]
)
def test_a_malformed_or_offsetless_time_is_refused(at: object) -> None:
    raw = good("incident", KINDS["incident"].acts["occurred"]) | {"at": at}
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert e.value.field == "at"


@pytest.mark.parametrize(
    "at",
    ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+08:00", "1899-12-31T23:59:59+08:00", "2201-01-01T00:00:00Z"],
)
def test_a_time_outside_the_accepted_years_is_refused(at: str) -> None:
    raw = good("incident", INCIDENT) | {"at": at}
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert (e.value.field, e.value.code) == ("at", "bad_time") and "1900" in e.value.message_en


def test_the_edges_of_the_accepted_years_are_accepted() -> None:
    for at in ("1900-01-01T00:00:00+00:00", "2200-12-31T23:59:59+00:00"):
        assert validate_act(good("incident", INCIDENT) | {"at": at}, jurisdiction="j", refs=REFS).at.year in (
            1900,
            2200,
        )


SUP_REGISTERED = KINDS["supervision"].acts["registered"]


@pytest.mark.parametrize(
    ("deadline", "accepted"),
    [
        ("2024-06-30T17:00:00+08:00", True),
        ("2024-06-30T17:00:00Z", True),
        ("2024-06-30", True),  # a day: the whole of that day (deadline_end)
        ("2024-06-30T17:00:00", False),  # a time of day without an offset: ambiguous, like `at`
        ("2024-06-30 17:00", False),
        ("9999-12-31T23:59:59-05:00", False),
        ("0001-01-01", False),
    ],
)
def test_a_time_in_data_obeys_the_rules_of_at(deadline: str, accepted: bool) -> None:
    raw = good("supervision", SUP_REGISTERED)
    raw["data"]["deadline"] = deadline
    if accepted:
        assert validate_act(raw, jurisdiction="j", refs=REFS).data["deadline"].utcoffset() is not None
        return
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert e.value.field == "data.deadline"


def test_a_date_in_data_outside_the_accepted_years_is_refused() -> None:
    raw = good("outgoing_document", KINDS["outgoing_document"].acts["signed"])
    raw["data"]["date"] = "0001-01-01"
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert e.value.field == "data.date"


@pytest.mark.parametrize("at", ["2024-03-05T10:00:00", "9999-12-31T23:59:59-05:00", "soon"])
def test_a_corrected_time_obeys_the_rules_of_at(at: str) -> None:
    raw = good("incident", ANY_KIND_ACTS["corrected"]) | {"kind": "incident"}
    raw["data"] = {"of": "a-1", "reason": "录入错误", "fields": {"at": at}}
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert (e.value.field, e.value.code) == ("data.fields.at", "bad_time")


def test_an_unknown_person_or_unit_is_refused() -> None:
    base = good("incident", KINDS["incident"].acts["occurred"])
    with pytest.raises(ActError) as e:
        validate_act(base | {"by": "p-ghost"}, jurisdiction="j", refs=REFS)
    assert (e.value.field, e.value.code) == ("by", "unknown_person")
    with pytest.raises(ActError) as e:
        validate_act(base | {"unit": "u-ghost"}, jurisdiction="j", refs=REFS)
    assert (e.value.field, e.value.code) == ("unit", "unknown_unit")


def test_an_unknown_person_named_in_data_is_refused() -> None:
    raw = good("leave", KINDS["leave"].acts["delegate_named"])
    raw["data"]["person"] = "p-ghost"
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert (e.value.field, e.value.code) == ("data.person", "unknown_person")


def test_a_case_id_reused_with_another_kind_is_refused() -> None:
    raw = good("incident", KINDS["incident"].acts["occurred"])
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS, case_kind_of={"C-incident": "leave"}.get)
    assert (e.value.field, e.value.code) == ("case", "case_kind_mismatch")


def test_deadline_missed_is_never_imported_by_hand() -> None:
    raw = good("incident", ANY_KIND_ACTS["deadline_missed"]) | {"kind": "incident"}
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert e.value.code == "clock_act"
    assert validate_act(raw, jurisdiction="j", refs=REFS, allow_clock_acts=True).act == "deadline_missed"


def test_extra_data_fields_are_kept() -> None:
    raw = good("incident", KINDS["incident"].acts["occurred"])
    raw["data"]["casualties"] = 3
    assert validate_act(raw, jurisdiction="j", refs=REFS).data["casualties"] == 3


def test_error_messages_are_bilingual() -> None:
    raw = good("incident", KINDS["incident"].acts["occurred"]) | {"by": "p-ghost"}
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert "未知人员" in e.value.message_zh and "unknown person" in e.value.message_en


# ---- reserved case ids (系统案件编号, domain/system_cases.py) ---------------------------------
RESERVED = [
    # (case, kind, act spec) that must be refused: a user act in a case id the ledger makes
    ("ORG-j", "incident", INCIDENT),
    ("ORG-elsewhere", "incident", INCIDENT),
    ("ACCESS-p-1-2024-03-05", "incident", INCIDENT),
    ("v-0123456789abcdef", "incident", INCIDENT),
    ("RES-QUOTA-2024-p-1", "incident", INCIDENT),
    ("RES-QUOTA-2024-p-1", "research", KINDS["research"].acts["visit"]),
    # and a system kind outside its own ids
    ("C-1", "org", KINDS["org"].acts["unit_created"]),
    ("ORG-elsewhere", "org", KINDS["org"].acts["unit_created"]),
    ("C-1", "access", KINDS["access"].acts["viewed"]),
    ("C-1", "followup", KINDS["followup"].acts["acknowledged"]),
    ("v-1", "followup", KINDS["followup"].acts["acknowledged"]),
]


@pytest.mark.parametrize(("case", "kind", "spec"), RESERVED, ids=[f"{c}:{k}" for c, k, _s in RESERVED])
def test_a_case_id_the_ledger_makes_holds_only_its_own_kind(case: str, kind: str, spec: ActSpec) -> None:
    raw = good(kind, spec) | {"case": case}
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert (e.value.field, e.value.code) == ("case", "reserved_case")
    assert case in e.value.message_en and case in e.value.message_zh


def test_ids_that_merely_resemble_a_reserved_one_are_free() -> None:
    for case in ("org-j", "VIOLATION-1", "v-0123", "ACCESSORY-1", "RES-2024"):
        assert validate_act(good("incident", INCIDENT) | {"case": case}, jurisdiction="j", refs=REFS).case == case


# ---- what no database keeps faithfully (存储限制) --------------------------------------------
def _nested(levels: int) -> Any:
    v: Any = "x"
    for _ in range(levels):
        v = [v]
    return v


def test_data_nested_deeper_than_the_limit_is_refused_naming_where() -> None:
    raw = good("incident", INCIDENT)
    raw["data"]["detail"] = _nested(MAX_DEPTH)  # act + data + detail → deeper than MAX_DEPTH
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert (e.value.field, e.value.code) == ("data.detail", "too_deep")
    raw["data"]["detail"] = _nested(MAX_DEPTH - 3)
    assert validate_act(raw, jurisdiction="j", refs=REFS).data["detail"]


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, float("nan"), float("inf")])
def test_a_number_json_cannot_carry_is_refused_naming_it(value: float) -> None:
    raw = good("incident", INCIDENT)
    raw["data"]["casualties"] = [1, value]
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert (e.value.field, e.value.code) == ("data.casualties[1]", "bad_number")


def test_an_act_larger_than_the_limit_is_refused() -> None:
    raw = good("incident", INCIDENT)
    raw["data"]["note"] = "说" * 1000
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS, max_bytes=2048)
    assert e.value.code == "act_too_large" and "2048" in e.value.message_en
    assert validate_act(raw, jurisdiction="j", refs=REFS, max_bytes=4096).data["note"]


@pytest.mark.parametrize("field", ["id", "case", "by", "unit"])
def test_an_identifier_with_a_control_character_is_refused(field: str) -> None:
    raw = good("incident", INCIDENT)
    raw[field] = raw[field] + "\n"
    with pytest.raises(ActError) as e:
        validate_act(raw, jurisdiction="j", refs=REFS)
    assert (e.value.field, e.value.code) == (field, "bad_character")
