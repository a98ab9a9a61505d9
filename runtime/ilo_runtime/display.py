"""How values are written: the display form (language.md §8, builtins.md §1), the debug form `D`
of error messages (diagnostics.md §4.2) and numbers inside messages (diagnostics.md §4.3)."""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
from typing import Any

from .values import Closure, Err, FnRef, Ok, Record

_TWO_63 = 9223372036854775808.0


def _positional(x: float) -> str:
    """Shortest round-trip digits written positionally (never an exponent)."""
    # The reference rounds an exact tie between two shortest candidates up in magnitude where
    # repr() rounds to even; the difference only shows on such ties (builtins.md §1).
    s = format(Decimal(repr(x)), "f")
    return s


def display_num(x: float) -> str:
    """Display form of a number: integral values exactly, others in shortest positional digits."""
    if x != x:
        return "NaN"
    if x == math.inf:
        return "inf"
    if x == -math.inf:
        return "-inf"
    if x == int(x) and -_TWO_63 <= x <= _TWO_63:
        if x == _TWO_63:
            return "9223372036854775807"
        return str(int(x))
    return _positional(x)


def message_num(x: float) -> str:
    """A number inside a message (`<n>`): shortest digits, positional, no `.0`; `-0` kept."""
    if x != x:
        return "NaN"
    if x == math.inf:
        return "inf"
    if x == -math.inf:
        return "-inf"
    s = _positional(x)
    if s.endswith(".0"):
        s = s[:-2]
    return s


def str_num(x: float) -> str:
    """`str x`: the integer shortcut only below 1e15, else shortest positional digits."""
    if x != x:
        return "NaN"
    if x == math.inf:
        return "inf"
    if x == -math.inf:
        return "-inf"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return message_num(x)


def debug_num(x: float) -> str:
    """`Number(x)` digits (diagnostics.md §4.4): like Rust's `{:?}` for f64."""
    if x != x:
        return "NaN"
    if x == math.inf:
        return "inf"
    if x == -math.inf:
        return "-inf"
    r = repr(x)
    if "e" in r:
        mant, exp = r.split("e")
        sign = "-" if exp.startswith("-") else ""
        return f"{mant}e{sign}{exp.lstrip('+-').lstrip('0') or '0'}"
    return r


def display(v: Any) -> str:
    """The display form of a value (what `prnt` writes)."""
    t = type(v)
    if t is float:
        return display_num(v)
    if t is str:
        return v
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "nil"
    if t is list:
        return "[" + ", ".join(display(x) for x in v) + "]"
    if t is dict:
        return "{" + "; ".join(f"{display_key(k)}: {display(x)}" for k, x in sorted_items(v)) + "}"
    if t is Record:
        inner = ", ".join(f"{k}: {display(x)}" for k, x in v.fields.items())
        return f"{v.type_name} {{{inner}}}"
    if t is Ok:
        return "~" + display(v.value)
    if t is Err:
        return "^" + display(v.value)
    if t is FnRef:
        return f"<fn:{v.name}>"
    if t is Closure:
        return f"<closure:{v.name}[{', '.join(display(c) for c in v.captures)}]>"
    if isinstance(v, int):  # defensive: a Python int that escaped conversion
        return str(v)
    return str(v)


def display_key(k: int | str) -> str:
    return str(k) if type(k) is int else k  # type: ignore[return-value]


def key_order(k: int | str) -> tuple[int, Any]:
    """Map key order: integer keys ascending, then text keys by code point."""
    return (0, k) if type(k) is int else (1, k)


def sorted_items(m: dict) -> list[tuple[Any, Any]]:
    return sorted(m.items(), key=lambda kv: key_order(kv[0]))


# Grapheme_Extend is approximated by the Mn/Me categories plus the few other code points
# Unicode gives that property (ZWNJ and the halfwidth katakana sound marks).
_ESCAPED_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs", "Mn", "Me"))
_GRAPHEME_EXTEND_EXTRA = frozenset("\u200c\uff9e\uff9f")


def _escape_char(c: str) -> str:
    if c == '"':
        return '\\"'
    if c == "\\":
        return "\\\\"
    if c == "\n":
        return "\\n"
    if c == "\r":
        return "\\r"
    if c == "\t":
        return "\\t"
    if c == "\0":
        return "\\0"
    if c == " ":
        return c
    if unicodedata.category(c) in _ESCAPED_CATEGORIES or c in _GRAPHEME_EXTEND_EXTRA:
        return f"\\u{{{ord(c):x}}}"
    return c


def debug_text(s: str) -> str:
    """`"…"` with the escapes of diagnostics.md §4.2."""
    return '"' + "".join(_escape_char(c) for c in s) + '"'


def debug(v: Any) -> str:
    """The debug rendering `D` used in R004/R009 messages (diagnostics.md §4.2)."""
    t = type(v)
    if t is float:
        return f"Number({debug_num(v)})"
    if t is str:
        return f"Text({debug_text(v)})"
    if t is bool:
        return "Bool(true)" if v else "Bool(false)"
    if v is None:
        return "Nil"
    if t is list:
        return "List([" + ", ".join(debug(x) for x in v) + "])"
    if t is dict:
        parts = []
        for k, x in sorted_items(v):
            kd = f"Int({k})" if type(k) is int else f"Text({debug_text(k)})"
            parts.append(f"{kd}: {debug(x)}")
        return "Map({" + ", ".join(parts) + "})"
    if t is Record:
        fields = ", ".join(f"{debug_text(k)}: {debug(x)}" for k, x in v.fields.items())
        return f'Record {{ type_name: {debug_text(v.type_name)}, fields: {{{fields}}} }}'
    if t is Ok:
        return f"Ok({debug(v.value)})"
    if t is Err:
        return f"Err({debug(v.value)})"
    if t is FnRef:
        return f"FnRef({debug_text(v.name)})"
    if t is Closure:
        caps = ", ".join(debug(c) for c in v.captures)
        return f"Closure {{ fn_name: {debug_text(v.name)}, captures: [{caps}] }}"
    return repr(v)
