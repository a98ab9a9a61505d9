"""Command-line argument conversion and entry-function choice (language.md §9.2, §9.3)."""

from __future__ import annotations

import math
import re
from typing import Any

from .frontend import ast as A
from .frontend.types import TList, TText

_FLOAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_IDENT_SHAPED = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def split_list(inner: str) -> list[str]:
    """Split at commas outside nested brackets (quotes are not respected)."""
    parts, depth, cur = [], 0, []
    for c in inner:
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return parts


def convert_untyped(s: str) -> Any:
    """The untyped rules of language.md §9.3, first match wins."""
    if s.startswith("[") and s.endswith("]"):
        inner = s[1:-1].strip()
        if not inner:
            return []
        return [convert_untyped(p.strip()) for p in split_list(inner)]
    if len(s) >= 2 and s.startswith('"') and s.endswith('"'):
        return s[1:-1]
    if "," in s:
        return [convert_untyped(p.strip()) for p in split_list(s)]
    if s == "nil":
        return None
    if _FLOAT.fullmatch(s):
        x = float(s)
        if math.isfinite(x):
            return x
    if s == "true":
        return True
    if s == "false":
        return False
    return s


def convert_typed(s: str, param: A.Param) -> Any:
    """Typed conversion: a parameter written literally `t` takes the raw text (one pair of
    surrounding quotes stripped); an `L` parameter given a non-list gets a one-element list."""
    if isinstance(param.type, TText):
        if len(s) >= 2 and s.startswith('"') and s.endswith('"'):
            return s[1:-1]
        return s
    value = convert_untyped(s)
    if isinstance(param.type, TList) and type(value) is not list:
        return [value]
    return value


def identifier_shaped(s: str) -> bool:
    return (
        bool(_IDENT_SHAPED.fullmatch(s))
        and not s.endswith("-")
        and "--" not in s
        and s not in ("true", "false", "nil")
    )
