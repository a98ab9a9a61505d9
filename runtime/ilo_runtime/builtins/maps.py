"""Map builtins (builtins.md §7). Maps are immutable: `mset`/`mdel` return new dicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._util import rt009
from .keys import key_value, map_key, sorted_keys


def mmap() -> dict:
    """`mmap`: the empty map."""
    return {}


def mget(m: Any, k: Any) -> Any:
    """`mget m k`: the value, or nil when absent."""
    if type(m) is not dict:
        raise rt009("mget: expects map and key")
    return m.get(map_key("mget", k))


def mset(m: Any, k: Any, v: Any) -> dict:
    """`mset m k v`: a copy with `k` bound to `v`."""
    if type(m) is not dict:
        raise rt009("mset: expects map, key, and value")
    out = dict(m)
    out[map_key("mset", k)] = v
    return out


def mhas(m: Any, k: Any) -> bool:
    """`mhas m k`: key present."""
    if type(m) is not dict:
        raise rt009("mhas: expects map and key")
    return map_key("mhas", k) in m


def mdel(m: Any, k: Any) -> dict:
    """`mdel m k`: a copy without `k`."""
    if type(m) is not dict:
        raise rt009("mdel: expects map and key")
    key = map_key("mdel", k)
    out = dict(m)
    out.pop(key, None)
    return out


def mkeys(m: Any) -> list:
    """`mkeys m`: keys in key order (number keys as numbers)."""
    if type(m) is not dict:
        raise rt009("mkeys: expects a map")
    return [key_value(k) for k in sorted_keys(m)]


def mvals(m: Any) -> list:
    """`mvals m`: values in key order."""
    if type(m) is not dict:
        raise rt009("mvals: expects a map")
    return [m[k] for k in sorted_keys(m)]


BUILTINS: dict[str, Callable[..., Any]] = {
    "mmap": mmap,
    "mget": mget,
    "mset": mset,
    "mhas": mhas,
    "mdel": mdel,
    "mkeys": mkeys,
    "mvals": mvals,
}
