"""Conversion and formatting builtins: `str num fmt fmt2 padl padr` (builtins.md §8.1, §8.2)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from ..display import debug, debug_text, display, str_num
from ..values import Err, Ok
from ._util import MISSING, got, mnum, rt009, strict_int

# Rust's `f64::from_str`: ASCII digits only (Python's `float` also takes other Unicode digits,
# surrounding whitespace and `_` separators, all of which ilo rejects).
_NUMBER = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))"
)


def str_(*args: Any) -> str:
    """`str x`: a number as text (integer shortcut below 1e15)."""
    if len(args) != 1:
        raise rt009(f"str: expected 1 arg, got {len(args)}")
    x = args[0]
    if type(x) is not float:
        raise rt009(f"str requires a number, {got(x)}")
    return str_num(x)


def parse_number(s: str) -> float | None:
    """The whole text as an f64 the way Rust parses it, or None."""
    if _NUMBER.fullmatch(s) is None:
        return None
    return float(s)  # correctly rounded like Rust; "1e400" -> inf, "1e-400" -> 0


def num(*args: Any) -> Ok | Err:
    """`num s`: `~n`, or `^s` with the original text."""
    if len(args) != 1:
        raise rt009(f"num: expected 1 arg, got {len(args)}")
    s = args[0]
    if type(s) is not str:
        raise rt009(f"num requires text, {got(s)}")
    x = parse_number(s)
    return Err(s) if x is None else Ok(x)


_FMT_HINT = (
    " For decimal precision use `fmt \"...{}\" (fmt2 v 2)`; for width / padding use "
    "`padl (str n) 6` (space-pad)."
)


def fmt(tmpl: Any, *args: Any) -> str:
    """`fmt tmpl a...`: each `{}` takes the display form of the next argument."""
    if type(tmpl) is not str:
        raise rt009(f"fmt first arg must be text template, {got(tmpl)}")
    bad = tmpl.find("{:")
    if bad >= 0:
        close = tmpl.find("}", bad)
        quoted = tmpl[bad:] if close < 0 else tmpl[bad : close + 1]
        raise rt009(f"fmt only supports bare `{{}}` placeholders, got `{quoted}`.{_FMT_HINT}")
    out: list[str] = []
    i = 0
    next_arg = 0
    n = len(tmpl)
    while i < n:
        if tmpl.startswith("{}", i) and next_arg < len(args):
            out.append(display(args[next_arg]))
            next_arg += 1
            i += 2
        else:
            out.append(tmpl[i])
            i += 1
    return "".join(out)


def fmt2(x: Any, d: Any) -> str:
    """`fmt2 x d`: fixed point with `d` decimals, half-to-even on the exact binary value."""
    if type(x) is not float or type(d) is not float:
        raise rt009("fmt2 requires two numbers (x, digits)")
    digits = 0 if not math.isfinite(d) or d <= 0 else min(math.trunc(d), 20)
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    # Python's `format` rounds the exact binary value half-to-even, as Rust's `{:.N}` does.
    return format(x, f".{digits}f")


def _pad(name: str, s: Any, w: Any, c: Any, left: bool) -> str:
    if type(s) is not str:
        raise rt009(f"{name} arg 1 requires text, {got(s)}")
    if type(w) is not float:
        raise rt009(f"{name} width must be a non-negative integer, {got(w)}")
    width = strict_int(w)
    if width is None:
        raise rt009(f"{name} width must be a non-negative integer, got {mnum(w)}")
    if width < 0:
        raise rt009(f"{name} width must be non-negative, got {mnum(w)}")
    fill = " "
    if c is not MISSING:
        if type(c) is not str or len(c) != 1:
            shown = debug_text(c) if type(c) is str else debug(c)
            raise rt009(f"{name} pad char must be a 1-character string, got {shown}")
        fill = c
    missing = width - len(s)
    if missing <= 0:
        return s
    return fill * missing + s if left else s + fill * missing


def padl(s: Any, w: Any, c: Any = MISSING) -> str:
    """`padl s w [c]`: pad on the left to `w` code points."""
    return _pad("padl", s, w, c, True)


def padr(s: Any, w: Any, c: Any = MISSING) -> str:
    """`padr s w [c]`: pad on the right to `w` code points."""
    return _pad("padr", s, w, c, False)


BUILTINS: dict[str, Callable[..., Any]] = {
    "str": str_,
    "num": num,
    "fmt": fmt,
    "fmt2": fmt2,
    "padl": padl,
    "padr": padr,
}
