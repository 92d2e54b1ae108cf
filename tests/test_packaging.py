"""A plain `pip install` gets everything: every package, the templates and the fonts."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_holds_every_package_the_templates_and_the_fonts(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("planbook-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = [p.parent.relative_to(ROOT) for p in (ROOT / "assembler").rglob("__init__.py")]
    missing = [str(p) for p in packages if f"{p.as_posix()}/__init__.py" not in names]
    assert not missing, f"packages left out of the wheel: {missing}"
    for folder in ("templates", "fonts"):
        for path in (ROOT / folder).iterdir():
            assert f"assembler/data/{folder}/{path.name}" in names, f"{folder}/{path.name} is not in the wheel"
