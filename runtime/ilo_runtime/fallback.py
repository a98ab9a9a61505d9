"""Running the fallback tier: load generated Python source, and report its failures as ilo
runtime errors at the ilo statement that failed (diagnostics.md §9).

The generated code (see `ilo_aot.pygen`) uses plain Python operators where its analysis proved
the operand types; a ZeroDivisionError from `/` is therefore ILO-R003, a RecursionError is the
recursion-depth error, and the innermost generated frame's line maps back to the ilo statement
through the module's `_LINES` table.
"""

from __future__ import annotations

import math
import sys
from types import TracebackType
from typing import Any

from . import ops
from .boundary import PythonCallbackError
from .builtins import BUILTINS
from .builtins.callables import builtin_value, set_function_table
from .diagnostics import Diagnostic
from .errors import IloRuntimeError
from .values import Closure, Err, FnRef, Ok, Record, truthy

RECURSION_CODE = "ILO-R010"

# filename of a loaded generated module -> its namespace
_MODULES: dict[str, dict[str, Any]] = {}


def _undefined_var(name: str) -> Any:
    raise IloRuntimeError("ILO-R001", f"undefined variable: {name}")


def _undefined_fn(name: str) -> Any:
    raise IloRuntimeError("ILO-R002", f"undefined function: {name}")


def _builtin_value(name: str) -> FnRef:
    """A builtin used as a function value (with the builtin's own arity errors)."""
    if name not in BUILTINS:
        raise IloRuntimeError("ILO-R001", f"undefined variable: {name}")
    return builtin_value(name)


def base_namespace() -> dict[str, Any]:
    """The globals every generated module runs with."""
    ns: dict[str, Any] = {
        "__builtins__": __builtins__,
        "_NAN": math.nan,
        "_INF": math.inf,
        "_Ok": Ok,
        "_Err": Err,
        "_Record": Record,
        "_FnRef": FnRef,
        "_Closure": Closure,
        "_truthy": truthy,
        "_add": ops.add,
        "_sub": ops.sub,
        "_mul": ops.mul,
        "_div": ops.div,
        "_lt": ops.lt,
        "_gt": ops.gt,
        "_le": ops.le,
        "_ge": ops.ge,
        "_eq": ops.eq,
        "_ne": ops.ne,
        "_neg": ops.neg,
        "_append": ops.append,
        "_field": ops.field,
        "_safe_field": ops.safe_field,
        "_index": ops.index,
        "_safe_index": ops.safe_index,
        "_with": ops.with_,
        "_destructure": ops.destructure,
        "_range_bound": ops.range_bound,
        "_foreach_list": ops.foreach_list,
        "_unwrap_panic": ops.unwrap_panic,
        "_make_tool_call": ops.make_tool_call,
        "_undefined_var": _undefined_var,
        "_undefined_fn": _undefined_fn,
        "_builtin_value": _builtin_value,
    }
    for name, fn in BUILTINS.items():
        ns["B_" + name.replace("-", "_")] = fn
    return ns


def load_generated(
    source: str, filename: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Execute generated fallback source; returns its namespace (`_FUNCTIONS` etc.).

    `extra` adds globals (the tiered JIT's hooks)."""
    ns = base_namespace()
    if extra:
        ns.update(extra)
    functions: dict[str, FnRef] = {}

    def call_value(target: Any, name: str, *args: Any) -> Any:
        t = type(target)
        if t is FnRef or t is Closure:
            return target(*args)
        if t is str:
            ref = functions.get(target)
            if ref is None and target in BUILTINS:
                ref = _builtin_value(target)
            if ref is not None:
                return ref(*args)
        raise IloRuntimeError("ILO-R002", f"undefined function: {name}")

    ns["_call_value"] = call_value
    code = compile(source, filename, "exec")
    exec(code, ns)
    functions.update(ns["_FUNCTIONS"])
    _MODULES[filename] = ns
    set_function_table(dict(functions))
    return ns


def _demangle(py: str) -> str:
    name = py[2:] if py.startswith("v_") else py
    if "__" in name:
        name = name.split("__", 1)[0]
    return "_" if name == "_" else name.replace("_", "-")


def translate(exc: BaseException) -> IloRuntimeError:
    """Turn any exception raised while running generated code into an IloRuntimeError with a
    diagnostic at the innermost ilo statement and `called from` notes."""
    if isinstance(exc, IloRuntimeError) and exc.diagnostic is not None:
        # Raised by native code called from the fallback tier: its notes name the native
        # frames; the fallback frames above it are active callers too.
        outer = _locate(exc.__traceback__, exc).notes
        exc.diagnostic.notes[:0] = outer
        exc.__traceback__ = None
        return exc
    if isinstance(exc, IloRuntimeError):
        err = exc
    elif isinstance(exc, ZeroDivisionError):
        err = IloRuntimeError("ILO-R003", "division by zero")
    elif isinstance(exc, RecursionError):
        err = IloRuntimeError(RECURSION_CODE, ops.RECURSION_MESSAGE)
    elif isinstance(exc, (UnboundLocalError, NameError)):
        text = str(exc)
        name = getattr(exc, "name", None) or (text.split("'")[1] if "'" in text else "?")
        err = IloRuntimeError("ILO-R001", f"undefined variable: {_demangle(str(name))}")
    else:
        err = IloRuntimeError("ILO-R000", f"internal error: {type(exc).__name__}: {exc}")
    err.diagnostic = _locate(exc.__traceback__, err)
    err.__traceback__ = None
    return err


def _locate(tb: TracebackType | None, err: IloRuntimeError) -> Diagnostic:
    notes: list[str] = []
    where: tuple[dict[str, Any], tuple[int, int, int]] | None = None
    while tb is not None:
        code = tb.tb_frame.f_code
        ns = _MODULES.get(code.co_filename)
        if ns is not None:
            ilo_name = ns["_FN_NAMES"].get(code.co_name)
            if ilo_name is not None:
                notes.append(f"called from '{ilo_name}'")
            span = ns["_LINES"].get(tb.tb_lineno)
            if span is not None:
                where = (ns, span)
        tb = tb.tb_next
    diag = Diagnostic(err.message, code=err.code, label="here", notes=notes)
    if where is not None:
        ns, (file_idx, start, end) = where
        path, text = ns["_SOURCES"][file_idx]
        diag.start, diag.end, diag.source, diag.path = start, end, text, path
    return diag


def call_entry(fn: FnRef, args: list[Any]) -> Any:
    """Call a generated function, translating failures (see `translate`)."""
    try:
        return fn(*args)  # FnRef checks the argument count (R004)
    except PythonCallbackError as exc:
        raise exc.original from None  # a Python callback's own error reaches its caller as is
    except Exception as exc:  # noqa: BLE001 - every other failure becomes an ilo runtime error
        raise translate(exc) from None


def ensure_recursion_limit(limit: int) -> None:
    if sys.getrecursionlimit() < limit:
        sys.setrecursionlimit(limit)
