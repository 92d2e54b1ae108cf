"""Consistency checks report what hand-made books got wrong, with lines."""
from __future__ import annotations

from pathlib import Path

from assembler.cli import main

from .conftest import FIXTURES

MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")

INCONSISTENT = (
    MINIMAL.replace(
        "              indicators: [ร้อยละ ๘๐ ผ่านการประเมิน]",
        "              indicators: [ร้อยละ ๘๐ ผ่านการประเมิน]\n              budget: {per_year: 1500000}",
    )
    .replace("period: {start: 2565-10, end: 2567-09}", "period: {start: 2563-10, end: 2564-09}")
    .replace("            unit: คลัง\n            budget: ไม่ใช้งบประมาณ", "            unit: ช่าง\n            budget: ไม่ใช้งบประมาณ")
    .replace("name: มาตรการเผยแพร่แผนจัดซื้อจัดจ้าง", "name: โครงการอบรมคุณธรรม")
)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_validate_reports_each_contradiction_with_its_line(tmp_path: Path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(INCONSISTENT, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    expected = {
        "per_year: 1500000": "differs from the matrix",
        "period: {start: 2563-10": "outside the plan",
        "unit: ช่าง": "unknown responsible unit",
        "name: โครงการอบรมคุณธรรม": "duplicates",
    }
    for needle, words in expected.items():
        line = [i for i, l in enumerate(INCONSISTENT.splitlines(), 1) if needle in l][-1]
        located = [chunk for chunk in err.split(f"{path}:")[1:] if chunk.startswith(f"{line}:")]
        assert any(words in chunk for chunk in located), (needle, err)
    # the kind/name mismatch of the renamed มาตรการ
    assert "the name starts with โครงการ but the kind is มาตรการ" in err


def test_warnings_do_not_stop_a_build_but_strict_does(tmp_path: Path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(INCONSISTENT, encoding="utf-8")
    strict_out = tmp_path / "strict"
    assert main(["build", str(path), "-o", str(strict_out), "--strict", "--format", "pdf"]) == 1
    assert not strict_out.exists() or not any(strict_out.iterdir())
    out = tmp_path / "out"
    assert main(["build", str(path), "-o", str(out), "--format", "pdf"]) == 0
    assert (out / "plan.pdf").stat().st_size > 1000
    assert "warning" in capsys.readouterr().err


def test_clean_records_validate(capsys):
    from .conftest import EXAMPLE

    assert main(["validate", str(EXAMPLE)]) == 0
