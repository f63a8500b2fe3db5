"""The pages in-process over the demo: sessions and forms, the same refusals, reads and writes as
the API, downloads, languages. (What a browser adds — scripts, layout, downloads clicked — is
in ``test_browser.py``.)"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest

from api.queries import month_bulletin
from api.viewcache import ViewCache
from tests.ui.conftest import CLERK_UNIT, J, Site, bulletin_of_every_item, csrf_of, login


def first_violation(site: Site, who: str = "supervisor", **filters: str) -> str:
    r = site.client(who).get("/ui/violations", params={"status": "open", **filters})
    m = re.search(r'href="/ui/violations/(v-[0-9a-f]+)"', r.text)
    assert m, "no open violation found"
    return m.group(1)


def follow(site: Site, who: str, vid: str, action: str, **form: Any) -> Any:
    c = site.client(who)
    page = c.get(f"/ui/violations/{vid}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text)
    data = {"csrf": csrf_of(page.text), **({"expected_version": version.group(1)} if version else {}), **form}
    return c.post(f"/ui/violations/{vid}/{action}", data=data)


def total(html: str) -> int:
    m = re.search(r'id="total">(\d+)<', html)
    assert m
    return int(m.group(1))


# ---- sessions and forms ---------------------------------------------------------------------
def test_a_page_without_a_session_sends_to_the_login_form_and_back(site: Site) -> None:
    c = site.client()
    r = c.get("/ui/violations?family=INC")
    assert r.status_code == 303 and r.headers["location"] == "/ui/login?next=%2Fui%2Fviolations%3Ffamily%3DINC"
    form = c.get(r.headers["location"])
    assert 'name="next" value="/ui/violations?family=INC"' in form.text
    assert 'type="password"' in form.text


def test_logging_in_sets_an_httponly_samesite_session_cookie_on_ui_and_logging_out_clears_it(site: Site) -> None:
    from fastapi.testclient import TestClient

    c = TestClient(site.app, follow_redirects=False)
    r = login(c, site.secrets["supervisor"], "/ui/rules")
    assert r.status_code == 303 and r.headers["location"] == "/ui/rules"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("ledger_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/ui" in cookie
    assert c.get("/ui/rules").status_code == 200
    page = c.get("/ui/")
    out = c.post("/ui/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303 and 'ledger_session=""' in out.headers["set-cookie"]
    c.cookies.clear()
    assert c.get("/ui/rules").status_code == 303


def test_a_wrong_or_revoked_token_is_refused_and_a_revoked_one_ends_the_session(site: Site) -> None:
    from fastapi.testclient import TestClient

    c = TestClient(site.app, follow_redirects=False)
    r = login(c, "0123456789abcdef.nope")
    assert r.status_code == 401 and "令牌无效或已吊销" in r.text
    tok, secret = site.app.state.services.tokens.create("auditor")
    assert login(c, secret).status_code == 303
    assert c.get("/ui/rules").status_code == 200
    site.app.state.services.tokens.revoke(tok.id)
    r = c.get("/ui/rules")
    assert r.status_code == 303 and "expired=1" in r.headers["location"]


def test_after_login_the_form_goes_only_to_a_page_of_ours(site: Site) -> None:
    from fastapi.testclient import TestClient

    for evil in ("https://evil.example/ui/", "//evil.example/ui/", "/ui\\..\\evil", "/api/else"):
        c = TestClient(site.app, follow_redirects=False)
        r = login(c, site.secrets["auditor"], evil)
        assert r.status_code == 303 and r.headers["location"] == "/ui/", evil


def test_a_form_without_this_sessions_token_records_nothing(site: Site) -> None:
    vid = first_violation(site, severity="low")
    c = site.client("supervisor")
    for bad in ("", "0" * 64, csrf_of(c.get("/ui/login").text) + "x"):
        r = c.post(f"/ui/violations/{vid}/acknowledge", data={"csrf": bad})
        assert r.status_code == 403 and "表单已失效" in r.text
    assert site.app.state.services.followup(J, vid)[0] == []


def test_a_post_from_another_site_is_refused_even_with_the_token(site: Site) -> None:
    vid = first_violation(site, severity="low")
    c = site.client("supervisor")
    token = csrf_of(c.get(f"/ui/violations/{vid}").text)
    r = c.post(f"/ui/violations/{vid}/acknowledge", data={"csrf": token}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert site.app.state.services.followup(J, vid)[0] == []


def test_the_login_form_itself_is_protected_against_cross_site_posts(site: Site) -> None:
    from fastapi.testclient import TestClient

    c = TestClient(site.app, follow_redirects=False)
    r = c.post("/ui/login", data={"token": site.secrets["auditor"], "csrf": "forged", "next": "/ui/"})
    assert r.status_code == 403 and "ledger_session" not in r.headers.get("set-cookie", "")


def test_pages_are_chinese_by_default_and_english_with_the_switch_which_sticks(site: Site) -> None:
    from fastapi.testclient import TestClient

    c = TestClient(site.app, follow_redirects=False)
    login(c, site.secrets["auditor"])
    zh = c.get("/ui/rules")
    assert '<html lang="zh-CN">' in zh.text and "规则包与规则" in zh.text and 'href="/ui/rules?lang=en"' in zh.text
    en = c.get("/ui/rules?lang=en")
    assert '<html lang="en">' in en.text and "Rule packs and rules" in en.text
    assert "ledger_lang=en" in en.headers["set-cookie"]
    assert "Rule packs and rules" in c.get("/ui/rules").text
    assert "规则包与规则" in c.get("/ui/rules?lang=zh").text


def test_every_page_forbids_scripts_styles_and_framing_from_elsewhere(site: Site) -> None:
    r = site.client("auditor").get("/ui/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    for path in ("/ui/", "/ui/violations", "/ui/rules", f"/ui/bulletin?month=2024-07&jurisdiction={J}"):
        html = site.client("auditor").get(path).text
        assert not re.search(r'(src|href)="(https?:)?//', html), path  # no CDN, nothing from another site
        assert "<script>" not in html and " style=" not in html  # nothing inline the policy would block


# ---- the violation list ---------------------------------------------------------------------
def test_the_list_filters_as_the_api_does(site: Site) -> None:
    c = site.client("auditor")
    for params in ({"family": "INC"}, {"jurisdiction": J, "severity": "high"}, {"rule": "LEV-APPROVAL-CHAIN"}):
        api = c.get("/violations", params={**params, "limit": 1000}, headers=site.api("auditor")).json()["items"]
        page = c.get("/ui/violations", params={**params, "per": 200})
        assert page.status_code == 200
        assert total(page.text) == len(api)
        ids = re.findall(r'<tr data-id="(v-[0-9a-f]+)"', page.text)
        assert ids == [v["id"] for v in sorted(api, key=lambda v: (v["at"], v["id"]), reverse=True)][:200]


def test_the_list_sorts_by_a_column_and_pages(site: Site) -> None:
    c = site.client("auditor")
    r = c.get("/ui/violations", params={"sort": "severity", "dir": "asc", "per": 20})
    sev = re.findall(r'class="sev sev-(\w+)"', r.text)
    order = {"high": 0, "medium": 1, "low": 2}
    assert sev == sorted(sev, key=order.__getitem__) and len(sev) == 20
    n = total(r.text)
    p1 = re.findall(r'<tr data-id="(v-[0-9a-f]+)"', c.get("/ui/violations", params={"per": 20, "page": 1}).text)
    p2 = re.findall(r'<tr data-id="(v-[0-9a-f]+)"', c.get("/ui/violations", params={"per": 20, "page": 2}).text)
    assert len(p1) == len(p2) == 20 and not set(p1) & set(p2)
    assert f"第 2 / {-(-n // 20)} 页，共 {n} 条" in c.get("/ui/violations", params={"per": 20, "page": 2}).text


def test_the_status_filter_follows_the_follow_up(site: Site) -> None:
    vid = first_violation(site, family="DOC")
    assert follow(site, "supervisor", vid, "acknowledge").status_code == 303
    c = site.client("auditor")
    ack = c.get("/ui/violations", params={"status": "acknowledged", "per": 200}).text
    assert vid in ack
    opened = c.get("/ui/violations", params={"status": "open", "family": "DOC", "per": 200}).text
    assert vid not in opened
    api = c.get("/violations", params={"status": "acknowledged"}, headers=site.api("auditor")).json()["items"]
    assert total(ack) == len(api)


def test_bad_filters_are_a_page_naming_the_field(site: Site) -> None:
    c = site.client("auditor")
    for params, field in (
        ({"family": "XYZ"}, "family"),
        ({"pack": "nowhere"}, "pack"),
        ({"since": "yesterday"}, "since"),
        ({"status": "closed"}, "status"),
        ({"page": "0"}, "page"),
        ({"sort": "evil;drop"}, "sort"),
        ({"unit": "u\x00x"}, "unit"),
    ):
        r = c.get("/ui/violations", params=params)
        assert r.status_code == 422 and f"<code>{field}</code>" in r.text, (params, r.text[-600:])
        assert "<!doctype html>" in r.text


def test_the_filtered_list_downloads_as_csv_and_excel(site: Site) -> None:
    c = site.client("auditor")
    params = {"family": "MTG", "jurisdiction": J}
    n = total(c.get("/ui/violations", params=params).text)
    r = c.get("/ui/violations.csv", params=params)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert "filename*=UTF-8''%E8%BF%9D%E8%A7%84%E6%B8%85%E5%8D%95.csv" in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())  # Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "辖区", "规则"] and len(rows) == n + 1
    assert {row[4] for row in rows[1:]} == {"会议"}
    x = c.get("/ui/violations.xlsx", params={**params, "lang": "en"})
    wb = openpyxl.load_workbook(io.BytesIO(x.content), read_only=True)
    sheet = list(wb.active.iter_rows(values_only=True))
    assert sheet[0][:3] == ("id", "jurisdiction", "rule") and len(sheet) == n + 1
    assert [s[0] for s in sheet[1:]] == [row[0] for row in rows[1:]]


# ---- one violation and its follow-up --------------------------------------------------------
def test_follow_up_is_recorded_by_the_logged_in_person_as_the_api_records_it(site: Site) -> None:
    vid = first_violation(site, family="ESC")
    r = follow(site, "supervisor", vid, "acknowledge", note="已转交承办单位")
    assert r.status_code == 303 and r.headers["location"] == f"/ui/violations/{vid}?done=acknowledge"
    r = follow(site, "supervisor", vid, "justify", basis="县政府常务会议纪要〔2024〕5号")
    assert r.status_code == 303
    hist, status, version = site.app.state.services.followup(J, vid)
    assert status == "justified" and version == 2
    assert [a.act for a in hist] == ["acknowledged", "justified"]
    assert {a.by for a in hist} == {"p-dq-hanaimin"}
    assert hist[0].data["note"] == "已转交承办单位" and hist[1].data["basis"] == "县政府常务会议纪要〔2024〕5号"
    assert hist[0].data["role"] == "supervisor"
    page = site.client("supervisor").get(f"/ui/violations/{vid}")
    assert 'id="status">已说明依据<' in page.text and 'id="form-reopen"' in page.text
    api = site.client().get(f"/violations/{vid}", headers=site.api("auditor")).json()
    assert api["status"] == "justified" and len(api["followup"]) == 2


def test_a_stale_page_is_not_saved_and_says_why(site: Site) -> None:
    vid = first_violation(site, family="SUP")
    c = site.client("supervisor")
    page = c.get(f"/ui/violations/{vid}")
    stale = {"csrf": csrf_of(page.text), "expected_version": "0"}
    assert c.post(f"/ui/violations/{vid}/acknowledge", data=stale).status_code == 303
    r = c.post(f"/ui/violations/{vid}/acknowledge", data=stale)
    assert r.status_code == 409 and "未保存" in r.text
    assert len(site.app.state.services.followup(J, vid)[0]) == 1


def test_a_justification_needs_its_basis(site: Site) -> None:
    vid = first_violation(site, family="MTG")
    assert follow(site, "supervisor", vid, "acknowledge").status_code == 303
    r = follow(site, "supervisor", vid, "justify", basis="  ")
    assert r.status_code == 422 and "<code>basis</code>" in r.text
    assert site.app.state.services.followup(J, vid)[1] == "acknowledged"


def test_an_auditor_reads_but_records_no_follow_up(site: Site) -> None:
    vid = first_violation(site, family="DEC")
    page = site.client("auditor").get(f"/ui/violations/{vid}")
    assert page.status_code == 200 and "followup-form" not in page.text
    r = follow(site, "auditor", vid, "acknowledge")
    assert r.status_code == 403 and "无权执行此操作" in r.text
    assert site.app.state.services.followup(J, vid)[0] == []


# ---- what a clerk sees ------------------------------------------------------------------------
def test_a_clerk_sees_what_the_api_shows_it_and_is_refused_the_rest(site: Site) -> None:
    c = site.client("clerk")
    page = c.get("/ui/violations", params={"per": 200})
    api = c.get("/violations", params={"limit": 1000}, headers=site.api("clerk")).json()["items"]
    assert total(page.text) == len(api) > 0
    assert set(re.findall(r'<tr data-id="(v-[0-9a-f]+)"', page.text)) == {v["id"] for v in api}
    every = c.get("/violations", params={"jurisdiction": J, "limit": 1000}, headers=site.api("auditor")).json()
    shown = {v["id"] for v in api}
    foreign = next(v for v in every["items"] if v["id"] not in shown)
    assert c.get(f"/violations/{foreign['id']}", headers=site.api("clerk")).status_code == 403
    refused_case = c.get(f"/cases/{foreign['case']}", params={"jurisdiction": J}, headers=site.api("clerk"))
    assert refused_case.status_code == 403
    for path in (
        f"/ui/violations/{foreign['id']}",
        f"/ui/cases/{foreign['case']}?jurisdiction={J}",
        "/ui/violations?unit=u-dq-czj",
        "/ui/violations?jurisdiction=changle",
    ):
        r = c.get(path)
        assert r.status_code == 403 and "403" in r.text, path
    own = next(v for v in api if v["unit"] == CLERK_UNIT)
    assert c.get(f"/ui/violations/{own['id']}").status_code == 200


def test_the_bulletin_shows_a_clerk_only_its_units_rows(site: Site) -> None:
    for month in ("2024-07", "2024-12"):
        api = site.client().get("/bulletin", params={"month": month}, headers=site.api("clerk")).json()["rows"]
        page = site.client("clerk").get("/ui/bulletin", params={"month": month}).text
        shown = re.findall(r'<tr><td>([^<]+)</td><td class="num">', page)
        assert shown == [r["unit_name"] for r in api]


# ---- cases ----------------------------------------------------------------------------------
def test_a_case_as_of_a_moment_by_business_time_and_by_recorded_time(site: Site) -> None:
    c = site.client("auditor")
    case = "DQ-INC-2024-001"
    now = c.get(f"/ui/cases/{case}?jurisdiction={J}").text
    acts = now.count('<li class="act')
    half = c.get(f"/ui/cases/{case}", params={"jurisdiction": J, "at": "2024-01-23T16:00", "clock": "business"}).text
    assert 0 < half.count('<li class="act') < acts and "（按业务时间）" in half
    before = c.get(f"/ui/cases/{case}", params={"jurisdiction": J, "at": "2000-01-01", "clock": "recorded"}).text
    assert before.count('<li class="act') == 0 and "该时点尚无记录" in before
    api = c.get(f"/cases/{case}/timeline", params={"as_of": "2024-01-23T16:00:00+08:00"}, headers=site.api("auditor"))
    assert half.count('<li class="act') == len(api.json()["timeline"])
    r = c.get(f"/ui/cases/{case}", params={"jurisdiction": J, "clock": "later"})
    assert r.status_code == 422 and "<code>clock</code>" in r.text


def test_a_case_id_with_a_slash_and_reserved_characters_opens_and_links_to_itself(site: Site) -> None:
    case = "东区办〔2024〕/17 号#附件?2&x=1"
    tl = site.client("auditor").get("/cases/DQ-INC-2024-001/timeline", headers=site.api("auditor")).json()["timeline"]
    first = tl[0]
    a = {k: first[k] for k in ("jurisdiction", "kind", "act", "at", "by", "unit", "data")}
    r = site.client().post("/acts", json=a | {"id": "ui-slash-1", "case": case}, headers=site.api("admin"))
    assert r.status_code == 201, r.text
    c = site.client("auditor")
    page = c.get(f"/ui/cases/{quote(case, safe='/')}", params={"jurisdiction": J})
    assert page.status_code == 200, page.text
    assert 'id="act-ui-slash-1"' in page.text and "东区办〔2024〕/17 号#附件?2&amp;x=1" in page.text
    action = re.search(r'<form method="get" action="([^"]+)" class="filters asof"', page.text)
    assert action and action.group(1) == f"/ui/cases/{quote(case, safe='/')}", "the page links to itself encoded"
    again = c.get(action.group(1), params={"jurisdiction": J, "at": "2030-01-01", "clock": "recorded"})
    assert again.status_code == 200 and 'id="act-ui-slash-1"' in again.text


def test_a_correction_is_shown_beside_the_act_it_corrects(site: Site) -> None:
    c = site.client("auditor")
    case = "DQ-INC-2024-002"
    tl = c.get(f"/cases/{case}/timeline", headers=site.api("auditor")).json()["timeline"]
    target = tl[0]
    fix = {
        "id": "fix-ui-1",
        "jurisdiction": J,
        "case": case,
        "kind": target["kind"],
        "act": "corrected",
        "at": "2024-12-20T10:00:00+08:00",
        "by": target["by"],
        "unit": target["unit"],
        "data": {"of": target["id"], "reason": "时间录入错误", "fields": {"data": {"place": "更正后的地点"}}},
    }
    r = c.post("/acts", json=fix, headers=site.api("admin"))
    assert r.status_code == 201, r.text
    page = c.get(f"/ui/cases/{case}?jurisdiction={J}").text
    amended = re.search(rf'<li class="act[^"]*amended[^"]*" id="act-{target["id"]}"', page)
    assert amended, "the corrected act is marked"
    assert 'id="act-fix-ui-1"' in page and "时间录入错误" in page and "已更正" in page


# ---- the bulletin ---------------------------------------------------------------------------
def test_the_bulletin_is_the_apis_for_every_month(site: Site) -> None:
    """The pages and the API read the bulletin from the supervision items the month can name
    (case view prefilter): the rows are those of every item."""
    s = site.app.state.services
    now = datetime.now(UTC)
    cache = ViewCache()
    for month in [f"2024-{m:02d}" for m in range(1, 13)]:
        api = site.client().get("/bulletin", params={"month": month}, headers=site.api("auditor")).json()["rows"]
        ours = [
            {"jurisdiction": j, **r.to_dict()}
            for j in s.ledger.jurisdictions()
            for r in month_bulletin(cache, s, j, month, now)
        ]
        every = bulletin_of_every_item(s, month, now)
        assert json.dumps(ours, sort_keys=True) == json.dumps(every, sort_keys=True), month
        assert json.dumps(api, sort_keys=True) == json.dumps(every, sort_keys=True), month


def test_a_cached_bulletin_is_recomputed_when_a_supervision_act_is_stored_not_when_one_is_read(site: Site) -> None:
    s = site.app.state.services
    cache = ViewCache()
    now = datetime.now(UTC)
    first = month_bulletin(cache, s, J, "2024-07", now)
    s.log_access(_principal(site, "auditor"), "/ui/bulletin", {}, [J])
    assert follow(site, "supervisor", first_violation(site), "acknowledge").status_code == 303
    assert month_bulletin(cache, s, J, "2024-07", now) is first  # a read and a follow-up change no item
    item = {
        "id": "ui-sup-1",
        "jurisdiction": J,
        "case": "UI-SUP-1",
        "kind": "supervision",
        "act": "registered",
        "at": "2024-07-01T09:00:00+08:00",
        "by": "p-dq-hanaimin",
        "unit": "u-dq-office",
        "data": {"source": "meeting", "deadline": "2024-07-10T17:00:00+08:00", "responsible_unit": CLERK_UNIT},
    }
    r = site.client().post("/acts", json=item, headers=site.api("admin"))
    assert r.status_code == 201, r.text
    again = month_bulletin(cache, s, J, "2024-07", now)
    assert again is not first
    assert "UI-SUP-1" in {i.case for row in again for i in row.overdue}


def _principal(site: Site, who: str) -> Any:
    from api.auth import Principal

    tok = site.app.state.services.tokens.authenticate(site.secrets[who])
    return Principal(tok)


def test_the_bulletin_downloads_hold_its_rows(site: Site) -> None:
    import docx

    c = site.client("supervisor")
    page = c.get("/ui/bulletin", params={"month": "2024-07"}).text
    units = re.findall(r'<tr><td>([^<]+)</td><td class="num">', page)
    assert units
    d = docx.Document(io.BytesIO(c.get("/ui/bulletin.docx", params={"month": "2024-07"}).content))
    body = "\n".join(p.text for p in d.paragraphs)
    assert "督 查 通 报" in body and "〔2024〕第7期" in body and "东区人民政府办公室" in body
    assert set(units) <= {cell.text for t in d.tables for row in t.rows for cell in row.cells}
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/ui/bulletin.xlsx", params={"month": "2024-07"}).content))
    assert wb.sheetnames == ["汇总", "未按时限完成", "未按质量完成"]
    assert [r[1] for r in list(wb["汇总"].iter_rows(values_only=True))[1:]] == units


@pytest.mark.parametrize("month", ["2024-13", "24-01", "2024-1", "now"])
def test_a_malformed_month_is_a_page_naming_it(site: Site, month: str) -> None:
    r = site.client("auditor").get("/ui/bulletin", params={"month": month})
    assert r.status_code == 422 and "<code>month</code>" in r.text


# ---- the access log -----------------------------------------------------------------------------
def test_reading_a_page_is_recorded_in_the_access_log_as_reading_the_api_is(site: Site) -> None:
    s = site.app.state.services
    before = {a.id for a in s.ledger.acts(kind="access", limit=100000)}
    c = site.client("auditor")
    c.get("/ui/violations", params={"family": "LEV"})
    c.get(f"/ui/cases/DQ-LEV-2024-001?jurisdiction={J}")
    acts = [a for a in s.ledger.acts(kind="access", limit=100000) if a.id not in before]
    resources = [(a.data["resource"], json.loads(a.data["query"])) for a in acts]
    assert ("/ui/violations", {"family": "LEV", "sort": "at", "dir": "desc", "page": 1}) in resources
    assert any(r == "/ui/cases/DQ-LEV-2024-001" for r, _q in resources)
    assert all(a.data["role"] == "auditor" for a in acts)
    # a clerk's reads are not logged, as in the API
    n = len(s.ledger.acts(kind="access", limit=100000))
    site.client("clerk").get("/ui/violations")
    assert len(s.ledger.acts(kind="access", limit=100000)) == n


def test_the_dashboard_counts_what_the_list_lists(site: Site) -> None:
    c = site.client("auditor")
    dash = c.get("/ui/", params={"jurisdiction": J}).text
    table = dash.split('id="status-counts"', 1)[1].split("</table>", 1)[0]
    counts = dict(re.findall(r"status=(\w+)&(?:amp;)?jurisdiction=dongqu\">(\d+)</a>", table))
    assert set(counts) == {"open", "acknowledged", "justified", "remediated"}
    for st, n in counts.items():
        assert total(c.get("/ui/violations", params={"status": st, "jurisdiction": J}).text) == int(n)
    assert "视图时效" in dash and "已是最新" in dash
    assert dash.count("<rect ") > 12  # bars and legend


def dashboard_counts(site: Site) -> dict[str, int]:
    dash = site.client("auditor").get("/ui/", params={"jurisdiction": J}).text
    table = dash.split('id="status-counts"', 1)[1].split("</table>", 1)[0]
    return {k: int(v) for k, v in re.findall(r"status=(\w+)&(?:amp;)?jurisdiction=dongqu\">(\d+)</a>", table)}


def test_the_dashboard_follows_a_new_act_but_not_its_own_reads(site: Site) -> None:
    before = dashboard_counts(site)
    assert dashboard_counts(site) == before  # reading it again (an access act) changes nothing
    assert follow(site, "supervisor", first_violation(site, family="LEV"), "acknowledge").status_code == 303
    after = dashboard_counts(site)
    assert after["open"] == before["open"] - 1 and after["acknowledged"] == before["acknowledged"] + 1


def test_a_long_bulletin_lists_its_first_items_and_says_the_downloads_hold_all(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.ui.bulletin

    monkeypatch.setattr(api.ui.bulletin, "SHOWN", 1)
    page = site.client("supervisor").get("/ui/bulletin", params={"month": "2024-07"}).text
    table = page.split('id="bulletin-overdue"', 1)[1].split("</table>", 1)[0]
    assert table.count('<tr><td class="num">') == 1
    assert 'id="bulletin-overdue-more"' in page and "完整内容请下载 Word 或 Excel" in page
