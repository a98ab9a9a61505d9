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


def choose_entry(
    program: A.Program, args: list[str], is_file: bool
) -> tuple[str | None, list[Any], str | None]:
    """Pick the entry function and convert arguments (language.md §9.2).

    Returns (entry name or None, converted args, special) where special is None, "ast",
    "no-such:<name>", "multiple" or "no-functions".
    """
    fns = program.functions()
    names = [f.name for f in fns]
    by_name = {f.name: f for f in fns}
    if args:
        first = args[0]
        if first in by_name:
            return first, typed_args(by_name[first], args[1:]), None
        if is_file and len(fns) > 1 and identifier_shaped(first):
            return None, [], "no-such:" + first
        if not fns:
            return None, [], "no-functions"
        if is_file and "main" in by_name:
            return "main", typed_args(by_name["main"], args), None
        return names[0], [convert_untyped(a) for a in args], None
    if len(fns) == 1:
        return names[0], [], None
    if "main" in by_name:
        return "main", [], None
    if not fns:
        return None, [], "ast"
    return None, [], "multiple" if is_file else "ast"


def typed_args(fn: A.FnDecl, args: list[str]) -> list[Any]:
    """Arguments converted by `fn`'s parameter types (extra ones untyped)."""
    out = []
    for i, a in enumerate(args):
        out.append(convert_typed(a, fn.params[i]) if i < len(fn.params) else convert_untyped(a))
    return out
