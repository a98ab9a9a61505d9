"""Static types of ilo (language.md §3).

Types are immutable, hashable dataclasses. `render_type` writes a type the way diagnostics
print it (diagnostics.md §4.1): no parentheses, `_` for unknown/any/type variables/nil.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Type:
    """Base class of every static type."""


@dataclass(frozen=True)
class TNum(Type):
    """`n`: a 64-bit float."""


@dataclass(frozen=True)
class TText(Type):
    """`t`: text."""


@dataclass(frozen=True)
class TBool(Type):
    """`b`: bool."""


@dataclass(frozen=True)
class TAny(Type):
    """`_`: any value, unchecked. Also the type of an expression whose check failed."""


@dataclass(frozen=True)
class TNil(Type):
    """The type of `nil` (shown `_`); compatible with `O T`."""


@dataclass(frozen=True)
class TList(Type):
    elem: Type


@dataclass(frozen=True)
class TMap(Type):
    key: Type
    value: Type


@dataclass(frozen=True)
class TResult(Type):
    ok: Type
    err: Type


@dataclass(frozen=True)
class TOpt(Type):
    inner: Type


@dataclass(frozen=True)
class TSum(Type):
    """`S a b c`: one of the named variants, a text at run time."""

    variants: tuple[str, ...]


@dataclass(frozen=True)
class TFn(Type):
    """`F A... R`: parameter types then the result type."""

    params: tuple[Type, ...]
    ret: Type


@dataclass(frozen=True)
class TNamed(Type):
    """A record type, an alias (before expansion) or a one-letter type variable."""

    name: str


NUM = TNum()
TEXT = TText()
BOOL = TBool()
ANY = TAny()
NIL = TNil()


def is_type_var(t: Type) -> bool:
    """A one-letter lowercase name other than n/t/b is a type variable (language.md §3)."""
    return isinstance(t, TNamed) and len(t.name) == 1 and t.name not in ("n", "t", "b")


def render_type(t: Type) -> str:
    """Render a type as diagnostics print it (diagnostics.md §4.1)."""
    if isinstance(t, TNum):
        return "n"
    if isinstance(t, TText):
        return "t"
    if isinstance(t, TBool):
        return "b"
    if isinstance(t, (TAny, TNil)):
        return "_"
    if isinstance(t, TList):
        return f"L {render_type(t.elem)}"
    if isinstance(t, TMap):
        return f"M {render_type(t.key)} {render_type(t.value)}"
    if isinstance(t, TResult):
        return f"R {render_type(t.ok)} {render_type(t.err)}"
    if isinstance(t, TOpt):
        return f"O {render_type(t.inner)}"
    if isinstance(t, TSum):
        return "S " + " ".join(t.variants)
    if isinstance(t, TFn):
        return "F " + " ".join(render_type(p) for p in (*t.params, t.ret))
    if isinstance(t, TNamed):
        return "_" if is_type_var(t) else t.name
    raise TypeError(f"not a type: {t!r}")
