"""Every dashboard page renders in a real browser, without an exception box, against a
warehouse dbt really built (the shop story of tests/dbt).

Streamlit runs as its own process (`flywheel dashboards` does the same); Playwright drives
Debian's chromium through its executable path (Playwright's own browser download is not
used). One test, one browser session for all pages: it is slow (a dbt build, a Streamlit
server), so it is marked slow and runs once. Skipped when chromium or Playwright is absent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.dbt import shop_story as story

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "dashboards" / "app.py"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking"]
EXPECTED_PAGES = {"Overview", "Funnel", "Stock & search", "Orders & fulfilment", "Payments",
                  "After-sales", "Channels and campaigns", "Products", "Ratings", "Customers",
                  "Members", "Tags", "Reach", "Data health", "Risk",
                  "Promotions & coupons"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None,
                       reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def built_warehouse(tmp_path_factory) -> Path:
    """The shop story through ingest and `dbt build`, published where dashboards read."""
    work = tmp_path_factory.mktemp("browser")
    warehouse = work / "warehouse" / "flywheel.duckdb"
    warehouse.parent.mkdir()
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url)
    story.load_warehouse(warehouse, work / "lake", oltp_url, list(story.story_events()))
    result = story.dbt_build(warehouse, work)
    assert result.returncode == 0, result.stdout[-4000:]
    shutil.copyfile(warehouse, warehouse.with_name("published.duckdb"))
    return warehouse


@pytest.fixture(scope="module")
def dashboards_url(built_warehouse, tmp_path_factory):
    port = free_port()
    var = tmp_path_factory.mktemp("browser-var")
    env = {**os.environ, "FLYWHEEL_WAREHOUSE_PATH": str(built_warehouse),
           "FLYWHEEL_VAR_DIR": str(var), "DAGSTER_HOME": str(var / "dagster")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {proc.stderr.read()[-2000:]!r}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_rendered(page) -> None:
    """Until the script run of the page is over and its title is on screen."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=60_000)
    page.wait_for_selector("h1", timeout=30_000)


def test_every_page_renders_without_an_exception(dashboards_url):
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="pip install playwright (its browser is not needed)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(dashboards_url)
            _wait_until_rendered(page)
            # past ten pages the sidebar folds the rest behind "View more"
            more = page.locator('[data-testid="stSidebarNavViewButton"]')
            if more.count() and "more" in more.first.inner_text().lower():
                more.first.click()
            links = page.locator('[data-testid="stSidebarNavLink"]')
            # a link's text is its material icon's name, then its title
            pages = {links.nth(i).inner_text().strip().splitlines()[-1].strip():
                     links.nth(i).get_attribute("href") for i in range(links.count())}
            assert set(pages) >= EXPECTED_PAGES, pages
            rendered = {}
            for title, href in pages.items():
                page.goto(href if href.startswith("http") else f"{dashboards_url}/{href}")
                _wait_until_rendered(page)
                errors = page.locator('[data-testid="stException"]')
                assert errors.count() == 0, (title, errors.first.inner_text())
                rendered[title] = page.locator("h1").first.inner_text()
        finally:
            browser.close()
    assert rendered["Data health"] == "Data health"
    assert rendered["Overview"] == "Overview"
