"""Text builtins (builtins.md §4). Texts are Python `str`; positions count code points."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._util import got, mnum, rt009

# Unicode White_Space (what Rust's `str::trim` strips). Python's `str.strip()` also strips
# U+001C..U+001F (they are `isspace()` in Python), which ilo keeps.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _need_text(name: str, s: Any) -> str:
    if type(s) is not str:
        raise rt009(f"{name} requires text, {got(s)}")
    return s


def spl(s: Any, sep: Any) -> list[str]:
    """`spl s sep`: every piece kept; an empty separator brackets the characters with `""`."""
    if type(s) is not str or type(sep) is not str:
        raise rt009("spl requires two text args")
    if sep == "":
        # Rust's `split("")` yields an empty piece at both ends; Python's `split` rejects "".
        return ["", *s, ""]
    return s.split(sep)


def cat(xs: Any, sep: Any) -> str:
    """`cat xs sep`: join texts."""
    if type(xs) is not list or type(sep) is not str:
        raise rt009("cat requires a list and text separator")
    for x in xs:
        if type(x) is not str:
            raise rt009(f"cat: list items must be text, {got(x)}")
    return sep.join(xs)


def trm(s: Any) -> str:
    """`trm s`: strip Unicode White_Space at both ends."""
    return _need_text("trm", s).strip(WHITE_SPACE)


def upr(s: Any) -> str:
    """`upr s`: full Unicode uppercase mapping (`ß` -> `SS`)."""
    return _need_text("upr", s).upper()


def lwr(s: Any) -> str:
    """`lwr s`: full Unicode lowercase mapping, final sigma included."""
    return _need_text("lwr", s).lower()


def cap(s: Any) -> str:
    """`cap s`: uppercase the first code point (may expand), rest unchanged."""
    s = _need_text("cap", s)
    return s[:1].upper() + s[1:]


def ord_(s: Any) -> float:
    """`ord s`: code point of the first character."""
    s = _need_text("ord", s)
    if not s:
        raise rt009("ord requires a non-empty string")
    return float(ord(s[0]))


def chr_(n: Any) -> str:
    """`chr n`: one-character text for a Unicode scalar value."""
    if type(n) is not float:
        raise rt009(f"chr requires number, {got(n)}")
    if not (0.0 <= n <= 4294967295.0) or n != int(n):
        raise rt009(f"chr requires a non-negative integer codepoint, got {mnum(n)}")
    cp = int(n)
    if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
        raise rt009(f"chr: {cp} is not a valid Unicode codepoint")
    return chr(cp)


def chars(s: Any) -> list[str]:
    """`chars s`: one text per code point."""
    return list(_need_text("chars", s))


BUILTINS: dict[str, Callable[..., Any]] = {
    "spl": spl,
    "cat": cat,
    "trm": trm,
    "upr": upr,
    "lwr": lwr,
    "cap": cap,
    "ord": ord_,
    "chr": chr_,
    "chars": chars,
}
