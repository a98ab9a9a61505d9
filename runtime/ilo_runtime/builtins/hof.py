"""Higher-order builtins (builtins.md §6).

Callbacks run once per element, left to right; an error inside a callback aborts the builtin.
The ctx-arg form passes one extra value after the element: `map f c xs` calls `f(x, c)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..display import display_num
from ..values import Err, Ok
from ._util import MISSING, got, rt009
from .callables import resolve_callable
from .keys import number_key
from .sequences import sort_by_keys


def _need_list(name: str, xs: Any, wording: str = "list arg must be a list") -> list:
    if type(xs) is not list:
        raise rt009(f"{name}: {wording}, {got(xs)}")
    return xs


def _unary(f: Callable[..., Any], ctx: Any) -> Callable[[Any], Any]:
    if ctx is MISSING:
        return f
    return lambda x: f(x, ctx)


def map_(f: Any, a: Any, b: Any = MISSING) -> list:
    """`map f xs` / `map f c xs`."""
    fn = resolve_callable(f, "map")
    xs, ctx = (a, MISSING) if b is MISSING else (b, a)
    call = _unary(fn, ctx)
    return [call(x) for x in _need_list("map", xs)]


def _predicate(name: str, call: Callable[[Any], Any], x: Any) -> bool:
    r = call(x)
    if type(r) is not bool:
        raise rt009(f"{name}: predicate must return bool, {got(r)}")
    return r


def flt(f: Any, a: Any, b: Any = MISSING) -> list:
    """`flt f xs` / `flt f c xs`: keep items whose predicate returns `true` (a real bool)."""
    fn = resolve_callable(f, "flt")
    xs, ctx = (a, MISSING) if b is MISSING else (b, a)
    call = _unary(fn, ctx)
    return [x for x in _need_list("flt", xs) if _predicate("flt", call, x)]


def ct(f: Any, a: Any, b: Any = MISSING) -> float:
    """`ct f xs` / `ct f c xs`: number of items whose predicate returns `true`."""
    fn = resolve_callable(f, "ct")
    xs, ctx = (a, MISSING) if b is MISSING else (b, a)
    call = _unary(fn, ctx)
    count = 0.0
    for x in _need_list("ct", xs):
        if _predicate("ct", call, x):
            count += 1.0
    return count


def fld(f: Any, a: Any, b: Any, c: Any = MISSING) -> Any:
    """`fld f xs init` / `fld f c xs init`: left fold, `f(acc, x[, c])`."""
    fn = resolve_callable(f, "fld")
    if c is MISSING:
        xs, init, ctx = a, b, MISSING
    else:
        ctx, xs, init = a, b, c
    acc = init
    if ctx is MISSING:
        for x in _need_list("fld", xs):
            acc = fn(acc, x)
    else:
        for x in _need_list("fld", xs):
            acc = fn(acc, x, ctx)
    return acc


def key_sort(name: str, f: Any, b: Any, c: Any, descending: bool) -> list:
    """`srt f xs` / `srt f c xs` (and `rsrt`): keys computed first, in order, then a stable
    sort by key (numbers numerically, texts by code point, other pairs equal)."""
    fn = resolve_callable(f, name)
    xs, ctx = (b, MISSING) if c is MISSING else (c, b)
    call = _unary(fn, ctx)
    items = _need_list(name, xs)
    keys = [call(x) for x in items]
    return sort_by_keys(items, keys, descending)


def _group_key(name: str, k: Any) -> int | str:
    t = type(k)
    if t is str:
        return k
    if t is float:
        return number_key(name, k)
    if t is bool:
        return "true" if k else "false"
    raise rt009(f"{name}: key function must return a string, number, or bool, {got(k)}")


def grp(f: Any, xs: Any) -> dict:
    """`grp f xs`: map from key to the items with that key, in input order."""
    fn = resolve_callable(f, "grp")
    groups: dict[int | str, list] = {}
    for x in _need_list("grp", xs, "second arg must be a list"):
        groups.setdefault(_group_key("grp", fn(x)), []).append(x)
    return groups


def uniqby(f: Any, xs: Any) -> list:
    """`uniqby f xs`: the first item per distinct key; number keys compare by display form."""
    fn = resolve_callable(f, "uniqby")
    seen: set[tuple[str, str]] = set()
    out = []
    for x in _need_list("uniqby", xs, "second arg must be a list"):
        k = fn(x)
        t = type(k)
        if t is str:
            tag = ("t", k)
        elif t is float:
            tag = ("n", display_num(k))
        elif t is bool:
            tag = ("b", "true" if k else "false")
        else:
            raise rt009(f"uniqby: key function must return a string, number, or bool, {got(k)}")
        if tag not in seen:
            seen.add(tag)
            out.append(x)
    return out


def partition(f: Any, xs: Any) -> list[list]:
    """`partition f xs`: `[passing, failing]`, both in input order."""
    fn = resolve_callable(f, "partition")
    yes: list = []
    no: list = []
    for x in _need_list("partition", xs, "second arg must be a list"):
        (yes if _predicate("partition", fn, x) else no).append(x)
    return [yes, no]


def flatmap(f: Any, xs: Any) -> list:
    """`flatmap f xs`: concatenation of the callback's lists."""
    fn = resolve_callable(f, "flatmap")
    out: list = []
    for x in _need_list("flatmap", xs, "second arg must be a list"):
        r = fn(x)
        if type(r) is not list:
            raise rt009(f"flatmap: function must return a list, {got(r)}")
        out.extend(r)
    return out


def mapr(f: Any, xs: Any) -> Ok | Err:
    """`mapr f xs`: `~[v0, ...]`, or the first `^e` the callback returns (stops there)."""
    fn = resolve_callable(f, "mapr")
    out: list = []
    for x in _need_list("mapr", xs, "second arg must be a list"):
        r = fn(x)
        if type(r) is Ok:
            out.append(r.value)
        elif type(r) is Err:
            return r
        else:
            raise rt009(f"mapr: fn must return a Result (~v or ^e), {got(r)}")
    return Ok(out)


BUILTINS: dict[str, Callable[..., Any]] = {
    "map": map_,
    "flt": flt,
    "ct": ct,
    "fld": fld,
    "grp": grp,
    "uniqby": uniqby,
    "partition": partition,
    "flatmap": flatmap,
    "mapr": mapr,
}
