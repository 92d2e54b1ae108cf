"""bench/ (issue 12): generated books load, a rename changes one name, and the figures count child processes.

The benchmark itself (bench/bench.py) runs outside the suite; these check the
pieces it relies on, in a few seconds.
"""
from __future__ import annotations

import importlib.util
import sys

from assembler.loading import load

from .conftest import ROOT


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"planbook_bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _items(plan) -> list:
    def leaves(missions):
        for m in missions:
            yield from m.items
            yield from leaves(m.missions)

    return [item for d in plan.dimensions for item in leaves(d.missions)]


def test_a_generated_book_loads_with_as_many_distinct_items_as_asked(tmp_path):
    generate = _bench("generate")
    plan, _ = load(generate.generate(40, tmp_path / "items-40.yaml"))
    names = [str(item.name) for item in _items(plan)]
    assert len(names) == 40
    assert len(set(names)) == 40  # the example has 31 items: the copies are named (ชุดที่ 2)
    assert sum("(ชุดที่ 2)" in n for n in names) == 9


def test_renaming_an_item_changes_that_name_only(tmp_path):
    generate = _bench("generate")
    path = generate.generate(40, tmp_path / "items-40.yaml")
    before = [str(item.name) for item in _items(load(path)[0])]
    new = generate.rename_item(path, 20)
    after = [str(item.name) for item in _items(load(path)[0])]
    assert new == before[20] + " (แก้ไข)"
    assert after == before[:20] + [new] + before[21:]


def test_a_measured_process_counts_its_childrens_time_and_memory():
    bench = _bench("bench")
    child = "x = bytearray(300 * 2**20); sum(range(3 * 10**7))"
    parent = f"import subprocess, sys, time; x = bytearray(100 * 2**20); subprocess.run([sys.executable, '-c', {child!r}])"
    run = bench.run([sys.executable, "-c", parent])
    assert run.parent_mib > 300  # for a process that is not planbook: the largest of its processes
    assert run.tree_mib > 400  # parent and child at once, sampled
    assert run.cpu_s > 0.25  # the child's sum takes about 0.5 s of CPU, the parent alone under 0.1 s


def test_a_target_is_met_only_within_its_limits():
    bench = _bench("bench")
    run = bench.Run(wall_s=2.5, cpu_s=4.0, parent_mib=500, child_mib=900, tree_mib=None)
    assert bench.Row("edit", [run], max_wall_s=3.0).met() is True
    assert bench.Row("edit", [run], max_wall_s=2.0).met() is False
    assert bench.Row("1000 items", [run], max_wall_s=90, max_mib=1000).met() is True
    assert bench.Row("1000 items", [run], max_wall_s=90, max_mib=800).met() is False  # the largest child counts
    assert bench.Row("ratio", ratio=2.1, max_ratio=2.0).met() is False
    assert bench.Row("no target", [run]).met() is None


def test_a_failed_measurement_is_shown_and_left_out_of_the_summary(tmp_path, capsys):
    bench = _bench("bench")
    figures = bench.Bench(tmp_path, repeat=1)
    failing = [sys.executable, "-c", "import sys; print('the reason'); sys.exit(3)"]
    assert figures.add("a build that fails", lambda: bench.run(failing)) is None
    assert figures.add("one that works", lambda: bench.run([sys.executable, "-c", "pass"])) is not None
    out = capsys.readouterr().out
    assert "a build that fails: failed, not counted" in out and "exit 3" in out and "the reason" in out
    table = figures.summary()
    assert "one that works" in table and "a build that fails" not in table
