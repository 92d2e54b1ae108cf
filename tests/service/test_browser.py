"""The real page in headless Chromium (Debian's, driven by Playwright), against planbook serve with its worker.

Log in, download a blank workbook, upload a workbook with a mistake and see the Thai problem
list with its cell, upload the example workbook, build, watch it finish, download the PDF and
check its pages and text. Screenshots of each page go to tests/_artifacts/service/.
"""
from __future__ import annotations

import io
import os
import subprocess
import time
import urllib.request
from pathlib import Path

from openpyxl import load_workbook

from assembler.cli import main

from ..conftest import ROOT, normalise
from .conftest import pdf_page_count, pdf_text, workbook_with_mistake
from .test_worker import free_port, start, stop

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "_artifacts" / "service"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def wait_for(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"planbook serve did not answer:\n{log.read_text(errors='replace')}")


def test_staff_journey_in_chromium(tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (make test installs it: scripts/sysdeps test)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {"PLANBOOK_DATA_DIR": str(tmp_path / "data"), "PLANBOOK_DATABASE_URL": "", "PLANBOOK_QUEUE_URL": ""}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(["admin", "create-org", "เทศบาลเมืองบึงสายทอง"]) == 0
    assert main(["admin", "create-user", "somchai", "--org", "เทศบาลเมืองบึงสายทอง=editor", "--name", "สมชาย ใจดี",
                 "--password", "รหัสผ่านของสมชาย"]) == 0
    mistaken = tmp_path / "แผนมีที่ผิด.xlsx"
    mistaken.write_bytes(workbook_with_mistake())
    example = ROOT / "examples" / "operations-2567-workbook.xlsx"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        server = start(["serve", "--port", str(port)], env, log)
        try:
            wait_for(f"{base}/healthz", server, log_path)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
                page = browser.new_page(accept_downloads=True, viewport={"width": 1200, "height": 900})
                page.goto(f"{base}/")
                assert page.url.endswith("/login")
                page.screenshot(path=ARTIFACTS / "1-login.png", full_page=True)
                page.fill("input[name=username]", "somchai")
                page.fill("input[name=password]", "รหัสผ่านของสมชาย")
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/")
                assert "สมชาย ใจดี" in page.content()

                with page.expect_download() as download:
                    page.click("a[href='/api/book-types/operations/blank.xlsx']")
                blank = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
                assert "ระยะเวลา" in blank.sheetnames

                page.fill("input[name=name]", "แผนดำเนินงาน ปี 2567")
                page.select_option("select[name=book_type]", "operations")
                page.click("form[action='/books'] button")
                page.wait_for_selector("#upload")
                page.screenshot(path=ARTIFACTS / "2-book.png", full_page=True)

                page.set_input_files("input[name=file]", str(mistaken))
                page.fill("input[name=note]", "ฉบับแรก")
                page.click("#upload button")
                page.wait_for_selector("#problems")
                problems = page.inner_text("#problems")
                assert "ระยะเวลา!B3" in problems and "ตุลา" in problems and "ข้อผิดพลาด" in problems
                assert page.query_selector("#build") is None
                page.screenshot(path=ARTIFACTS / "3-problems.png", full_page=True)

                page.click("a:has-text('แผนดำเนินงาน ปี 2567')")
                page.set_input_files("input[name=file]", str(example))
                page.fill("input[name=note]", "ฉบับตัวอย่าง")
                page.click("#upload button")
                page.wait_for_selector("#build")
                page.click("#build")
                page.wait_for_selector("#builds")
                page.screenshot(path=ARTIFACTS / "4-building.png", full_page=True)
                page.wait_for_selector("#builds .status-done, #builds .status-failed", timeout=180_000)
                page.screenshot(path=ARTIFACTS / "5-built.png", full_page=True)
                assert page.query_selector("#builds .status-failed") is None, page.inner_text("#builds")

                with page.expect_download() as download:
                    page.click("#builds a:has-text('PDF')")
                pdf = Path(download.value.path()).read_bytes()
                assert pdf_page_count(pdf) > 5
                text = pdf_text(pdf)
                for words in ("แผนดำเนินงาน", "ประจำปีงบประมาณ พ.ศ. 2567", "เทศบาลเมืองบึงสายทอง"):
                    assert normalise(words) in normalise(text), words

                page.click("a:has-text('แผนดำเนินงาน ปี 2567')")
                page.wait_for_selector("#thumbnails img")
                widths = page.eval_on_selector_all("#thumbnails img", "imgs => imgs.map(i => i.complete && i.naturalWidth)")
                assert widths == [200, 200, 200], widths  # the first pages, drawn by the browser
                page.screenshot(path=ARTIFACTS / "6-book-built.png", full_page=True)
                page.goto(f"{base}/")
                page.screenshot(path=ARTIFACTS / "7-books.png", full_page=True)
                assert "เสร็จแล้ว" in page.inner_text("#books")
                browser.close()
        finally:
            stop(server)
    assert os.path.exists(ARTIFACTS / "5-built.png")
