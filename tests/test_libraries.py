"""WeasyPrint is imported without running a compiler (render/libraries.py) and the CLI exits cleanly."""
from __future__ import annotations

import ctypes.util
import subprocess
import sys

from assembler.render import libraries

from .conftest import ROOT


def test_names_ldconfig_does_not_list_are_not_searched_further(monkeypatch):
    monkeypatch.setattr(libraries, "_ldconfig_libraries", lambda: ["libpango-1.0.so.0", "libc.so.6"])
    asked = []
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: asked.append(name) or f"lib{name}.so.0")
    monkeypatch.setattr(sys, "platform", "linux")
    real = ctypes.util.find_library
    with libraries._cached_lookup():
        assert ctypes.util.find_library("libpango-1.0-0") is None  # a Windows name: no gcc, no ld
        assert ctypes.util.find_library("pango-1.0-0") is None
        assert ctypes.util.find_library("pango-1.0") == "libpango-1.0.so.0"  # listed: the usual lookup
    assert asked == ["pango-1.0"]
    assert ctypes.util.find_library is real


def test_without_ldconfig_the_usual_lookup_is_kept(monkeypatch):
    monkeypatch.setattr(libraries, "_ldconfig_libraries", lambda: None)
    real = ctypes.util.find_library
    with libraries._cached_lookup():
        assert ctypes.util.find_library is real


def test_importing_weasyprint_runs_no_compiler_and_the_cli_keeps_its_exit_code(tmp_path):
    """(gcc and ld were run about twenty times by every process that imported WeasyPrint.)"""
    probe = tmp_path / "bin"
    probe.mkdir()
    log = tmp_path / "ran.log"
    for tool in ("gcc", "cc", "ld", "objdump"):
        (probe / tool).write_text(f"#!/bin/sh\necho {tool} >> {log}\nexit 1\n")
        (probe / tool).chmod(0o755)
    env = {"PATH": f"{probe}:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": str(tmp_path)}
    code = "import assembler.render.pdf, weasyprint; print(weasyprint.__version__)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not log.exists(), log.read_text()
    bad = subprocess.run([sys.executable, "-m", "assembler", "validate", str(tmp_path / "missing.yaml")],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "cannot read the file" in bad.stderr
