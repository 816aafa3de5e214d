"""Records of the reproduction report, and how a verdict is reached.

A record compares one printed figure of a seed document with what mlp_fn computes, both as the
strings printed. Verdicts:

* ``match``: the same text (white space aside: the documents lost their line breaks);
* ``format``: every number agrees to the precision the document printed, but the text differs
  (e.g. NumPy prints 0.659 where the document shows 0.6590);
* ``differs``: some number disagrees. Such a record must carry the reason, found by investigation.

A check compares mlp_fn with an independent computation (a direct NumPy transcription of a
listing, a closed form); a failed check, unlike a ``differs``, is a defect of mlp_fn.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypedDict

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


class Skip(Exception):
    """Raised by a walkthrough that cannot run here (an optional package is missing); the runner
    prints its message as one line and goes on."""


class Record(TypedDict):
    """One row of the report."""

    walkthrough: str
    figure: str
    documented: str
    reproduced: str
    verdict: str
    reason: str


class Check(TypedDict):
    """mlp_fn against an independent computation."""

    name: str
    ok: bool
    detail: str


class Report(NamedTuple):
    """A walkthrough's report: its records and checks, the worked examples it shows (title, the
    text the lesson printed, the same as Markdown with LaTeX) and the result files it writes
    (name -> text)."""

    records: list[Record]
    checks: list[Check]
    worked: list[tuple[str, str, str]]
    files: dict[str, str]


def _normal(text: str) -> str:
    return " ".join(text.split())


def _decimals(token: str) -> int:
    mantissa = re.split(r"[eE]", token)[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def same_at_printed_precision(documented: str, reproduced: str) -> bool:
    """Whether the documented numbers, in order, equal the reproduced ones rounded to the number
    of decimals the document printed (and there are as many of them)."""
    d = _NUMBER.findall(documented)
    r = _NUMBER.findall(reproduced)
    if len(d) != len(r) or not d:
        return False
    for dt, rt in zip(d, r):
        if "e" in dt.lower():
            if abs(float(dt) - float(rt)) > abs(float(dt)) * 0.5 * 10.0 ** -_decimals(dt):
                return False
        elif abs(float(dt) - float(rt)) > 0.5 * 10.0 ** -_decimals(dt) * (1 + 1e-9):
            return False
    return True


def verdict(documented: str, reproduced: str) -> str:
    """'match', 'format' or 'differs' (see the module docstring)."""
    if _normal(documented) == _normal(reproduced):
        return "match"
    if same_at_printed_precision(documented, reproduced):
        return "format"
    return "differs"


def record(walkthrough: str, figure: str, documented: str, reproduced: str,
           reason: str = "") -> Record:
    """A report row; a row whose verdict is not 'match' must say why."""
    v = verdict(documented, reproduced)
    if v != "match" and not reason:
        raise ValueError(f"{walkthrough}: figure {figure!r} is '{v}' "
                         f"({documented!r} vs {reproduced!r}) and needs a reason")
    return {"walkthrough": walkthrough, "figure": figure, "documented": _normal(documented),
            "reproduced": _normal(reproduced), "verdict": v,
            "reason": reason if v != "match" else ""}


def record_band(walkthrough: str, figure: str, documented: str, reproduced: str,
                band: tuple[float, float], reason: str) -> Record:
    """A statistical figure: 'match' when the documented number lies in the band the measurement
    gives (say which band, over what, and why, in ``reason``), 'differs' otherwise."""
    numbers = _NUMBER.findall(documented)
    if not numbers:
        raise ValueError(f"{walkthrough}: figure {figure!r} has no number in {documented!r}")
    value = float(numbers[0])
    inside = band[0] <= value <= band[1]
    return {"walkthrough": walkthrough, "figure": figure, "documented": _normal(documented),
            "reproduced": _normal(reproduced), "verdict": "match" if inside else "differs",
            "reason": reason}


def record_claim(walkthrough: str, figure: str, claim: str, evidence: str, holds: bool,
                 reason: str) -> Record:
    """A qualitative claim: 'match' when the measurements bear it out, 'differs' when they do
    not; ``evidence`` holds the numbers, ``reason`` what they show. The reason opens with the
    verdict in words, written here from ``holds``, so no sentence can say "holds" beside
    numbers that do not."""
    return {"walkthrough": walkthrough, "figure": figure, "documented": _normal(claim),
            "reproduced": _normal(evidence), "verdict": "match" if holds else "differs",
            "reason": ("holds: " if holds else "does not hold: ") + reason}


def verdict_counts(records: Iterable[Mapping[str, object]]) -> dict[str, int]:
    """How many of ``records`` have each verdict ('match', 'format', 'differs')."""
    verdicts = [r["verdict"] for r in records]
    return {v: verdicts.count(v) for v in ("match", "format", "differs")}


def summary(records: Sequence[Mapping[str, object]], passed: int, checks: int) -> str:
    """The report's closing sentence: the verdicts counted, and the checks that passed."""
    counts = verdict_counts(records)
    figures, one = len(records), counts["differs"] == 1
    return (f"{figures} figure{'' if figures == 1 else 's'}: {counts['match']} match, "
            f"{counts['format']} format (the same value, written otherwise), {counts['differs']} "
            f"differ{'s' if one else ''} (the document is wrong or unclear there, each with its "
            f"reason); {passed} of {checks} independent check{'' if checks == 1 else 's'} "
            f"passed")


def check(name: str, ok: bool, detail: str = "") -> Check:
    """An independent-computation check."""
    return {"name": name, "ok": bool(ok), "detail": detail}


def worked_line(text: str, symbol: str) -> str:
    """The line of a worked example that computes ``symbol`` (e.g. 'z[1][1](0)')."""
    return next(line.strip() for line in text.splitlines()
                if line.strip().startswith(f"{symbol} = "))


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float made None, all the way down."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def strict_json(value: Any, indent: int | None = 1, default: Any = None) -> str:
    """JSON that strict parsers read: a diverged run's NaN or inf is written as null."""
    return json.dumps(_finite(value), indent=indent, default=default, allow_nan=False)
