"""Bad input: one clear located message, exit code 2, no traceback, earlier output intact."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assembler.cli import main

from .conftest import FIXTURES

MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


CASES = {
    # name: (transform of the minimal records, expected path, text whose line is expected)
    "malformed yaml": (lambda s: s.replace("  years: [2566, 2567, 2568]", "  years: [2566, 2567"), "", None),
    "wrong type": (lambda s: s.replace("budget: 5000", "budget: [5000]"), "budget", "budget: [5000]"),
    "unknown field": (lambda s: s.replace("  province: ลำปาง", "  province: ลำปาง\n  provinse: ลำปาง"), "organisation.provinse", "provinse"),
    "missing field": (lambda s: s.replace("  kind: อบต.\n", ""), "organisation.kind", "organisation:"),
    "budget year outside plan": (
        lambda s: s.replace('budget: {2566: 20000, 2567: 25000, 2568: "-"}', 'budget: {2566: 20000, 2570: 25000}'),
        "dimensions[0].missions[0].items[0].budget[2570]",
        "2570: 25000",
    ),
    "bad month": (lambda s: s.replace("start: 2565-10", "start: 2565-13"), "period.start", "2565-13"),
    "end before start": (lambda s: s.replace("end: 2567-09", "end: 2564-09"), "period", "period:"),
    "duplicate key": (lambda s: s.replace("  province: ลำปาง", "  province: ลำปาง\n  province: ตาก"), "organisation.province", "province: ตาก"),
    "bad kind": (lambda s: s.replace("kind: มาตรการ", "kind: นโยบาย"), "kind", "kind: นโยบาย"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_located_and_exits_2(case, tmp_path, capsys):
    transform, where, needle = CASES[case]
    text = transform(MINIMAL)
    assert text != MINIMAL, "the case must change the records"
    path = write(tmp_path, text)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    earlier = {out_dir / "plan.pdf": b"earlier pdf", out_dir / "plan.docx": b"earlier docx"}
    for target, blob in earlier.items():
        target.write_bytes(blob)

    code = main(["build", str(path), "-o", str(out_dir)])

    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert f"{path}:" in err
    if where:
        assert where in err
    if needle:
        assert f"{path}:{line_of(text, needle)}:" in err
    # Thai and English sentences are both there
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in err.split("\n", 1)[1])
    assert any(ch.isascii() and ch.isalpha() for ch in err.split("\n", 1)[1])
    for target, blob in earlier.items():
        assert target.read_bytes() == blob
    assert sorted(p.name for p in out_dir.iterdir()) == ["plan.docx", "plan.pdf"]


def test_malformed_yaml_names_its_line(tmp_path, capsys):
    path = write(tmp_path, "book: anticorruption\norganisation: {name: x\nplan: 1\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:" in err or f"{path}:2:" in err


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00bad", b"- a list\n- not a mapping\n", b"book: novel\n"])
def test_unreadable_records_exit_2(content, tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_bytes(content)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope.yaml"), "-o", str(tmp_path)]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_json_records_are_read_with_lines(tmp_path, capsys):
    import json

    data = yaml.safe_load(MINIMAL)
    data["organisation"]["kind"] = 5
    path = tmp_path / "plan.json"
    text = json.dumps(data, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    line = line_of(text, '"kind": 5')
    assert f"{path}:{line}: organisation.kind" in err


def test_usage_error_exits_2(capsys):
    assert main(["build", "--format", "odt", "x.yaml"]) == 2
