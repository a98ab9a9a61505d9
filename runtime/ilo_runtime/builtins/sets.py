"""Set builtins `setunion setinter setdiff` (builtins.md §10).

Each element gets a typed key (`b:true`, `n:<display form>`, `t:<text>`); inputs are
deduplicated by key (first occurrence kept) and results ordered by plain string comparison of
the keys, so numbers come out ordered as strings (`[-1, -3, 10, 2]`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..display import display_num
from ._util import got, rt009


def _typed_key(op: str, x: Any) -> str:
    t = type(x)
    if t is str:
        return "t:" + x
    if t is float:
        return "n:" + display_num(x)
    if t is bool:
        return "b:true" if x else "b:false"
    raise rt009(f"{op}: elements must be text, number, or bool, {got(x)}")


def _keyed(op: str, xs: Any, position: int) -> dict[str, Any]:
    if type(xs) is not list:
        raise rt009(f"{op} arg {position} requires a list, {got(xs)}")
    out: dict[str, Any] = {}
    for x in xs:
        out.setdefault(_typed_key(op, x), x)
    return out


def _ordered(entries: dict[str, Any]) -> list:
    return [entries[k] for k in sorted(entries)]


def setunion(a: Any, b: Any) -> list:
    """`setunion a b`: elements of either (a's representative preferred)."""
    ka = _keyed("setunion", a, 1)
    kb = _keyed("setunion", b, 2)
    for k, v in kb.items():
        ka.setdefault(k, v)
    return _ordered(ka)


def setinter(a: Any, b: Any) -> list:
    """`setinter a b`: elements of both."""
    ka = _keyed("setinter", a, 1)
    kb = _keyed("setinter", b, 2)
    return _ordered({k: v for k, v in ka.items() if k in kb})


def setdiff(a: Any, b: Any) -> list:
    """`setdiff a b`: elements of `a` not in `b`."""
    ka = _keyed("setdiff", a, 1)
    kb = _keyed("setdiff", b, 2)
    return _ordered({k: v for k, v in ka.items() if k not in kb})


BUILTINS: dict[str, Callable[..., Any]] = {
    "setunion": setunion,
    "setinter": setinter,
    "setdiff": setdiff,
}
