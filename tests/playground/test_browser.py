"""The playground in a real browser: headless Chromium (Debian's system package, driven through
its own chromedriver by Selenium; nothing is downloaded) creates a poll, answers it by a click
and through the answer form, moves the clock past a reminder, closes it and reads the summary.
The last screen is saved as docs/playground.png for the README."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from bot.playground.playground import Playground
from bot.playground.server import playground_application
from bot.playground.workspace import IDEAS

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "playground.png"
WAIT_SECONDS = 15
# A Monday, 09:00 in New York and 16:00 in Helsinki: the times the summary shows are exact (the
# test is over well before the minute ends).
START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def browser_missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    return (
        f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)"
        if missing
        else None
    )


class PlaygroundThread:
    """The playground served on 127.0.0.1 from its own thread and event loop, so that the
    blocking Selenium calls of the test never stall the server they talk to."""

    def __init__(self, db_path: Path, start_at: datetime) -> None:
        self.db_path = db_path
        self.start_at = start_at
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._stopping: asyncio.Event | None = None
        self._ready: Future[str] = Future()
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._serve(),))

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        playground = Playground(self.db_path, start_at=self.start_at)
        await playground.start()
        runner = web.AppRunner(playground_application(playground), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self._ready.set_result(f"http://127.0.0.1:{runner.addresses[0][1]}/playground")
            await self._stopping.wait()
        finally:
            await runner.cleanup()
            await playground.stop()

    def __enter__(self) -> PlaygroundThread:
        self._thread.start()
        self.url = self._ready.result(timeout=WAIT_SECONDS)
        return self

    def __exit__(self, *_: object) -> None:
        if self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=WAIT_SECONDS)
        self._loop.close()


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.Chrome]:
    reason = browser_missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    # Selenium Manager would look for (and download) a browser and a driver: both are given.
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # The console's errors, for the check that the page's script ran without one.
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1280,1000", "--lang=en-US"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def playground_url(tmp_path: Path) -> Iterator[str]:
    with PlaygroundThread(tmp_path / "playground.sqlite3", START) as served:
        yield served.url


def wait_for_text(browser: WebDriver, text: str, where: str = "timeline") -> WebElement:
    """The element `where` once it shows `text` (the page reloads after each form)."""
    WebDriverWait(browser, WAIT_SECONDS).until(
        expected_conditions.text_to_be_present_in_element((By.ID, where), text)
    )
    return browser.find_element(By.ID, where)


@contextlib.contextmanager
def navigating(browser: WebDriver) -> Iterator[None]:
    """Wait until what the block does (a form posted, a link followed) has loaded a new page."""
    old_page = browser.find_element(By.TAG_NAME, "html")
    yield
    WebDriverWait(browser, WAIT_SECONDS).until(lambda _browser: gone(old_page))
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )


def gone(element: WebElement) -> bool:
    """Whether the element left the page. Selenium's staleness_of knows only the stale-element
    error; Chrome may instead answer that the node "does not belong to the document" when the
    check meets the page being replaced."""
    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


def click_button(browser: WebDriver, label: str, within: WebElement | None = None) -> None:
    """Click a button (every button of the page posts a form) and wait for the next page."""
    scope = within if within is not None else browser

    def clicked(_browser: WebDriver) -> bool:
        # The page merges what changed meanwhile: a button found a moment ago may have been
        # replaced by its newer copy, which is then looked up again.
        scope.find_element(By.XPATH, f".//button[normalize-space()='{label}']").click()
        return True

    with navigating(browser):
        WebDriverWait(
            browser, WAIT_SECONDS, ignored_exceptions=(StaleElementReferenceException,)
        ).until(clicked)


def become(browser: WebDriver, person: str, conversation: str) -> None:
    """Pick a person in "You are:", then open one of their conversations."""
    chooser = browser.find_element(By.ID, "as")
    chooser.find_element(
        By.XPATH, f"./option[starts-with(normalize-space(), '{person} (')]"
    ).click()
    click_button(browser, "Switch")
    with navigating(browser):
        browser.find_element(By.LINK_TEXT, conversation).click()
    wait_for_text(browser, conversation, "conversation-title")


def post_form(url: str, fields: dict[str, str]) -> None:
    """Post a form to the playground from outside the browser (another person's tab)."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
        assert response.status == 200


def send(browser: WebDriver, text: str) -> None:
    composer = browser.find_element(By.ID, "composer")
    composer.send_keys(text)
    with navigating(browser):
        composer.send_keys(Keys.ENTER)


def test_a_poll_from_creation_to_summary_in_the_browser(
    browser: webdriver.Chrome, playground_url: str
) -> None:
    browser.get(playground_url)
    become(browser, "Olivia Bennett", "#product-ideas")
    send(
        browser,
        '/wishes new "Which day suits the offsite?" "Tuesday" "Thursday" closes:3d remind:1d',
    )
    wait_for_text(browser, "0 of 5 answered")

    become(browser, "Priya Shah", "#product-ideas")
    click_button(browser, "Thursday")
    wait_for_text(browser, "1 of 5 answered")

    click_button(browser, "+1 day")
    become(browser, "Erik Lindqvist", "Wishbot (DM)")
    reminder = wait_for_text(browser, "Which day suits the offsite?")
    assert "vill gärna höra dina önskemål" in reminder.text  # Erik's Slack is in Swedish

    become(browser, "Aino Virtanen", "Wishbot (DM)")
    click_button(browser, "Vastaa", wait_for_text(browser, "Which day suits the offsite?"))
    modal = wait_for_text(browser, "Which day suits the offsite?", "modal")
    modal.find_element(By.XPATH, ".//label[normalize-space()='Tuesday']").click()
    click_button(browser, "Lähetä", modal)
    thanks = wait_for_text(browser, "Kiitos! Vastauksesi kyselyyn #1 on tallennettu.", "modal")
    click_button(browser, "Sulje", thanks)
    WebDriverWait(browser, WAIT_SECONDS).until_not(lambda b: b.find_elements(By.ID, "modal"))

    become(browser, "Olivia Bennett", "#product-ideas")
    send(browser, "/wishes close 1")
    timeline = wait_for_text(browser, "Results of poll #1")
    summary = timeline.find_element(By.XPATH, "./li[.//*[text()='Results of poll #1']]")
    assert summary.text.splitlines() == [
        "Wishbot (app) Tue 03 Mar 09:00",
        "Results of poll #1",
        "Respondents: 2 of 5 (40%)",
        "Asked: everyone in #product-ideas · 5 asked · open Yesterday 9:00 AM – Today 9:00 AM"
        " · answers were not anonymous; this summary shows no names",
        "1. Which day suits the offsite?",
        "2 answered this question",
        "█████░░░░░ 50% · Tuesday (1)",
        "█████░░░░░ 50% · Thursday (1)",
    ]
    # Someone else writes meanwhile: the open page shows it without being reloaded.
    post_form(playground_url + "/compose", {"as": "U0MARCUS", "at": IDEAS, "text": "Tuesday it is"})
    wait_for_text(browser, "Tuesday it is")
    console = browser.get_log("browser")  # type: ignore[no-untyped-call]  # Selenium leaves it untyped
    assert [entry for entry in console if entry["level"] == "SEVERE"] == []
    SCREENSHOT.parent.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))
