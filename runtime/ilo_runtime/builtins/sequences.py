"""Builtins on lists and texts alike (builtins.md §3), and the stable sorts they share with the
key-sorting HOFs (§6.3, §13).

`len` counts UTF-8 bytes of a text; every other builtin here counts code points, which is what
Python's `str` indexing does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..display import debug
from ._util import MISSING, floor_i64, got, rt009, strict_int
from .keys import struct_eq


def _need_seq(name: str, x: Any) -> None:
    if type(x) is not list and type(x) is not str:
        raise rt009(f"{name} requires a list or text, {got(x)}")


def len_(*args: Any) -> float:
    """`len x`: list elements, map entries, or UTF-8 bytes of a text."""
    if len(args) != 1:
        raise rt009(f"len: expected 1 arg, got {len(args)}")
    x = args[0]
    t = type(x)
    if t is str:
        return float(len(x.encode("utf-8", "surrogatepass")))
    if t is list or t is dict:
        return float(len(x))
    raise rt009(f"len requires string, list, or map, {got(x)}")


def hd(x: Any) -> Any:
    """`hd x`: first element or first character."""
    _need_seq("hd", x)
    if not x:
        raise rt009("hd: empty list" if type(x) is list else "hd: empty text")
    return x[0]


def tl(x: Any) -> Any:
    """`tl x`: all but the first element or character."""
    _need_seq("tl", x)
    if not x:
        raise rt009("tl: empty list" if type(x) is list else "tl: empty text")
    return x[1:]


def at(x: Any, i: Any) -> Any:
    """`at x i`: 0-based, index floored, negative from the end."""
    _need_seq("at", x)
    if type(i) is not float:
        raise rt009(f"at: index must be a number, {got(i)}")
    idx = floor_i64(i)
    n = len(x)
    pos = idx + n if idx < 0 else idx
    if pos < 0 or pos >= n:
        kind = "list" if type(x) is list else "text"
        raise rt009(f"at: index {idx} out of range for {kind} of length {n}")
    return x[pos]


def slc(x: Any, a: Any, b: Any) -> Any:
    """`slc x a b`: Python slicing with integral bounds (never a range error)."""
    _need_seq("slc", x)
    start = strict_int(a)
    if start is None:
        raise rt009("slc: start index must be an integer")
    end = strict_int(b)
    if end is None:
        raise rt009("slc: end index must be an integer")
    return x[start:end]


def take(k: Any, x: Any) -> Any:
    """`take k x`: `x[:k]`."""
    _need_seq("take", x)
    n = strict_int(k)
    if n is None:
        raise rt009("take: count must be an integer")
    return x[:n]


def drop(k: Any, x: Any) -> Any:
    """`drop k x`: `x[k:]`."""
    _need_seq("drop", x)
    n = strict_int(k)
    if n is None:
        raise rt009("drop: count must be an integer")
    return x[n:]


def rev(x: Any) -> Any:
    """`rev x`: reversed elements or code points."""
    _need_seq("rev", x)
    return x[::-1]


# ---- sorting -------------------------------------------------------------------------------


def merge_sort(items: list, less: Callable[[Any, Any], bool]) -> list:
    """Stable top-down merge sort using only `less` (builtins.md §13 recommends exactly this for
    comparators that are not a total order, such as NaN comparing equal to every number)."""
    n = len(items)
    if n <= 1:
        return list(items)
    mid = n // 2
    left = merge_sort(items[:mid], less)
    right = merge_sort(items[mid:], less)
    out: list = []
    i = j = 0
    while i < len(left) and j < len(right):
        if less(right[j], left[i]):
            out.append(right[j])
            j += 1
        else:
            out.append(left[i])
            i += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out


def _num_less(a: float, b: float) -> bool:
    return a < b  # NaN compares equal to everything: both directions are False


def _num_greater(a: float, b: float) -> bool:
    return a > b


def sort_values(name: str, xs: list, descending: bool) -> list:
    """1-argument `srt`/`rsrt` of a list: all numbers or all texts."""
    if not xs:
        return []
    if all(type(x) is float for x in xs):
        if any(x != x for x in xs):
            return merge_sort(xs, _num_greater if descending else _num_less)
        return sorted(xs, reverse=descending)  # reverse=True keeps ties in input order
    if all(type(x) is str for x in xs):
        return sorted(xs, reverse=descending)
    raise rt009(f"{name}: list must contain all numbers or all text")


def key_less(a: Any, b: Any) -> bool:
    """Key comparator of the key sorts: numbers numerically, texts by code point, any other
    pair compares equal."""
    ta, tb = type(a), type(b)
    if ta is float and tb is float:
        return a < b
    if ta is str and tb is str:
        return a < b
    return False


def sort_by_keys(items: list, keys: list, descending: bool) -> list:
    """Stable sort of `items` by precomputed `keys` (ascending, or with reversed comparator)."""
    order = list(range(len(items)))
    if all(type(k) is float and k == k for k in keys) or all(type(k) is str for k in keys):
        order.sort(key=keys.__getitem__, reverse=descending)
    elif descending:
        order = merge_sort(order, lambda i, j: key_less(keys[j], keys[i]))
    else:
        order = merge_sort(order, lambda i, j: key_less(keys[i], keys[j]))
    return [items[i] for i in order]


def _plain_sort(name: str, x: Any, descending: bool) -> Any:
    if type(x) is str:
        return "".join(sorted(x, reverse=descending))
    if type(x) is not list:
        raise rt009(f"{name} requires a list or text, {got(x)}")
    return sort_values(name, x, descending)


def srt(a: Any, b: Any = MISSING, c: Any = MISSING) -> Any:
    """`srt x`, `srt f xs`, `srt f c xs`."""
    if b is MISSING:
        return _plain_sort("srt", a, False)
    from .hof import key_sort  # the key forms call back into user code

    return key_sort("srt", a, b, c, False)


def rsrt(a: Any, b: Any = MISSING, c: Any = MISSING) -> Any:
    """`rsrt x`, `rsrt f xs`, `rsrt f c xs` (descending, ties keep input order)."""
    if b is MISSING:
        return _plain_sort("rsrt", a, True)
    from .hof import key_sort

    return key_sort("rsrt", a, b, c, True)


def unq(x: Any) -> Any:
    """`unq x`: first occurrences kept. List items are told apart by their debug rendering, so
    structure matters, `0`/`-0` differ and all NaNs coincide."""
    _need_seq("unq", x)
    if type(x) is str:
        return "".join(dict.fromkeys(x))
    seen: set[str] = set()
    out = []
    for v in x:
        k = debug(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def has(x: Any, v: Any) -> bool:
    """`has x v`: list membership by structural equality, or substring test on a text."""
    if type(x) is list:
        return any(struct_eq(e, v) for e in x)
    if type(x) is str:
        if type(v) is not str:
            raise rt009(f"has: text search requires text needle, {got(v)}")
        return v in x
    raise rt009(f"has requires a list or text, {got(x)}")


BUILTINS: dict[str, Callable[..., Any]] = {
    "len": len_,
    "hd": hd,
    "tl": tl,
    "at": at,
    "slc": slc,
    "take": take,
    "drop": drop,
    "rev": rev,
    "srt": srt,
    "rsrt": rsrt,
    "unq": unq,
    "has": has,
}

