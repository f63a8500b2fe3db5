"""The supervision office's pages in a real browser (Chromium, driven by Playwright), against a
real ``ledger serve`` on the demo: what a supervisor, a clerk and an auditor do each morning.

Every test listens to the browser: a script error or a console error on any page fails it. A
screenshot of each page visited is saved under the session's temporary directory (or
``$LEDGER_UI_SCREENSHOTS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest

from api.queries import month_bulletin
from api.services import Services
from api.viewcache import ViewCache
from tests.ui.conftest import CLERK_UNIT, SUPERVISOR, J, Served

Shot = Callable[[Any, str], None]


class Console:
    """Script and console errors a page raised (a refused page's own 403 allowed where expected)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.expected_refusals: set[str] = set()

    def attach(self, page: Any) -> None:
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("console", self._console)

    def _console(self, msg: Any) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if msg.text.startswith("Failed to load resource") and where in self.expected_refusals:
            return
        self.errors.append(f"console error at {where}: {msg.text}")


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile at laptop size, in Chinese."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any, console: Console) -> Iterator[Any]:
    pg = context.new_page()
    console.attach(pg)
    yield pg
    assert console.errors == [], "\n".join(console.errors)


@pytest.fixture
def shot(screenshots: Path, request: pytest.FixtureRequest) -> Shot:
    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(screenshots / f"{request.node.name}-{name}.png"), full_page=True)

    return take


def log_in(page: Any, served: Served, who: str) -> None:
    page.goto(f"{served.base}/ui/login")
    page.fill("#token", served.secrets[who])
    page.click("form[action='/ui/login'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/ui/$"))


@pytest.fixture(scope="module")
def facts(served: Served) -> dict[str, Any]:
    """From the served demo: the month with most bulletin rows in the jurisdiction, a case of
    another unit than the clerk's, one of the clerk's own, and the supervisor's name."""
    s = Services(served.url)
    try:
        cache = ViewCache()
        now = datetime.now(UTC)
        months = [f"2024-{m:02d}" for m in range(1, 13)]
        month = max(months, key=lambda m: len(month_bulletin(cache, s, J, m, now)))
        rows = s.ledger.query(
            f"SELECT case_id, unit FROM {s.projection().t_c} WHERE jurisdiction=? AND kind='leave'", [J]
        )
        other = next(r[0] for r in rows if r[1] != CLERK_UNIT)
        own = next(r[0] for r in rows if r[1] == CLERK_UNIT)
        name = s.ledger.org(J).people[str(SUPERVISOR["person"])]
    finally:
        s.close()
    return {"month": month, "other_case": other, "own_case": own, "supervisor": name}


def test_a_supervisor_filters_by_family_acknowledges_a_violation_and_sees_the_act_on_the_case_timeline(
    served: Served, page: Any, shot: Shot, facts: dict[str, Any]
) -> None:
    log_in(page, served, "supervisor")
    assert page.locator("#chart-data").count() == 1 and page.locator("svg.chart rect").count() > 0
    shot(page, "dashboard")
    page.click("nav.main a[href='/ui/violations']")
    page.select_option("#f-family", "INC")
    page.select_option("#f-status", "open")
    page.click("#apply")
    page.wait_for_url(re.compile(r".*family=INC.*"))
    families = page.locator("#violations tbody tr td:nth-child(2)").all_inner_texts()
    assert families and set(families) == {"突发事件信息报送"}
    shot(page, "violations-inc")

    page.locator("#violations a.open-violation").first.click()
    page.wait_for_url(re.compile(r".*/ui/violations/v-[0-9a-f]+$"))
    vid = page.url.rsplit("/", 1)[1]
    assert page.locator("#status").inner_text() == "待处理"
    assert page.locator("#articles tbody tr").count() >= 1  # the rule's article in each pack citing it
    shot(page, "violation-open")
    page.click("#form-acknowledge button[type=submit]")
    page.wait_for_url(re.compile(rf".*/ui/violations/{vid}\?done=acknowledge$"))
    assert page.locator("#status").inner_text() == "已确认"
    assert page.locator("#followup-history li").count() == 1
    assert facts["supervisor"] in page.locator("#followup-history").inner_text()
    # the next steps are offered, acknowledging again is not
    assert page.locator("#form-justify").count() == 1 and page.locator("#form-acknowledge").count() == 0
    shot(page, "violation-acknowledged")

    page.click("#case-link")
    follow = page.locator("#timeline li.followup")
    assert follow.count() == 1
    text = follow.inner_text()
    assert "已确认" in text and facts["supervisor"] in text
    assert page.locator(f"#case-violations a[href='/ui/violations/{vid}']").count() == 1
    shot(page, "case-with-followup")


def test_the_bulletin_downloads_as_a_word_document_that_opens(
    served: Served, page: Any, shot: Shot, facts: dict[str, Any], tmp_path: Path
) -> None:
    log_in(page, served, "supervisor")
    month = facts["month"]
    page.goto(f"{served.base}/ui/bulletin?month={month}")
    units = page.locator("#bulletin-units tbody tr td:first-child").all_inner_texts()
    assert units, "the chosen month has something to report"
    shot(page, "bulletin")
    with page.expect_download() as dl:
        page.click("#dl-docx")
    assert dl.value.suggested_filename == f"督查通报-{month}.docx"
    path = tmp_path / "bulletin.docx"
    dl.value.save_as(path)
    d = docx.Document(str(path))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "督 查 通 报" in text and f"〔{month[:4]}〕第{int(month[5:])}期" in text
    cells = {c.text for t in d.tables for r in t.rows for c in r.cells}
    assert set(units) <= cells
    with page.expect_download() as dl2:
        page.click("#dl-bulletin-xlsx")
    assert dl2.value.suggested_filename == f"督查通报-{month}.xlsx"


def test_a_clerk_is_refused_another_units_case_with_a_page_that_says_so(
    served: Served, page: Any, console: Any, shot: Shot, facts: dict[str, Any]
) -> None:
    log_in(page, served, "clerk")
    own = page.goto(f"{served.base}/ui/cases/{facts['own_case']}?jurisdiction={J}")
    assert own is not None and own.status == 200
    url = f"{served.base}/ui/cases/{facts['other_case']}?jurisdiction={J}"
    console.expected_refusals.add(url)
    r = page.goto(url)
    assert r is not None and r.status == 403
    assert "403" in page.locator("h1").inner_text()
    assert "无权" in page.locator(".alert.error").inner_text()
    shot(page, "clerk-refused")


def test_every_page_renders_without_script_errors_in_both_languages_at_laptop_width(
    served: Served, page: Any, shot: Shot, facts: dict[str, Any]
) -> None:
    page.goto(f"{served.base}/ui/login")
    shot(page, "login")
    log_in(page, served, "auditor")
    page.goto(f"{served.base}/ui/violations?jurisdiction={J}")
    vid = page.locator("#violations tbody tr").first.get_attribute("data-id")
    case = page.locator("#violations tbody tr td:nth-child(6) a").first.inner_text()
    pages = {
        "dashboard": "/ui/",
        "violations": f"/ui/violations?jurisdiction={J}&sort=severity",
        "violation": f"/ui/violations/{vid}",
        "case": f"/ui/cases/{case}?jurisdiction={J}",
        "case-as-of": f"/ui/cases/{case}?jurisdiction={J}&at=2024-06-30T12:00&clock=recorded",
        "bulletin": f"/ui/bulletin?month={facts['month']}&jurisdiction={J}",
        "rules": "/ui/rules",
    }
    for lang in ("zh", "en"):
        for name, path in pages.items():
            sep = "&" if "?" in path else "?"
            r = page.goto(f"{served.base}{path}{sep}lang={lang}")
            assert r is not None and r.status == 200, (name, lang, r and r.status)
            assert page.locator("html").get_attribute("lang") == ("en" if lang == "en" else "zh-CN")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 1366px"
            shot(page, f"{name}-{lang}")
    # an auditor reads and writes nothing: no follow-up buttons
    page.goto(f"{served.base}/ui/violations/{vid}")
    assert page.locator("form.followup-form").count() == 0


def test_the_core_flows_work_without_javascript(browser: Any, served: Served, shot: Shot) -> None:
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800}, accept_downloads=True)
    try:
        page = ctx.new_page()
        log_in(page, served, "supervisor")
        page.goto(f"{served.base}/ui/violations")
        page.select_option("#f-family", "LEV")
        page.select_option("#f-status", "open")
        page.click("#apply")
        assert set(page.locator("#violations tbody tr td:nth-child(2)").all_inner_texts()) == {"请销假"}
        page.locator("#violations a.open-violation").first.click()
        page.click("#form-acknowledge button[type=submit]")
        assert page.locator("#status").inner_text() == "已确认"
        page.fill("#form-justify input[name=basis]", "《公务员法》第十二条")
        page.click("#form-justify button[type=submit]")
        assert page.locator("#status").inner_text() == "已说明依据"
        assert "《公务员法》第十二条" in page.locator("#followup-history").inner_text()
        shot(page, "no-js-justified")
        page.click("form[action='/ui/logout'] button")
        page.wait_for_url(re.compile(r".*/ui/login$"))
        r = page.goto(f"{served.base}/ui/violations")
        assert r is not None and "/ui/login" in page.url
    finally:
        ctx.close()


def test_pages_print_without_navigation_or_forms(served: Served, page: Any, facts: dict[str, Any]) -> None:
    log_in(page, served, "supervisor")
    page.goto(f"{served.base}/ui/bulletin?month={facts['month']}")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("#bulletin-form").is_visible()
    assert page.locator("article.bulletin").is_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"
