"""Write a large anti-corruption book's records, made from the example's items.

    python bench/generate.py N OUT.yaml

The example's items (with their detail sheets) are repeated, in turn, until
the book holds N items spread over the example's มิติ and ภารกิจ; each copy's
name gains "(ชุดที่ k)" so no two items read alike. Budgets, years, units
and the front matter stay the example's. The file is for measuring only.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "anticorruption.yaml"


def generate(items: int, out: Path, example: Path = EXAMPLE) -> Path:
    """Write records of ``items`` items to ``out``; return ``out``."""
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    missions = [m for d in data["dimensions"] for m in _leaves(d["missions"])]
    if items < len(missions):
        raise SystemExit(f"at least {len(missions)} items: the example has that many ภารกิจ with items")
    source = [item for m in missions for item in m["items"]]
    for m in missions:
        m["items"] = []
    for n in range(items):
        item = copy.deepcopy(source[n % len(source)])
        round_ = n // len(source) + 1
        if round_ > 1:
            item["name"] = f"{item['name']} (ชุดที่ {round_})"
        missions[n * len(missions) // items]["items"].append(item)
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def rename_item(path: Path, index: int, suffix: str = " (แก้ไข)") -> str:
    """Append ``suffix`` to the name of the item at ``index`` (in book order) in ``path``; return the new name.

    The file is written back as ``generate`` writes it, so only that name changes.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = [item for d in data["dimensions"] for m in _leaves(d["missions"]) for item in m["items"]]
    item = items[index % len(items)]
    item["name"] = f"{item['name']}{suffix}"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return item["name"]


def _leaves(missions: list[dict]) -> list[dict]:
    """Return the ภารกิจ that hold items, nested ones included, in order."""
    out = []
    for m in missions:
        if "items" in m:
            out.append(m)
        out.extend(_leaves(m.get("missions", [])))
    return out


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
