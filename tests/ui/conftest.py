"""The pages over the demo (built once per session with ``ledger demo``), in-process and served.

``demo_db`` is the pristine demo database; each user of it works on a copy. ``served`` runs a
real ``ledger serve`` process on a copy, with a token per role, for the browser tests
(``tests/ui/test_browser.py``): Playwright driving Debian's Chromium (``/usr/bin/chromium``).
Without Chromium or Playwright those tests skip with the reason — except under ``CI=true``,
where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette: "use httpx2" — httpx is what we have
    from fastapi.testclient import TestClient

from api.app import create_app
from ledger.store import Ledger
from ledger.tokens import TokenStore

#: The demo jurisdiction the tests work in, its supervision office's director, a clerk's unit.
J = "dongqu"
SUPERVISOR = {"role": "supervisor", "person": "p-dq-hanaimin", "jurisdiction": J}
CLERK_UNIT = "u-dq-fgj"
TOKENS: dict[str, dict[str, Any]] = {
    "supervisor": SUPERVISOR,
    "auditor": {"role": "auditor"},
    "clerk": {"role": "clerk", "units": [CLERK_UNIT], "jurisdiction": J},
    "admin": {"role": "admin", "person": "p-dq-hanaimin"},
}


def ledger_command() -> list[str]:
    """The ``ledger`` command of this environment."""
    exe = Path(sys.executable).with_name("ledger")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from api.cli import main; main()"]


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ledger (three jurisdictions, a year of acts, the clock run), built once."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    r = subprocess.run(
        [*ledger_command(), "--db", f"sqlite:///{path}", "demo"], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    return path


def copy_db(src: Path, dst: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{src}{suffix}").exists():
            shutil.copy(f"{src}{suffix}", f"{dst}{suffix}")
    return f"sqlite:///{dst}"


def make_tokens(url: str) -> dict[str, str]:
    with Ledger(url) as led:
        store = TokenStore(led)
        return {name: store.create(**spec)[1] for name, spec in TOKENS.items()}


@dataclass
class Site:
    """The pages in-process (FastAPI's TestClient): one client per logged-in role."""

    url: str
    app: Any
    secrets: dict[str, str]
    clients: dict[str, TestClient] = field(default_factory=dict)

    def client(self, who: str | None = None) -> TestClient:
        """A browser-like client, logged in as ``who`` (None: logged out)."""
        key = who or ""
        if key not in self.clients:
            c = TestClient(self.app, follow_redirects=False)
            if who is not None:
                r = login(c, self.secrets[who])
                assert r.status_code == 303, r.text
            self.clients[key] = c
        return self.clients[key]

    def api(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets[who]}"}


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no form token on the page"
    return m.group(1)


def login(c: TestClient, secret: str, next_url: str = "/ui/") -> Any:
    form = c.get("/ui/login")
    return c.post("/ui/login", data={"token": secret, "csrf": csrf_of(form.text), "next": next_url})


@pytest.fixture(scope="module")
def site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The pages over a copy of the demo, in-process (one per test module)."""
    url = copy_db(demo_db, tmp_path_factory.mktemp("site") / "site.db")
    secrets = make_tokens(url)
    app = create_app(url)
    yield Site(url, app, secrets)
    app.state.services.close()


# ---- a real server ------------------------------------------------------------------------------
@dataclass
class Served:
    """``ledger serve`` on a copy of the demo: its base URL, database and tokens."""

    base: str
    url: str
    secrets: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def served(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    d = tmp_path_factory.mktemp("served")
    url = copy_db(demo_db, d / "served.db")
    secrets = make_tokens(url)
    port = _free_port()
    log = (d / "serve.log").open("w")
    proc = subprocess.Popen(
        [*ledger_command(), "--db", url, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/ui/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ledger serve did not start: {(d / 'serve.log').read_text()}")
            time.sleep(0.2)
        yield Served(base, url, secrets)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _no_browser(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists():
        _no_browser(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests save a screenshot of each page they visit."""
    d = Path(os.environ["LEDGER_UI_SCREENSHOTS"]) if os.environ.get("LEDGER_UI_SCREENSHOTS") else None
    d = d or tmp_path_factory.mktemp("screenshots")
    d.mkdir(parents=True, exist_ok=True)
    return d


def bulletin_of_every_item(s: Any, month: str, now: datetime) -> list[dict[str, Any]]:
    """The reference bulletin: :func:`domain.bulletin.bulletin` over every supervision item of
    each jurisdiction, read from the whole log — what the pages and the API, which read only the
    items the case view says a month can name (and keep a finished month's), must equal."""
    from domain.bulletin import bulletin
    from domain.rules.engine import group_cases

    return [
        {"jurisdiction": j, **r.to_dict()}
        for j in s.ledger.jurisdictions()
        for r in bulletin(
            group_cases(a for a in s.ledger.iter_acts(j) if a.kind == "supervision"), s.ledger.org(j), month, now
        )
    ]
