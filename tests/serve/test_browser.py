"""A real browser: headless Chromium (Debian's ``chromium`` and ``chromium-driver``) drives the running
server: types a sentence, presses Generate, waits for playback, then pauses and scrubs to the first and the
last frame and checks from screenshots that the skeleton was drawn and moved.

``SIGNLLM_SCREENSHOT=docs/images/serve.png`` also saves a screenshot of the page, and
``SIGNLLM_SERVE_CHECKPOINT=<ckpt>`` serves that checkpoint instead of the untrained test one (whose mean
pose is noise): the README's picture is this test on the quickstart checkpoint.
"""

import io
import os
import shutil
import socket
import threading
from pathlib import Path

import numpy as np
import pytest
import uvicorn
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

import signllm
from signllm.serve.app import create_app

from .conftest import NAMES

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=540,1000")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="no chromium/chromedriver on PATH: apt-get install chromium chromium-driver"
)


@pytest.fixture
def served(generator):
    """The generator to serve: the test's, or ``SIGNLLM_SERVE_CHECKPOINT``'s."""
    path = os.environ.get("SIGNLLM_SERVE_CHECKPOINT")
    return signllm.load(path) if path else generator


@pytest.fixture
def url(served):
    """The app served by uvicorn in a thread, on a socket bound to a free port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(served, names=NAMES), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    server.should_exit = True
    thread.join(timeout=30)
    listener.close()


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


def canvas_pixels(driver) -> np.ndarray:
    png = driver.find_element(By.ID, "stage").screenshot_as_png
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def changed(a: np.ndarray, b: np.ndarray) -> int:
    """Pixels that differ clearly between two screenshots of the canvas."""
    return int((np.abs(a - b).max(axis=-1) > 32).sum())


def test_the_page_plays_the_generated_skeleton(served, url, browser):
    wait = WebDriverWait(browser, 30, poll_frequency=0.02)
    browser.get(url)
    language = Select(browser.find_element(By.ID, "language"))
    wait.until(lambda _: len(language.options) == len(served.languages))
    blank = canvas_pixels(browser)
    text, status = browser.find_element(By.ID, "text"), browser.find_element(By.ID, "status")
    text.send_keys("   ")  # a mistake: the server's one line, shown as an error
    browser.find_element(By.ID, "generate").click()
    wait.until(lambda _: status.text == "input 1: empty text" and "error" in status.get_attribute("class"))
    text.clear()
    text.send_keys("Hello, how are you?")
    language.select_by_value(served.languages[-1])  # the test checkpoint's gsl: its untrained asl stops at once
    browser.find_element(By.ID, "generate").click()
    wait.until(lambda _: " frames at " in status.text)
    frames = int(status.text.split()[0])
    assert frames > 2
    seen = set()

    def plays(driver) -> bool:  # the canvas shows three different frames by itself
        seen.add(driver.find_element(By.ID, "stage").get_attribute("data-frame"))
        return len(seen - {None}) >= 3

    wait.until(plays)
    browser.find_element(By.ID, "play").click()  # pause, then scrub with the keyboard
    scrub = browser.find_element(By.ID, "scrub")
    scrub.send_keys(Keys.HOME)
    assert browser.find_element(By.ID, "frame").text == f"1 / {frames}"
    first = canvas_pixels(browser)
    scrub.send_keys(Keys.END)
    assert browser.find_element(By.ID, "frame").text == f"{frames} / {frames}"
    last = canvas_pixels(browser)
    assert changed(first, blank) > 500 and changed(last, blank) > 500  # a skeleton, not a few stray pixels
    assert changed(first, last) > 100
    for suffix in ("pose", "skels", "mp4", "gif"):
        link = browser.find_element(By.ID, f"download-{suffix}")
        assert link.is_displayed() and f"/api/generate.{suffix}?text=Hello%2C+how" in link.get_attribute("href")
    if os.environ.get("SIGNLLM_SCREENSHOT"):
        scrub.send_keys(Keys.HOME, *[Keys.RIGHT] * (frames // 5))
        fit = "return document.querySelector('main').getBoundingClientRect().bottom + 32 + outerHeight - innerHeight"
        browser.set_window_size(540, int(browser.execute_script(fit)))  # the page, no empty space below
        Path(os.environ["SIGNLLM_SCREENSHOT"]).parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(os.environ["SIGNLLM_SCREENSHOT"])
