"""The HTML report in headless Chromium: no console errors, no network requests, the summary
and a contradiction card visible in screenshots, filters working, readable without JavaScript.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package (test extra);
skipped with the reason when any is missing.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from verify.report import write_reports
from verify.report.sample import sample_result

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
]


def _decode_png(data: bytes) -> tuple[int, int, list[bytes], int]:
    """Width, height, pixel rows and channels (3 or 4) of an 8-bit, non-interlaced RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    assert header is not None
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    channels = 4 if color == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + ((left + up) >> 1)) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows, channels


def _colors_in(png: bytes, box: tuple[float, float, float, float], scale: float) -> set[tuple[int, int, int]]:
    width, height, rows, channels = _decode_png(png)
    left, top, right, bottom = (int(v * scale) for v in box)
    found = set()
    for y in range(max(0, top), min(height, bottom)):
        row = rows[y]
        for x in range(max(0, left), min(width, right)):
            found.add(tuple(row[x * channels : x * channels + 3]))
    return found


def _near(colors: set[tuple[int, int, int]], target: tuple[int, int, int], tolerance: int = 12) -> bool:
    return any(all(abs(a - b) <= tolerance for a, b in zip(color, target)) for color in colors)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    return write_reports(sample_result(40, seed=11), ["html"], folder, "valmora")["html"]


def _driver(profile: Path, scripts: bool = True):
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install selenium)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    if not scripts:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    return driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = _driver(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _box(driver, element) -> tuple[float, float, float, float]:
    rect = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];", element
    )
    return tuple(rect)  # type: ignore[return-value]


def test_renders_offline_without_errors_with_summary_and_contradiction_visible(report, browser):
    from selenium.webdriver.common.by import By

    driver = browser
    url = report.resolve().as_uri()
    _requests(driver)  # drop what the browser's own start page loaded
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"
    scale = driver.execute_script("return window.devicePixelRatio") or 1
    viewport = driver.execute_script("return [window.innerWidth, window.innerHeight]")

    summary = driver.find_element(By.ID, "summary")
    assert summary.is_displayed()
    left, top, right, bottom = _box(driver, summary)
    assert 0 <= top < viewport[1] and right > left
    top_png = driver.get_screenshot_as_png()
    bar = driver.find_element(By.CSS_SELECTOR, "#summary svg.bar")
    bar_colors = _colors_in(top_png, _box(driver, bar), scale)
    assert _near(bar_colors, (0xC6, 0x28, 0x28)), "the verdict bar shows the contradiction colour"
    assert len(_colors_in(top_png, (0, 0, viewport[0], viewport[1]), scale)) > 20, "screenshot is not blank"

    card = driver.find_element(By.CSS_SELECTOR, "li.card.v-contradicted")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)
    assert card.is_displayed()
    left, top, right, bottom = _box(driver, card)
    assert -1 <= top < viewport[1] and bottom > top + 40
    badge = card.find_element(By.CSS_SELECTOR, ".h .b")
    assert badge.text == "Contradicted"
    card_png = driver.get_screenshot_as_png()
    assert _near(_colors_in(card_png, _box(driver, badge), scale), (0xC6, 0x28, 0x28))
    assert _near(_colors_in(card_png, _box(driver, card.find_element(By.TAG_NAME, "mark")), scale), (0xFF, 0xF0, 0xA8))

    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe
    requests = _requests(driver)
    assert url in requests, "the performance log records requests"
    # browser-internal pages (chrome://) are not network traffic; anything else but the page is
    outside = [u for u in requests if u != url and not u.startswith(("data:", "about:", "chrome:"))]
    assert not outside, outside


def test_filters_and_sorting_work(report, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(report.resolve().as_uri())
    controls = driver.find_element(By.ID, "controls")
    assert controls.is_displayed()
    cards = driver.find_elements(By.CSS_SELECTOR, "#cards > li")
    hidden_label = "no-evidence"
    expected = sum(1 for c in cards if f"v-{hidden_label}" not in c.get_attribute("class"))
    driver.find_element(By.CSS_SELECTOR, f'#controls input[value="{hidden_label}"]').click()
    visible = [c for c in driver.find_elements(By.CSS_SELECTOR, "#cards > li") if c.is_displayed()]
    assert len(visible) == expected
    assert driver.find_element(By.ID, "shown").text == f"{expected} of {len(cards)} shown"
    Select(driver.find_element(By.ID, "sort")).select_by_value("document")
    ids = [c.get_attribute("id") for c in driver.find_elements(By.CSS_SELECTOR, "#cards > li")]
    assert ids == [f"s{i}" for i in range(1, len(ids) + 1)]
    assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_readable_without_javascript(report, tmp_path):
    from selenium.webdriver.common.by import By

    driver = _driver(tmp_path / "profile", scripts=False)
    try:
        driver.get(report.resolve().as_uri())
        assert not driver.find_element(By.ID, "controls").is_displayed()
        cards = driver.find_elements(By.CSS_SELECTOR, "#cards > li")
        assert cards and all(card.is_displayed() for card in cards[:5])
        assert driver.find_element(By.ID, "summary").is_displayed()
    finally:
        driver.quit()


@pytest.mark.slow
def test_bundled_example_report(tmp_path, monkeypatch, browser):
    """Acceptance: the README's main job on the bundled example writes reports/<name>.html, which
    renders offline with no console error, its summary and a contradiction card visible."""
    from click.testing import CliRunner
    from selenium.webdriver.common.by import By

    from verify.cli import cli

    if "check" not in cli.list_commands(None):  # type: ignore[arg-type]
        pytest.skip("`verify check` is not registered yet")
    example = Path(__file__).resolve().parent.parent / "corpora" / "2022-03-31-ukraine.txt"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    run = CliRunner().invoke(cli, ["check", str(example), "--format", "html,json"], catch_exceptions=False)
    assert run.exit_code in (0, 1), run.output
    page = tmp_path / "reports" / "2022-03-31-ukraine.html"
    assert page.is_file(), run.output
    url = page.resolve().as_uri()
    _requests(browser)
    browser.get(url)
    assert browser.find_element(By.ID, "summary").is_displayed()
    card = browser.find_element(By.CSS_SELECTOR, "li.card.v-contradicted, li.card.v-self-contradiction")
    badge = card.find_element(By.CSS_SELECTOR, ".h .b")
    # the badge, not the card, in view: a card with much evidence is taller than the window
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", badge)
    assert card.is_displayed()
    png = browser.get_screenshot_as_png()
    scale = browser.execute_script("return window.devicePixelRatio") or 1
    colors = _colors_in(png, _box(browser, badge), scale)
    assert _near(colors, (0xC6, 0x28, 0x28)) or _near(colors, (0x6A, 0x1B, 0x9A))
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    outside = [u for u in _requests(browser) if u != url and not u.startswith(("data:", "about:", "chrome:"))]
    assert not outside, outside
