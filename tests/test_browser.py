"""The search page as a reader uses it, in real headless Chromium (Debian's, driven by Playwright).

Skipped, with the reason, where Chromium or Playwright is missing. With KHABAR_SCREENSHOTS=1 the
main states are saved to docs/screenshots/ (that is how the README's pictures are made).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from indexer.benchmark.measure import serving
from indexer.build import reindex
from tests.conftest import REPO, SEEDS

CHROMIUM = os.environ.get("KHABAR_CHROMIUM", "/usr/bin/chromium")
SHOTS = REPO / "docs" / "screenshots"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    ix = tmp_path_factory.mktemp("browser-index")
    reindex([SEEDS], ix)
    with serving(ix) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="hi-IN")
    pg = context.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
    pg.goto(server + "/")
    yield pg
    assert not outside, f"the page loaded something from outside the server: {outside}"
    context.close()


def shot(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("KHABAR_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def query_params(url: str) -> list[tuple[str, str]]:
    return [(k, unquote(v)) for k, v in parse_qsl(urlsplit(url).query)]


def count(pg) -> int:  # type: ignore[no-untyped-def]
    return int(pg.locator("#count strong").inner_text())


def facet_link(pg, facet: str, value: str):  # type: ignore[no-untyped-def]
    return pg.locator(
        f'section[data-facet="{facet}"] a', has=pg.locator(".label", has_text=re.compile(f"^{value}$"))
    )


def facet_count(pg, facet: str, value: str) -> int:  # type: ignore[no-untyped-def]
    return int(facet_link(pg, facet, value).locator(".count").inner_text())


def test_type_a_query_and_see_highlighted_results(page) -> None:  # type: ignore[no-untyped-def]
    shot(page, "home")
    page.fill("#q", "रूस")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    assert count(page) >= 2
    marks = page.locator(".hit mark")
    assert marks.count() >= 2 and marks.first.inner_text() == "रूस"
    shot(page, "results")


def test_select_two_categories(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#q", "कोरोना")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    sport, business = facet_count(page, "category", "खेल"), facet_count(page, "category", "व्यापार")
    facet_link(page, "category", "खेल").click()
    page.wait_for_url(re.compile("category="))
    assert count(page) == sport
    # The other categories still show what they would add (their counts ignore this selection).
    assert facet_count(page, "category", "व्यापार") == business
    facet_link(page, "category", "व्यापार").click()
    page.wait_for_url(re.compile("category=.*category="))
    assert count(page) == sport + business
    assert [v for k, v in query_params(page.url) if k == "category"] == ["खेल", "व्यापार"]
    assert page.locator(".chips li").count() == 3  # two selections and "clear all"
    shot(page, "two-categories")
    page.locator(".chips a.clear").click()
    page.wait_for_load_state()
    assert "category" not in dict(query_params(page.url))


def test_narrow_by_year_then_month(page) -> None:  # type: ignore[no-untyped-def]
    year_count = facet_count(page, "year", "2020")
    facet_link(page, "year", "2020").click()
    page.wait_for_url(re.compile("year=2020"))
    assert count(page) == year_count
    months = page.locator('section[data-facet="month"] a')
    assert months.count() >= 2
    label = months.first.locator(".label").inner_text()
    month_count = int(months.first.locator(".count").inner_text())
    months.first.click()
    page.wait_for_url(re.compile("month=2020-"))
    assert count(page) == month_count and "2020" in label
    shot(page, "year-month")


def test_page_forward(page) -> None:  # type: ignore[no-untyped-def]
    first = page.locator(".hit h3").first.inner_text()
    page.locator('.pager a[rel="next"]').click()
    page.wait_for_url(re.compile("page=2"))
    assert page.locator('.pager span[aria-current="page"]').inner_text() == "2"
    assert page.locator(".hit h3").first.inner_text() != first


def test_open_an_article_and_a_similar_one(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#q", "किसान")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    page.locator(".hit h3 a").first.click()
    page.wait_for_url(re.compile("/article/"))
    assert page.locator(".article .body mark").count() >= 1
    similar = page.locator(".similar li a")
    assert similar.count() >= 1
    shot(page, "article")
    title = similar.first.inner_text()
    similar.first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title


def test_autocomplete_with_the_keyboard(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#q")
    page.keyboard.type("लॉक")
    options = page.locator("#suggestions li")
    options.first.wait_for()
    assert page.get_attribute("#q", "aria-expanded") == "true"
    first = options.first.inner_text()
    assert first.startswith("लॉक")
    shot(page, "autocomplete")
    page.keyboard.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q="))
    assert dict(query_params(page.url))["q"] == first
    assert count(page) >= 1


def test_romanised_query_and_language_switch(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#q", "lockdown")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    assert "लॉकडाउन" in page.locator(".translit").inner_text()
    page.locator("a.lang").click()
    page.wait_for_url(re.compile("lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert "results" in page.locator("#count").inner_text()
    assert page.locator('section[data-facet="category"] h2').inner_text() == "Category"
    shot(page, "english")
    page.goto(page.url.split("?")[0])  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"


def test_phone_layout(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    pg.goto(server + "/?q=" + "कोरोना")
    box = pg.locator(".results").bounding_box()
    assert box and box["width"] <= 390  # one column, nothing wider than the screen
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    shot(pg, "phone")
    context.close()


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_the_chart_labels_are_readable_at_every_width(browser, server: str, width: int) -> None:  # type: ignore[no-untyped-def]
    """On a 390 px phone the tick labels were drawn 4-5 px high (SVG text shrinks with the chart)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    pg = context.new_page()
    pg.goto(server + "/?q=" + ("कोरोना" if width != 768 else "रूस"))  # years; months
    labels = pg.locator(".plot .ticks span:visible, .plot .ymax")
    assert labels.count() >= 3
    boxes = []
    for i in range(labels.count()):
        label = labels.nth(i)
        size = float(label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        box = label.bounding_box()
        assert size >= 11 and box and box["height"] >= 11, (width, label.inner_text(), size, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1  # nothing off the screen
        if "ymax" not in (label.get_attribute("class") or ""):
            boxes.append((box["x"], box["x"] + box["width"]))
    boxes.sort()
    assert all(a[1] <= b[0] for a, b in pairwise(boxes)), boxes  # no two labels overlap
    context.close()


def test_a_month_timeline_ends_where_the_page_ends(page) -> None:  # type: ignore[no-untyped-def]
    """The screen-reader table was positioned out of sight but still 5,282 px tall (a table ignores
    height: 1px): the page ran on in blank space far below its footer."""
    page.goto(page.url + "?q=रूस")
    assert page.locator(".timeline table tbody tr").count() >= 2
    height = page.evaluate("document.documentElement.scrollHeight")
    foot = page.evaluate("document.querySelector('.foot').getBoundingClientRect().bottom + window.scrollY")
    assert height <= foot + 2, (height, foot)


def test_browsing_marks_the_order_it_lists_in(page) -> None:  # type: ignore[no-untyped-def]
    """The front page lists the newest first, and says so (it marked relevance)."""
    assert page.locator(".sort [aria-current]").inner_text() == "नवीनतम पहले"
    page.goto(page.url + "?q=रूस")
    assert page.locator(".sort [aria-current]").inner_text() == "प्रासंगिकता"


def test_keyboard_reaches_the_facets(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.url + "?q=कोरोना")  # a results page: no autofocus, so Tab starts at the top
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.facets') !== null"):
            break
    assert page.evaluate("document.activeElement.closest('.facets') !== null")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focused link is visibly marked


def bars(pg):  # type: ignore[no-untyped-def]
    return pg.locator("svg.chart a")


def test_click_a_bar_of_the_timeline(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#q", "कोरोना")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    assert bars(page).count() >= 2
    # The numbers are also a table, for screen readers (and readers without styles).
    assert page.locator(".timeline table tbody tr").count() >= 2
    bar = bars(page).first
    wanted = int(re.search(r": (\d+)", bar.get_attribute("aria-label")).group(1))
    shot(page, "timeline")
    bar.click()
    page.wait_for_url(re.compile("from=.*to="))
    params = dict(query_params(page.url))
    assert params["q"] == "कोरोना" and params["from"] <= params["to"]
    assert count(page) == wanted  # the bar's count is what the narrowed search finds
    assert page.locator(".chips li").count() == 3  # from, to, clear all


def test_compare_two_searches_and_show_shares(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.url + "?q=कोरोना")
    page.fill("#compare-q", "किसान")
    page.press("#compare-q", "Enter")
    page.wait_for_url(re.compile("compare="))
    assert dict(query_params(page.url))["compare"] == "किसान"
    assert page.locator(".legend li").count() == 2
    colours = {bars(page).nth(i).locator("rect").get_attribute("fill") for i in range(bars(page).count())}
    assert len(colours) == 2  # one colour per series
    page.locator(".chart-controls a", has_text=re.compile("हिस्सा")).click()
    page.wait_for_url(re.compile("share=1"))
    assert page.locator(".plot .ymax").text_content().endswith("%")
    shot(page, "compare")
    # The compared query stays when the main query changes (it is part of the form's state).
    page.fill("#q", "लॉकडाउन")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile("q=%E0%A4%B2"))
    assert dict(query_params(page.url)).get("compare") == "किसान"
    page.locator(".legend a").click()  # remove the compared query
    page.wait_for_load_state()
    assert "compare" not in dict(query_params(page.url))


def test_keyboard_reaches_the_chart_and_the_export(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.url + "?q=कोरोना")
    reached = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "document.activeElement.closest('svg.chart') ? 'chart' :"
            " document.activeElement.closest('.takeaway') ? 'takeaway' : ''"
        )
        if where:
            reached.add(where)
        if where == "chart" and "enter" not in reached:
            reached.add("enter")
            label = page.evaluate("document.activeElement.getAttribute('aria-label')")
            assert re.search(r": \d+", label)
        if reached >= {"chart", "takeaway"}:
            break
    assert reached >= {"chart", "takeaway"}


def test_export_link_downloads_every_match(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.url + "?q=कोरोना")
    total = count(page)
    with page.expect_download() as got:
        page.locator(".takeaway a", has_text="CSV").click()
    path = got.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == total
    assert got.value.suggested_filename == "khabar-export.csv"


def test_feed_link_is_atom(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.url + "?q=कोरोना")
    href = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    assert href == page.locator(".takeaway a.feed").get_attribute("href")
    answer = page.request.get(urlsplit(page.url)._replace(path="", query="").geturl() + href)
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    from xml.etree import ElementTree as ET

    root = ET.fromstring(answer.body())
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == min(count(page), 50)


def test_no_console_errors(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    for url in ("/", "/?q=कोरोना&compare=किसान", "/?q=कोरोना&share=1"):
        pg.goto(server + url)
        pg.wait_for_load_state("networkidle")
    assert not errors, errors
    assert pg.locator("h1").count() == 1
    context.close()
