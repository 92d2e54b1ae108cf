"""The operational plan: ผด.01 figures, ผด.02 bars, sub-activity sums, year header, bad schedules."""
from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
import yaml
from lxml import etree

from assembler.cli import main
from assembler.loading import load
from assembler.records.months import fiscal_index
from assembler.thai import FISCAL_MONTHS, MONTHS_ABBR
from assembler.view import build_document
from assembler.books.operations.view import shares

from .conftest import FIXTURES, normalise

OPS = FIXTURES / "operations-minimal.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MONTH_ORDER = [MONTHS_ABBR[m] for m in FISCAL_MONTHS]


def examples() -> list[Path]:
    found = sorted((FIXTURES.parent.parent / "examples").glob("operations-*.yaml"))
    return found or [OPS]


@pytest.fixture(scope="module")
def ops_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("ops")
    source = examples()[0]
    assert main(["build", str(source), "-o", str(out)]) == 0
    return source, out / f"{source.stem}.pdf", out / f"{source.stem}.docx"


def raw_budget(project: dict) -> int:
    if project.get("activities"):
        return sum(a.get("budget") or 0 for a in project["activities"])
    return project.get("budget") or 0


def month_index(value) -> int:
    name = str(value).split()[0]
    return MONTH_ORDER.index(name)


def entries(schedule) -> list[dict]:
    if isinstance(schedule, (dict, str)):
        schedule = [schedule]
    return [{"start": e} if isinstance(e, str) else e for e in schedule or []]


def span(entry: dict) -> tuple[int, int]:
    return month_index(entry["start"]), month_index(entry.get("end", entry["start"]))


def bar_lines(item: dict) -> list[list[tuple[int, int]]]:
    """The bars of each line of a ผด.02 row, as the README says: the row's own schedule on its first
    line, a line per detail line with its own schedule, a line per labelled entry."""
    lines = [[span(e) for e in entries(item.get("schedule")) if not e.get("label")]]
    text_first = False

    def walk(details):
        nonlocal text_first
        for detail in details:
            detail = {"text": detail} if isinstance(detail, str) else detail
            if entries(detail.get("schedule")):
                lines.append([span(e) for e in entries(detail.get("schedule")) if not e.get("label")])
            elif len(lines) == 1:
                text_first = True
            lines.extend([span(e)] for e in entries(detail.get("schedule")) if e.get("label"))
            walk(detail.get("items", []))

    walk(item.get("details", []))
    lines.extend([span(e)] for e in entries(item.get("schedule")) if e.get("label"))
    if len(lines) > 1 and not lines[0] and not text_first:
        lines.pop(0)
    return lines


def raw_rows(raw: dict) -> list[tuple[str, list[tuple[int, int]]]]:
    """(name, [(first, last) fiscal month index]) of every line of every ผด.02 row, in order (name on its first line)."""
    rows = []
    for strategy in raw["strategies"]:
        for group in strategy["plans"]:
            for project in group["projects"]:
                for item in [project, *project.get("activities", [])]:
                    rows += [(item["name"] if i == 0 else "", spans) for i, spans in enumerate(bar_lines(item))]
    return rows


@pytest.mark.parametrize("source", examples(), ids=lambda p: p.stem)
def test_pd01_figures_are_computed_from_the_projects(source):
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    plan, _ = load(source)
    document = build_document(plan, thai_digits=False)
    table = next(b for s in document.sections for b in s.blocks if getattr(b, "style", "") == "summary")
    rows = [[" ".join(p.text for p in c.paras) for c in row] for row in table.body]
    groups = [g for s in raw["strategies"] for g in s["plans"]]
    plan_rows = [r for r in rows if len(r) == 6 and r[0] not in ("รวม", "รวมทั้งสิ้น")]
    assert len(plan_rows) == len(groups)
    total_projects = sum(len(g["projects"]) for g in groups)
    total_budget = sum(raw_budget(p) for g in groups for p in g["projects"])
    for group, row in zip(groups, plan_rows):
        count, budget = len(group["projects"]), sum(raw_budget(p) for p in group["projects"])
        assert row[1] == f"{count:,}"
        assert row[3] == (f"{budget:,}" if budget else "-")
        assert abs(Decimal(row[2]) - Decimal(count) * 100 / total_projects) < Decimal("0.01")
        assert abs(Decimal(row[4]) - Decimal(budget) * 100 / total_budget) < Decimal("0.01")
    # every percentage column adds up to exactly 100.00
    assert sum(Decimal(r[2]) for r in plan_rows) == Decimal("100.00")
    assert sum(Decimal(r[4]) for r in plan_rows) == Decimal("100.00")
    grand = next(r for r in rows if r[0] == "รวมทั้งสิ้น")
    assert grand[:5] == ["รวมทั้งสิ้น", f"{total_projects:,}", "100.00", f"{total_budget:,}", "100.00"]
    # each ยุทธศาสตร์'s รวม row sums its own rows
    strategy_totals = [r for r in rows if r[0] == "รวม"]
    for strategy, total in zip(raw["strategies"], strategy_totals):
        assert total[1] == f"{sum(len(g['projects']) for g in strategy['plans']):,}"


def test_shares_add_up_to_100_after_rounding():
    assert sum(shares([1, 1, 1])) == 100
    assert shares([1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert shares([0, 0]) == [0, 0]
    assert sum(shares([7, 13, 29, 31, 101])) == 100


def test_bars_cover_the_scheduled_months_in_the_docx(ops_build):
    source, _, docx = ops_build
    expected = raw_rows(yaml.safe_load(source.read_text(encoding="utf-8")))
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    found = []
    for tbl in body.iter(f"{W}tbl"):
        # caption rows (one cell: ยุทธศาสตร์, objective, แนวทาง) come first
        cells = [tr.findall(f"{W}tc") for tr in tbl.findall(f"{W}tr")]
        cells = [row for row in cells if len(row) > 1]
        # the ผด.02 header: 6 merged cells + 2 years, then their continuations + 12 months
        if len(cells[0]) != 8 or len(cells[1]) != 18:
            continue
        spans = [int(tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val")) for tc in cells[0][6:]]
        assert spans == [3, 9]
        for tr in cells[2:]:
            name = "".join(t.text for t in tr[1].iter(f"{W}t"))
            months, insets = [], []
            for tc in tr[6:]:
                # a bar month carries a rule: its paragraph's thick bottom border, between indents
                rule = tc.find(f"{W}p/{W}pPr/{W}pBdr/{W}bottom")
                months.append(rule is not None and int(rule.get(f"{W}sz")) >= 32)
                ind = tc.find(f"{W}p/{W}pPr/{W}ind")
                insets.append((int(ind.get(f"{W}left")) > 0, int(ind.get(f"{W}right")) > 0) if rule is not None else None)
                assert tc.find(f"{W}tcPr/{W}shd") is None  # no dark filled cells any more
            found.append((name, months, insets))
    assert len(found) == len(expected)
    for (name, months, insets), (raw_name, spans) in zip(found, expected):
        wanted = [any(a <= i <= b for a, b in spans) for i in range(12)]
        assert months == wanted, name
        # each bar runs from the middle of its first month to the middle of its last
        for i, on in enumerate(wanted):
            if on:
                # a bar starts where an entry starts inside no other, ends likewise (overlaps join)
                starts = any(a == i for a, _ in spans) and not any(a < i <= b for a, b in spans)
                ends = any(b == i for _, b in spans) and not any(a <= i < b for a, b in spans)
                assert insets[i] == (starts, ends), (name, i)


def test_bars_cover_the_scheduled_months_in_the_pdf(ops_build):
    source, pdf, _ = ops_build
    expected = raw_rows(yaml.safe_load(source.read_text(encoding="utf-8")))
    wanted_total = sum(b - a + 1 for _, spans in expected for a, b in spans)
    bars_seen = 0
    rows_seen = 0
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            # (the PDF's text layer may misplace Thai marks: compare normalised)
            months = [normalise(m) for m in MONTH_ORDER]
            words = page.extract_words(x_tolerance=1)
            # the first header row of the page (every ผด.02 table has the same columns)
            heads = sorted((w for w in words if normalise(w["text"]) in months), key=lambda w: (round(w["top"]), w["x0"]))
            if len(heads) < 12:
                continue
            heads = heads[:12]
            assert [normalise(w["text"]) for w in heads] == months
            centres = [(w["x0"] + w["x1"]) / 2 for w in heads]
            bars = [r for r in page.rects if r["height"] < 6 and r["width"] > 2 and r["top"] > heads[0]["bottom"]]
            for bar in bars:
                # each bar lies over the months whose centres it reaches (start/end bars begin mid-cell)
                covered = [i for i, x in enumerate(centres) if bar["x0"] - 2 <= x <= bar["x1"] + 2]
                assert covered, bar
                bars_seen += len(covered)
            rows_seen += 1
    assert rows_seen >= 1
    assert bars_seen == wanted_total


def test_sub_activities_sum_into_their_parent(tmp_path, capsys):
    plan, _ = load(OPS)
    document = build_document(plan, thai_digits=False)
    table = next(b for s in document.sections for b in s.blocks if getattr(b, "style", "") == "schedule")
    texts = [[" ".join(p.text for p in c.paras) for c in row[:4]] for row in table.body]
    assert texts[1][0] == "2" and texts[1][3] == "150,000"
    assert [t[0] for t in texts[2:4]] == ["2.1", "2.2"] and [t[3] for t in texts[2:4]] == ["100,000", "50,000"]
    # records that state another parent budget are reported
    text = OPS.read_text(encoding="utf-8").replace("            area: ทั่วเขตเทศบาล", "            area: ทั่วเขตเทศบาล\n            budget: 999999")
    path = tmp_path / "ops.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "999999" in l)
    assert f"{path}:{line}:" in err and "sum of its sub-activities" in err


@pytest.mark.parametrize(
    "old,new,words",
    [
        # a schedule running past ก.ย. is outside the fiscal year (it said "end month comes before the start")
        ("{start: ม.ค., end: มี.ค.}", "{start: ส.ค., end: พ.ย.}", "runs outside fiscal year 2566"),
        ("{start: ม.ค., end: มี.ค.}", "{start: ส.ค. 2566, end: พ.ย. 2566}", "the month พ.ย. 2566 is outside fiscal year 2566"),
        ("{start: ม.ค., end: มี.ค.}", "{start: มี.ค. 2566, end: ม.ค. 2566}", "comes before the start month"),
        ("{start: ม.ค., end: มี.ค.}", "{start: ม.ค. 2566, end: มี.ค. 2567}", "outside fiscal year 2566"),
        ("{start: ส.ค.}", "{start: สิงหา}", "unknown month 'สิงหา'"),
        ("{start: ต.ค. 2565, end: ธ.ค. 2565}", "{start: ต.ค. 2566, end: ธ.ค. 2566}", "outside fiscal year 2566"),
    ],
)
def test_bad_schedules_are_located(old, new, words, tmp_path, capsys):
    source = OPS.read_text(encoding="utf-8")
    assert old in source
    text = source.replace(old, new)
    path = tmp_path / "ops.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["build", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    line = next(i for i, l in enumerate(text.splitlines(), 1) if new.split(",")[0] in l)
    assert f"{path}:{line}:" in err and words in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_year_header_spans_the_fiscal_year():
    plan, _ = load(OPS)
    table = next(b for s in build_document(plan, thai_digits=False).sections for b in s.blocks if getattr(b, "style", "") == "schedule")
    years = [(c.paras[0].text, c.colspan) for c in table.header[-2][6:]]
    assert years == [(f"พ.ศ. {plan.fiscal_year - 1}", 3), (f"พ.ศ. {plan.fiscal_year}", 9)]
    assert [c.paras[0].text for c in table.header[-1]] == MONTH_ORDER
    captions = [c.paras[0].text for row in table.header[:-2] for c in row]
    assert captions[0].startswith("ยุทธศาสตร์ที่ 1 ") and captions[-1].startswith("แนวทางการพัฒนาที่ 1 ")
    assert fiscal_index("10") == 0 and fiscal_index("9") == 11


def test_thai_line_breaks_in_the_operational_plan(ops_build):
    from .test_pdf import check_line_breaks

    source, pdf, _ = ops_build
    checked = check_line_breaks(source, pdf)
    assert sum(checked.values()) > (50 if source != OPS else 0), checked


def test_the_form_code_heads_every_page_of_its_form(ops_build):
    from .conftest import pdf_pages

    source, pdf, _ = ops_build
    document = build_document(load(source)[0])
    heads = [normalise(s.running_head) for s in document.sections if s.running_head]
    assert len(heads) == 2
    titles = [normalise(b.text) for s in document.sections if s.running_head for b in s.blocks if getattr(b, "style", "") == "part"]
    pages = pdf_pages(pdf)
    bodies = [normalise(body) for _, body in pages]
    tops = [normalise(top) for top, _ in pages]  # the top of the page: its number, then the form code
    starts = [next(i for i, b in enumerate(bodies) if title in b and normalise("สารบัญ") not in b) for title in titles]
    assert starts[0] < starts[1] < len(bodies)
    for i in range(starts[0], len(bodies)):
        head = heads[0] if i < starts[1] else heads[1]
        assert tops[i].endswith(head), f"page {i + 1} lacks {head}"
        assert head not in bodies[i]


def test_pd02_density_and_heading_block(ops_build):
    """Projects per ผด.02 page, and the share of a continuation page its repeated headings take."""
    from .conftest import pdf_pages

    source, pdf, _ = ops_build
    document = build_document(load(source)[0])
    head = normalise(document.sections[-1].running_head)
    pages = [i for i, (top, _) in enumerate(pdf_pages(pdf)) if normalise(top).endswith(head)]
    projects = sum(len(g.projects) for s in load(source)[0].strategies for g in s.plans)
    print(f"ผด.02: {projects} projects on {len(pages)} pages")
    assert projects / len(pages) >= 2
    months = {normalise(m) for m in MONTH_ORDER}
    top, bottom_margin = 2.5 / 2.54 * 72, 2 / 2.54 * 72
    shares_seen = []
    with pdfplumber.open(pdf) as doc:
        for i in pages[1:]:  # the first page also holds the part's title
            page = doc.pages[i]
            heads = [w for w in page.extract_words(x_tolerance=1) if normalise(w["text"]) in months]
            first_row = min(w["top"] for w in heads)
            bottom = max((w["top"] + w["bottom"]) / 2 for w in heads if abs(w["top"] - first_row) < 3)
            rule = min(e["top"] for e in page.edges if e["orientation"] == "h" and e["top"] > bottom)
            shares_seen.append((rule - top) / (page.height - top - bottom_margin))
    print(f"heading block: at most {max(shares_seen):.1%} of a page")
    assert max(shares_seen) <= 0.25
