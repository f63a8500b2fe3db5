"""Request and response shapes (the OpenAPI schema is generated from these)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# ---- acts ----------------------------------------------------------------------------------


class ActIn(BaseModel):
    """One act of the contract (act-log.md), as the client sends it."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="The act's own id, unique in its jurisdiction (idempotency key)")
    case: str
    kind: str = Field(description="Case kind, e.g. incident, outgoing_document")
    act: str = Field(description="What was done, e.g. occurred, signed")
    at: str = Field(description="Business time, RFC 3339 with an offset")
    by: str = Field(description="Person id from the org chart")
    unit: str = Field(description="Unit id on whose behalf it was done")
    data: dict[str, Any] = Field(default_factory=dict)
    jurisdiction: str | None = None
    expected_version: int | None = Field(
        default=None, ge=0, description="The case version the client last saw; 409 if the case has moved on"
    )


class ActBatchIn(BaseModel):
    """Several acts, stored all or nothing."""

    acts: list[ActIn]


class ActOut(BaseModel):
    id: str
    jurisdiction: str
    case: str
    kind: str
    act: str
    at: str
    by: str
    unit: str
    data: dict[str, Any]
    recorded_at: str | None = None
    seq: int | None = None


class ActsPage(BaseModel):
    items: list[ActOut]
    next_cursor: str | None = None


class AppendedOut(BaseModel):
    index: int
    id: str
    jurisdiction: str
    case: str
    status: Literal["stored", "duplicate"]
    recorded_at: str | None = None
    seq: int | None = None


class AppendOut(BaseModel):
    stored: int
    duplicate: int
    results: list[AppendedOut]
    case_versions: dict[str, int] = Field(description="Each touched case's version after the write")


class LineErrorOut(BaseModel):
    source: str
    line: int
    field: str
    code: str
    message_zh: str
    message_en: str


class LineWarningOut(BaseModel):
    """An imported line with a value some rules cannot read: they cannot judge that act."""

    source: str
    line: int
    field: str
    value: str
    rules: list[str]
    message_zh: str
    message_en: str


class ImportOut(BaseModel):
    imported: int
    duplicate: int
    rejected: int
    rejected_lines: list[LineErrorOut]
    warnings: list[LineWarningOut] = Field(default_factory=list)


# ---- cases ---------------------------------------------------------------------------------


class CaseRow(BaseModel):
    jurisdiction: str
    case: str
    kind: str
    unit: str | None = None
    opened_at: str
    last_act: str
    last_at: str
    acts: int
    open: bool
    stage: str
    holder: str | None = None
    data: dict[str, Any]


class CasesPage(BaseModel):
    items: list[CaseRow]
    next_cursor: str | None = None


class ViolationOut(BaseModel):
    id: str
    rule: str
    family: str
    pack: str
    article: str
    severity: str
    state: Literal["breach", "late", "missing"] = Field(
        description="breach: a wrong act happened; late: the owed act came after its deadline; "
        "missing: it never came (the clock recorded deadline_missed)"
    )
    jurisdiction: str
    case: str
    kind: str
    unit: str | None = None
    person: str | None = None
    post: str | None = None
    at: str
    evidence: list[str]
    message: str
    message_zh: str
    message_en: str
    detail: dict[str, Any]
    status: str | None = Field(default=None, description="Follow-up status: open/acknowledged/justified/remediated")


class CaseView(BaseModel):
    jurisdiction: str
    case: str
    kind: str
    version: int = Field(description="The case's current version (send it as expected_version when writing)")
    as_of: str | None = None
    recorded_as_of: str | None = None
    state: CaseRow | None = Field(description="The case's state at that moment; null if it had no acts yet")
    violations: list[ViolationOut]


class TimelineOut(BaseModel):
    jurisdiction: str
    case: str
    kind: str
    as_of: str | None = None
    recorded_as_of: str | None = None
    timeline: list[ActOut]


# ---- violations ----------------------------------------------------------------------------


class PackStatusOut(BaseModel):
    """Whether a jurisdiction's cases are judged by a rule pack (规则包状态)."""

    jurisdiction: str
    state: Literal["in_force", "failed", "undefined", "none", "not_yet"] = Field(
        description="in_force; failed (its own pack does not compile); undefined (adopted, never defined); "
        "none (no pack adopted); not_yet (adopted from a later date)"
    )
    judged: bool
    pack: str | None = None
    since: str | None = None
    message_zh: str
    message_en: str
    error: dict[str, Any] | None = Field(default=None, description="The pack's compile error (line, rule, field)")


class PackDiffIn(BaseModel):
    """A draft pack to try on a jurisdiction's stored history (规则包试算)."""

    model_config = ConfigDict(populate_by_name=True)

    source: str = Field(description="The draft pack's YAML text")
    jurisdiction: str | None = Field(default=None, description="Whose history (default: the token's, or the only one)")
    now: str | None = Field(default=None, description="Run the clock up to this time (RFC 3339 or YYYY-MM-DD)")
    adopt_from: str | None = Field(
        default=None,
        alias="from",
        description="Adopt the draft from this date (YYYY-MM-DD); default: in place of the pack in force",
    )


class ChangedViolationOut(BaseModel):
    before: ViolationOut
    after: ViolationOut


class RuleDiffOut(BaseModel):
    rule: str
    added: int
    removed: int
    changed: int = Field(description="Found by both, with another state, severity, article or time")
    kept: int
    added_violations: list[ViolationOut]
    removed_violations: list[ViolationOut]
    changed_violations: list[ChangedViolationOut]


class PackDiffOut(BaseModel):
    """What the draft would add, remove and change against the pack in force; nothing is stored."""

    jurisdiction: str
    draft: str
    in_force: str | None = None
    now: str
    cases: int
    added: int
    removed: int
    changed: int
    rules: list[RuleDiffOut]


class ViolationsPage(BaseModel):
    items: list[ViolationOut]
    next_cursor: str | None = None
    unjudged: list[PackStatusOut] = Field(
        default_factory=list,
        description="Jurisdictions in scope whose cases are not judged now (a pack that does not compile, none "
        "adopted …): for them an empty list is not a clean audit. Also in the Ledger-Unjudged header.",
    )
    unjudged_acts: dict[str, int] = Field(
        default_factory=dict,
        description="Per rule, how many acts (matching the filters) it could not judge: a value outside "
        "what the rule reads (无法判断); the acts themselves: GET /unjudged",
    )


class UnjudgedOut(BaseModel):
    """An act a rule could not judge (无法判断), and why."""

    rule: str
    family: str
    pack: str
    severity: str
    jurisdiction: str
    case: str
    kind: str
    unit: str | None
    act: str
    field: str
    value: str
    at: str
    reason_zh: str
    reason_en: str


class ViolationDetail(ViolationOut):
    evidence_acts: list[ActOut]
    followup: list[ActOut]
    followup_version: int


class FollowupIn(BaseModel):
    note: str | None = None
    expected_version: int | None = Field(default=None, ge=0, description="The follow-up version last seen")


class JustifyIn(FollowupIn):
    basis: str = Field(min_length=1, description="The legal basis (法律依据) that justifies the act")


class FollowupOut(BaseModel):
    violation: str
    status: str
    followup_version: int
    act: ActOut


class BulletinItemOut(BaseModel):
    case: str
    title: str
    unit: str
    deadline: str | None = None
    closed_at: str | None = None
    days_overdue: int | None = None
    problems: list[str]
    message_zh: str
    message_en: str
    evidence: list[str]


class BulletinRowOut(BaseModel):
    jurisdiction: str
    unit: str
    unit_name: str
    month: str
    overdue_count: int
    poor_quality_count: int
    item_count: int
    overdue: list[BulletinItemOut]
    poor_quality: list[BulletinItemOut]


class BulletinOut(BaseModel):
    month: str
    rows: list[BulletinRowOut]


# ---- integrity and rules -------------------------------------------------------------------


class ChainHead(BaseModel):
    count: int = Field(ge=0)
    head: str


class CheckpointOut(BaseModel):
    jurisdictions: dict[str, ChainHead]
    digest: str
    taken_at: str


class CheckpointIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    jurisdictions: dict[str, ChainHead]
    digest: str | None = None


class VerifyIn(BaseModel):
    checkpoint: CheckpointIn | None = Field(default=None, description="A checkpoint kept elsewhere, to compare with")


class ProblemOut(BaseModel):
    jurisdiction: str
    seq: int
    act_id: str
    reason_zh: str
    reason_en: str
    column: str = Field(default="", description="The chain column found changed, when it is one column")


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    jurisdictions: dict[str, dict[str, Any]]
    problems: list[ProblemOut]


class Citation(BaseModel):
    article: str
    params: dict[str, Any]
    note: str


class RuleOut(BaseModel):
    id: str
    family: str
    family_zh: str
    family_en: str
    severity: str
    title_zh: str
    title_en: str
    kinds: list[str]
    scope: str
    reads: list[str] = Field(
        default_factory=list,
        description="Data fields read through a vocabulary (kind.act.field): a value outside it leaves the rule "
        "unable to judge the act, which is reported (GET /unjudged) rather than skipped",
    )
    packs: dict[str, Citation]
    article: str | None = Field(default=None, description="With ?pack=: the article of that pack")
    params: dict[str, Any] | None = Field(default=None, description="With ?pack=: that pack's parameters")
