"""Builtin names and arities as the parser and verifier see them (builtins.md §19, §21,
language.md §2.5). The semantics live in `ilo_runtime.builtins`; this module only knows names.
"""

from __future__ import annotations

from ilo_runtime.builtins import BUILTIN_ARITIES as RUNTIME_ARITIES
from ilo_runtime.builtins import VARIADIC_MIN as RUNTIME_VARIADIC_MIN

# Accepted argument counts per builtin (builtins.md §21): the runtime's table, plus the HTTP
# builtins, which the verifier knows but nothing runs (builtins.md §20).
ACCEPTED_ARITIES: dict[str, tuple[int, ...]] = {
    **RUNTIME_ARITIES,
    "get": (1, 2),
    "post": (2, 3),
    "get-many": (1,),
}
VARIADIC_MIN: dict[str, int] = dict(RUNTIME_VARIADIC_MIN)

BUILTIN_NAMES: frozenset[str] = frozenset(ACCEPTED_ARITIES) | frozenset(VARIADIC_MIN)

# HTTP builtins: parsed and verified, never run (builtins.md §20).
EXCLUDED_BUILTINS: frozenset[str] = frozenset({"get", "post", "get-many"})

# Parser arity table (language.md §2.5): drives nested-call expansion.
PARSER_ARITY: dict[str, int] = {}
for _name in (
    "str num abs flr cel rou sqrt log exp sin cos sum avg len hd tl rev unq flat frq prnt trm upr "
    "lwr cap ord chr chars jdmp jpar mkeys mvals"
).split():
    PARSER_ARITY[_name] = 1
for _name in "min max mod pow at has spl cat wr wrl jpth rgx rgxall rgxall1 mget mhas mdel".split():
    PARSER_ARITY[_name] = 2
for _name in "slc rgxsub mset".split():
    PARSER_ARITY[_name] = 3
for _name in "srt rsrt map flt ct grp uniqby partition flatmap mapr".split():
    PARSER_ARITY[_name] = 2
PARSER_ARITY["fld"] = 3

# Builtins whose argument slot 0 holds a function (kept as a bare name, never expanded).
FN_SLOT0: frozenset[str] = frozenset(
    "srt rsrt map flt ct grp uniqby partition flatmap mapr fld".split()
)

# Long-form aliases (builtins.md §19): alias -> short name. Resolved in call position only.
LONG_ALIASES: dict[str, str] = {
    "average": "avg",
    "concat": "cat",
    "ceil": "cel",
    "flatten": "flat",
    "fold": "fld",
    "floor": "flr",
    "filter": "flt",
    "format": "fmt",
    "group": "grp",
    "contains": "has",
    "head": "hd",
    "length": "len",
    "lset": "lst",
    "number": "num",
    "print": "prnt",
    "read": "rd",
    "readbuf": "rdb",
    "readlines": "rdl",
    "reverse": "rev",
    "regex": "rgx",
    "random": "rnd",
    "round": "rou",
    "slice": "slc",
    "split": "spl",
    "sort": "srt",
    "string": "str",
    "tail": "tl",
    "trim": "trm",
    "unique": "unq",
    "write": "wr",
    "writelines": "wrl",
}

# Builtins the verifier admits as bare function values (builtins.md §6.1).
VALUE_BUILTINS: frozenset[str] = frozenset(
    "abs flr cel rou min max mod sum avg median stdev variance trm upr lwr cap padl padr ord chr "
    "chars str num jdmp len".split()
)


def parser_arity(name: str) -> int | None:
    """Arity of `name` in the parser table, resolving long aliases; None if not in the table."""
    return PARSER_ARITY.get(LONG_ALIASES.get(name, name))
