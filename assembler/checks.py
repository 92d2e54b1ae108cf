"""Consistency checks: what the records contradict, as located warnings.

These are the mistakes found in hand-made books: a detail sheet whose budget
differs from the matrix, a period outside the plan's years, duplicate items,
units nobody defined, an item whose name says another kind. They do not stop
a build unless it is strict.
"""
from __future__ import annotations


from .errors import Located, Problem
from .messages import say


def looks_abbreviated(unit: str) -> bool:
    """Return True for a unit written like an abbreviation (กวช., ช่าง): one short word, or one ending in ".".

    A unit that is not in units is printed as written ("ทุกกอง/สำนัก"); one
    that looks like an abbreviation is reported, as it is most likely a typo.
    """
    if " " in unit or "/" in unit:
        return False
    return len(unit) <= 6 or (unit.endswith(".") and len(unit) <= 12)


def check(plan, located: Located) -> list[Problem]:
    """Return what reading skipped (notices), then every consistency problem, in file order."""
    from .books import book_of

    book = book_of(plan)
    return located.notices + omitted_parts(plan, located, book.introduction_sections) + book.check(plan, located)


def omitted_parts(plan, located: Located, sections: dict[str, tuple[str, str]]) -> list[Problem]:
    """Return a notice for each front-matter part the records leave out (the book goes without it).

    ``sections`` are the ส่วนที่ ๑ sections a book may leave out: field → (Thai, English) names.
    A book type whose records have no คำนำ or บทนำ at all gets no notice of them.
    """
    out = []
    notice = lambda path, key, **values: out.append(located.problem(path, *say(key, **values), "notice"))  # noqa: E731
    fields = type(plan).model_fields
    if "foreword" in fields and plan.foreword is None:
        notice(("foreword",), "no_foreword")
    if "introduction" not in fields:
        return out
    intro = plan.introduction
    if not intro:
        notice(("introduction",), "no_introduction")
    else:
        for name, (thai, english) in sections.items():
            if not getattr(intro, name):
                notice(("introduction", name), "no_introduction_section", section=thai, section_en=english)
    return out


def duplicates(names: dict[str, list[tuple]], located: Located, thai: str, english: str) -> list[Problem]:
    """Return a warning for every name used again after its first place."""
    out = []
    for name, paths in names.items():
        first_th, first_en = located.mention(paths[0] + ("name",))
        said = say("duplicate_name", thing=thai, thing_en=english, name=name, first=first_th, first_en=first_en)
        out += [located.problem(path + ("name",), *said, "warning") for path in paths[1:]]
    return out


def numbering(entries: list[tuple[tuple, tuple[int, ...]]], located: Located, thing: str, thing_en: str,
              seen: set | None = None) -> list[Problem]:
    """Return warnings for printed numbers (codes) that repeat or skip among siblings (path, code) in order.

    ``seen`` holds the codes already printed elsewhere in the same table (a ภารกิจ ๓.๑.๑ twice).
    """
    out, previous = [], None
    seen = set() if seen is None else seen
    for path, code in entries:
        number = ".".join(str(p) for p in code)
        if code in seen:
            out.append(located.problem(path + ("number",), *say("number_repeated", thing=thing, thing_en=thing_en, number=number), "warning"))
        elif previous and len(code) == len(previous) and code[:-1] == previous[:-1] and code[-1] != previous[-1] + 1:
            before = ".".join(str(p) for p in previous)
            out.append(located.problem(
                path + ("number",),
                *say("number_gap", thing=thing, thing_en=thing_en, number=number, previous=before), "warning",
            ))
        seen.add(code)
        previous = code
    return out
