"""Function values accepted by the higher-order builtins (builtins.md §6.1).

A callback is a `FnRef`/`Closure` (called directly; it checks its own arity and raises R004),
or, at run time only, a text naming a function. Names are looked up in the table the program
runner installs with `set_function_table`, then among the builtins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import IloRuntimeError
from ..values import Closure, FnRef
from ._util import got, rt009

_function_table: dict[str, Callable[..., Any]] = {}

# Builtins whose wrong-arity call is R009 `<name>: expected 1 arg, got <m>` (builtins.md §0);
# every other builtin called with an unsupported arity is R002 `undefined function: <name>`.
_ARITY_R009 = frozenset({"len", "str", "num", "abs"})


def set_function_table(table: dict[str, Callable[..., Any]]) -> None:
    """Install the user functions (ilo name -> callable) that text callbacks resolve to.

    The dict is kept by reference, so a runner may keep filling it after installing it."""
    global _function_table
    _function_table = table


def function_table() -> dict[str, Callable[..., Any]]:
    """The currently installed user-function table."""
    return _function_table


def check_builtin_arity(name: str, count: int) -> None:
    """Raise the runtime error for calling builtin `name` with `count` arguments, if unsupported."""
    from . import BUILTIN_ARITIES, VARIADIC_MIN

    minimum = VARIADIC_MIN.get(name)
    if minimum is not None:
        ok = count >= minimum
    else:
        ok = count in BUILTIN_ARITIES.get(name, ())
    if ok:
        return
    if name in _ARITY_R009:
        raise rt009(f"{name}: expected 1 arg, got {count}")
    raise IloRuntimeError("ILO-R002", f"undefined function: {name}")


def builtin_value(name: str) -> FnRef:
    """A builtin as a function value (`map abs xs`): a `FnRef` whose calls check the arity the
    way the reference runtime does."""
    from . import BUILTINS

    impl = BUILTINS[name]

    def call(*args: Any) -> Any:
        check_builtin_arity(name, len(args))
        return impl(*args)

    call.__name__ = name
    return FnRef(name, call)


def resolve_callable(v: Any, builtin_name: str) -> Callable[..., Any]:
    """The callable for callback `v` of builtin `builtin_name`, or the R009 error of §6.1."""
    t = type(v)
    if t is FnRef or t is Closure:
        return v
    if t is str:
        fn = _function_table.get(v)
        if fn is not None:
            return fn
        from . import BUILTINS

        if v in BUILTINS:
            return builtin_value(v)
        raise IloRuntimeError("ILO-R002", f"undefined function: {v}")
    slot = "key arg" if builtin_name in ("srt", "rsrt") else "first arg"
    raise rt009(f"{builtin_name}: {slot} must be a function reference, {got(v)}")
