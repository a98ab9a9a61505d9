"""The Python boundary (design.md §4): argument and result conversion, Python names for ilo
names, record types as Python classes, and Python callables for ilo functions."""

from __future__ import annotations

import inspect
import keyword
from collections.abc import Callable, Sequence
from typing import Any

from .errors import IloErr
from .values import Closure, Err, FnRef, Ok, Record


def py_name(ilo_name: str) -> str:
    """`get-user` -> `get_user`; a Python keyword gets a trailing `_` (`in` -> `in_`)."""
    name = ilo_name.replace("-", "_")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


class PythonCallbackError(Exception):
    """A Python callable passed to ilo raised: the ilo call re-raises `original` unchanged."""

    def __init__(self, original: Exception) -> None:
        super().__init__(original)
        self.original = original


class BoundaryTypeError(TypeError):
    """A Python value with no ilo counterpart was passed."""


def to_ilo(value: Any, where: str) -> Any:
    """Convert a Python value to an ilo value; `where` names the parameter for errors."""
    t = type(value)
    if t is float or t is str or t is bool or value is None:
        return value
    if t is int:
        return float(value)
    if t is list or t is tuple:
        return [to_ilo(x, where) for x in value]
    if t is dict:
        return {_key(k, where): to_ilo(v, where) for k, v in value.items()}
    if t is Record or t is FnRef or t is Closure:
        return value
    if t is Ok:
        return Ok(to_ilo(value.value, where))
    if t is Err:
        return Err(to_ilo(value.value, where))
    if isinstance(value, bool):
        return bool(value)
    if hasattr(value, "__index__") and not isinstance(value, (str, bytes)):
        return float(value.__index__())
    if hasattr(value, "__float__") and not isinstance(value, (str, bytes)):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple)) or _is_float_buffer(value):
        return [to_ilo(x, where) for x in value]
    if isinstance(value, dict):
        return {_key(k, where): to_ilo(v, where) for k, v in value.items()}
    if callable(value):
        return _wrap_callable(value)
    raise BoundaryTypeError(f"{where}: cannot pass a {type(value).__name__} to ilo")


def _is_float_buffer(value: Any) -> bool:
    try:
        mv = memoryview(value)
    except TypeError:
        return False
    return mv.format in ("d", "f") and mv.ndim == 1


def _key(k: Any, where: str) -> int | str:
    if type(k) is str:
        return k
    if type(k) is int:
        return k
    if type(k) is float and k == k and k not in (float("inf"), float("-inf")):
        return int(k // 1)
    raise BoundaryTypeError(f"{where}: map keys must be str or int, got {type(k).__name__}")


def _wrap_callable(fn: Callable[..., Any]) -> FnRef:
    """A Python callable passed for an `F` parameter: called back through the boundary."""

    def call(*args: Any) -> Any:
        try:
            result = fn(*[from_ilo_nested(a) for a in args])
        except Exception as exc:  # noqa: BLE001 - the caller gets the Python error back as is
            raise PythonCallbackError(exc) from exc
        return to_ilo(result, "callback result")

    return FnRef(getattr(fn, "__name__", "python"), call)


def from_ilo_nested(value: Any) -> Any:
    """ilo values are already Python values; nested results stay Ok/Err."""
    return value


def from_ilo_result(value: Any) -> Any:
    """A function's result: an ok is unwrapped, an err raises IloErr."""
    t = type(value)
    if t is Ok:
        return value.value
    if t is Err:
        raise IloErr(value.value)
    return value


class RecordType:
    """A record type as seen from Python: `mod.pt(x=1, y=2)` builds a record."""

    def __init__(self, name: str, fields: Sequence[str]) -> None:
        self.__name__ = py_name(name)
        self.ilo_name = name
        self.fields = list(fields)
        self.__doc__ = f"ilo record type {name}{{{';'.join(fields)}}}"
        params = [
            inspect.Parameter(py_name(f), inspect.Parameter.KEYWORD_ONLY) for f in self.fields
        ]
        self.__signature__ = inspect.Signature(params)

    def __call__(self, **kwargs: Any) -> Record:
        by_py = {py_name(f): f for f in self.fields}
        values: dict[str, Any] = {}
        for k, v in kwargs.items():
            f = by_py.get(k, k if k in self.fields else None)
            if f is None:
                raise TypeError(f"{self.__name__}() got an unexpected field '{k}'")
            values[f] = to_ilo(v, f"{self.__name__}.{k}")
        missing = [py_name(f) for f in self.fields if f not in values]
        if missing:
            raise TypeError(f"{self.__name__}() missing field(s): {', '.join(missing)}")
        return Record(self.ilo_name, {f: values[f] for f in self.fields})

    def __instancecheck__(self, obj: Any) -> bool:
        return type(obj) is Record and obj.type_name == self.ilo_name

    def __repr__(self) -> str:
        return f"<ilo record type {self.ilo_name}>"


def make_function(
    ilo_name: str,
    params: Sequence[str],
    signature_text: str,
    invoke: Callable[[list[Any]], Any],
) -> Callable[..., Any]:
    """A Python function calling an ilo function: arity check, argument conversion, result
    conversion. `invoke(args)` runs the ilo function on converted arguments."""
    pnames = _unique([py_name(p) for p in params])
    nparams = len(pnames)
    pyname = py_name(ilo_name)

    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            args = _bind(pyname, pnames, args, kwargs)
        if len(args) != nparams:
            raise TypeError(
                f"{pyname}() takes {nparams} argument{'s' if nparams != 1 else ''} "
                f"({' '.join(params)}) but {len(args)} were given"
            )
        converted = [
            to_ilo(a, f"{pyname}() argument '{p}'") for a, p in zip(args, pnames, strict=True)
        ]
        return from_ilo_result(invoke(converted))

    call.__name__ = pyname
    call.__qualname__ = pyname
    call.__doc__ = signature_text
    call.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in pnames]
    )
    return call


def _unique(names: list[str]) -> list[str]:
    """ilo allows repeated parameter names (the last wins); Python signatures do not."""
    out: list[str] = []
    for i, n in enumerate(names):
        out.append(f"{n}_{i}" if n in names[i + 1 :] else n)
    return out


def _bind(fname: str, pnames: list[str], args: tuple, kwargs: dict[str, Any]) -> tuple:
    values = list(args) + [None] * (len(pnames) - len(args))
    given = [True] * len(args) + [False] * (len(pnames) - len(args))
    for k, v in kwargs.items():
        if k not in pnames:
            raise TypeError(f"{fname}() got an unexpected keyword argument '{k}'")
        i = pnames.index(k)
        if given[i]:
            raise TypeError(f"{fname}() got multiple values for argument '{k}'")
        values[i], given[i] = v, True
    if not all(given):
        missing = [p for p, g in zip(pnames, given, strict=True) if not g]
        raise TypeError(f"{fname}() missing argument(s): {', '.join(missing)}")
    return tuple(values)
