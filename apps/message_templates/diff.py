"""Line diffs between two versions' content, field by field, for review.

Each changed field gives side-by-side rows (long unchanged stretches folded, as a reviewer only
needs context around a change) and a unified diff for copying into a ticket.
"""

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import zip_longest

from apps.message_templates.triggers import CONTENT_FIELDS, FIELD_LABELS

CONTEXT_LINES = 3


Parts = tuple[tuple[str, bool], ...]  # (text, changed) runs of one line


@dataclass(frozen=True)
class Row:
    kind: str  # equal, delete, insert, change, fold
    old_no: int | None = None
    old: str = ""
    new_no: int | None = None
    new: str = ""
    folded: int = 0  # for "fold" rows: how many unchanged lines are hidden
    old_parts: Parts = ()
    new_parts: Parts = ()


_WORD = re.compile(r"\s+|\w+|[^\w\s]")


def _word_parts(old: str, new: str) -> tuple[Parts, Parts]:
    """Mark the words that differ between two versions of a line, for highlighting within it."""
    a, b = _WORD.findall(old), _WORD.findall(new)
    old_parts: list[tuple[str, bool]] = []
    new_parts: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if i2 > i1:
            old_parts.append(("".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            new_parts.append(("".join(b[j1:j2]), tag != "equal"))
    return tuple(old_parts), tuple(new_parts)


@dataclass
class FieldDiff:
    field: str
    rows: list[Row] = field(default_factory=list)
    unified: str = ""
    added: int = 0
    removed: int = 0

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def _fold(rows: list[Row]) -> list[Row]:
    """Replace runs of unchanged rows longer than twice the context by one fold row."""
    out: list[Row] = []
    run: list[Row] = []

    def flush(at_start: bool, at_end: bool) -> None:
        keep_head = 0 if at_start else CONTEXT_LINES
        keep_tail = 0 if at_end else CONTEXT_LINES
        if len(run) > keep_head + keep_tail + 1:
            out.extend(run[:keep_head])
            out.append(Row("fold", folded=len(run) - keep_head - keep_tail))
            out.extend(run[len(run) - keep_tail :] if keep_tail else [])
        else:
            out.extend(run)
        run.clear()

    for row in rows:
        if row.kind == "equal":
            run.append(row)
            continue
        flush(at_start=not out, at_end=False)
        out.append(row)
    flush(at_start=not out, at_end=True)
    return out


def field_diff(name: str, old: str, new: str) -> FieldDiff:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[Row] = []
    result = FieldDiff(name)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [
                Row("equal", i1 + k + 1, old_lines[i1 + k], j1 + k + 1, new_lines[j1 + k])
                for k in range(i2 - i1)
            ]
            continue
        result.removed += i2 - i1
        result.added += j2 - j1
        pairs = zip_longest(range(i1, i2), range(j1, j2))
        for i, j in pairs:
            kind = "change" if i is not None and j is not None else ("delete" if j is None else "insert")
            old_text = "" if i is None else old_lines[i]
            new_text = "" if j is None else new_lines[j]
            if kind == "change":
                old_parts, new_parts = _word_parts(old_text, new_text)
            else:
                old_parts, new_parts = ((old_text, True),), ((new_text, True),)
            rows.append(
                Row(
                    kind,
                    None if i is None else i + 1,
                    old_text,
                    None if j is None else j + 1,
                    new_text,
                    old_parts=old_parts,
                    new_parts=new_parts,
                )
            )
    result.rows = _fold(rows)
    result.unified = "\n".join(
        difflib.unified_diff(
            old_lines, new_lines, fromfile="before", tofile="after", lineterm="", n=CONTEXT_LINES
        )
    )
    return result


def content_diff(old: Mapping[str, str], new: Mapping[str, str]) -> list[FieldDiff]:
    """One FieldDiff per content field, in the fields' usual order."""
    return [field_diff(name, old.get(name, ""), new.get(name, "")) for name in CONTENT_FIELDS]
