"""The ilo value model, shared by every tier and by the Python boundary (design.md §4).

Representation (chosen so that most values cross into Python unchanged):

| ilo            | Python                                                         |
|----------------|----------------------------------------------------------------|
| number         | `float` (always a float, never an int or bool)                  |
| text           | `str`                                                          |
| bool           | `bool`                                                         |
| nil            | `None`                                                         |
| list           | `list` (never mutated once built: ilo values are immutable)      |
| map            | `dict` with `str` (text) or `int` (number) keys, never mutated  |
| record         | `Record`                                                       |
| ok / err       | `Ok` / `Err`                                                   |
| function value | `FnRef` / `Closure` (callable from Python)                      |

Because `bool` is a subclass of `int` in Python, code that tests for numbers uses
`type(x) is float`, never `isinstance(x, (int, float))`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Record:
    """A record value: type name plus fields in declaration (or JSON parse) order.

    Python sees fields as attributes; `==` compares type and fields (inside ilo, `=` on records is
    always false, which the operators implement themselves).
    """

    __slots__ = ("type_name", "fields")

    def __init__(self, type_name: str, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "type_name", type_name)
        object.__setattr__(self, "fields", fields)

    def __getattr__(self, name: str) -> Any:
        fields = object.__getattribute__(self, "fields")
        if name in fields:
            return fields[name]
        alt = name.replace("_", "-")
        if alt in fields:
            return fields[alt]
        raise AttributeError(f"record '{self.type_name}' has no field '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ilo records are immutable; use `with` in ilo or a new record")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Record)
            and other.type_name == self.type_name
            and other.fields == self.fields
        )

    def __hash__(self) -> int:
        return hash(self.type_name)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k.replace('-', '_')}={v!r}" for k, v in self.fields.items())
        return f"{self.type_name}({inner})"

    def __dir__(self) -> list[str]:
        return [k.replace("-", "_") for k in self.fields]


class Ok:
    """An ok result `~v`."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return type(other) is Ok and other.value == self.value

    def __hash__(self) -> int:
        return hash(("ok", repr(self.value)))

    def __repr__(self) -> str:
        return f"Ok({self.value!r})"


class Err:
    """An err result `^e`."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return type(other) is Err and other.value == self.value

    def __hash__(self) -> int:
        return hash(("err", repr(self.value)))

    def __repr__(self) -> str:
        return f"Err({self.value!r})"


class FnRef:
    """A function value: a user function, a lifted lambda without captures, or a builtin.

    `fn` is the Python callable that runs it in the current tier.
    """

    __slots__ = ("name", "fn", "arity")

    def __init__(self, name: str, fn: Callable[..., Any], arity: int | None = None) -> None:
        self.name = name
        self.fn = fn
        # Declared parameter count of a user function or lambda; None for builtins.
        self.arity = arity

    def __call__(self, *args: Any) -> Any:
        if self.arity is not None and len(args) != self.arity:
            raise _arity_error(self.name, self.arity, len(args))
        return self.fn(*args)

    def __eq__(self, other: object) -> bool:
        return type(other) is FnRef and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"<fn:{self.name}>"


class Closure:
    """A lambda with captured values; captures are passed after the call's own arguments."""

    __slots__ = ("name", "fn", "captures", "arity")

    def __init__(
        self, name: str, fn: Callable[..., Any], captures: tuple[Any, ...], arity: int
    ) -> None:
        self.name = name
        self.fn = fn
        self.captures = captures
        self.arity = arity  # declared parameters, captures excluded

    def __call__(self, *args: Any) -> Any:
        if len(args) != self.arity:
            raise _arity_error(self.name, self.arity, len(args))
        return self.fn(*args, *self.captures)

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is Closure and other.name == self.name and other.captures == self.captures
        )

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"<closure:{self.name}>"


def _arity_error(name: str, expected: int, got: int) -> Exception:
    from .errors import IloRuntimeError

    return IloRuntimeError("ILO-R004", f"{name}: expected {expected} args, got {got}")


def is_num(x: object) -> bool:
    """True for ilo numbers (Python floats; bools are not numbers)."""
    return type(x) is float


def is_callable_value(x: object) -> bool:
    return type(x) is FnRef or type(x) is Closure


def truthy(x: object) -> bool:
    """ilo truthiness: false, nil, 0, -0, "" and [] are falsy; everything else is truthy
    (NaN, maps including the empty map, records, results, functions)."""
    if x is None or x is False:
        return False
    t = type(x)
    if t is float:
        return x != 0.0
    if t is str or t is list:
        return len(x) > 0  # type: ignore[arg-type]
    return True
