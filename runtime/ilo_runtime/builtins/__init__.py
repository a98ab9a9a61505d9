"""The ilo builtin library in pure Python (builtins.md; HTTP, tools, MCP and `serv` excluded).

`BUILTINS` maps every short builtin name (`"len"`, `"map"`, `"mget"`, ...) to its implementation.
Each implementation takes ilo values positionally, in ilo argument order, and returns an ilo
value (values.py); overloads by arity are Python defaults. Errors are `IloRuntimeError` with the
exact code and message of the spec. Long aliases (`length`, `fold`, ...) are resolved by the
front end, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import (
    convert,
    datetime_,
    fft,
    files,
    hof,
    json_,
    linalg,
    lists,
    maps,
    math,
    printing,
    random_,
    regex,
    sequences,
    sets,
    stats,
    text,
)

# Which module implements each builtin; also the "group" column of docs/builtins.md.
GROUPS: dict[str, str] = {}
BUILTINS: dict[str, Callable[..., Any]] = {}

for _group, _module in (
    ("math", math),
    ("sequences", sequences),
    ("text", text),
    ("lists", lists),
    ("hof", hof),
    ("maps", maps),
    ("convert", convert),
    ("json", json_),
    ("stats", stats),
    ("sets", sets),
    ("linalg", linalg),
    ("fft", fft),
    ("regex", regex),
    ("datetime", datetime_),
    ("random", random_),
    ("files", files),
    ("printing", printing),
):
    for _name, _fn in _module.BUILTINS.items():
        BUILTINS[_name] = _fn
        GROUPS[_name] = _group

# Accepted argument counts (builtins.md §21); `fmt` is variadic with a minimum.
BUILTIN_ARITIES: dict[str, tuple[int, ...]] = {}


def _accept(arities: tuple[int, ...], names: str) -> None:
    for name in names.split():
        BUILTIN_ARITIES[name] = arities


_accept((0,), "mmap now")
_accept(
    (1,),
    "abs flr cel rou sqrt log exp sin cos str num len hd tl rev unq flat frq sum avg trm upr lwr "
    "cap ord chr chars jdmp jpar prnt mkeys mvals tan log10 log2 asin acos atan median stdev "
    "variance cumsum enumerate fft ifft transpose inv det rdl rdjl env sleep",
)
_accept(
    (2,),
    "at has spl cat mod pow rgx rgxall rgxall1 jpth mget mhas mdel wrl grp uniqby partition "
    "flatmap mapr atan2 quantile take drop zip range window chunks setunion setinter setdiff "
    "matmul dot solve dtfmt dtparse rndn rdb fmt2",
)
_accept((3,), "slc rgxsub mset lst clamp")
_accept((1, 2), "min max rd")
_accept((1, 2, 3), "srt rsrt")
_accept((2, 3), "map flt ct wr padl padr")
_accept((3, 4), "fld")
_accept((0, 2), "rnd")
VARIADIC_MIN: dict[str, int] = {"fmt": 1}

from .callables import builtin_value, resolve_callable, set_function_table  # noqa: E402

__all__ = [
    "BUILTINS",
    "BUILTIN_ARITIES",
    "GROUPS",
    "VARIADIC_MIN",
    "builtin_value",
    "resolve_callable",
    "set_function_table",
]
