"""Run-time support of built ilo extension modules (design.md §1, §5).

An extension module made by `ilo-aot` is a small C shim: its native entry points unbox numbers,
call the native code and box the result; everything else happens here, once, when the module is
imported. `init_module` receives the module object and the payload embedded in the shim (the
fallback tier's Python source, the function and record tables, the native failure sites) and:

- loads the fallback tier and attaches a Python callable for every function that is not native;
- attaches the record types, the module docstring and `__getattr__` for ilo names
  (`getattr(mod, "get-user")`);
- returns to the shim, for each native function (in native `fn_id` order), the fallback callable
  it uses when an argument cannot be unboxed or the arity is wrong, plus `raise_native_error`
  bound to the module's failure sites.

Payload format (version 1): zlib-compressed UTF-8 JSON, an object with keys `format`, `module`,
`fallback` (Python source), `functions` (list of {name, params, signature, native}), `records`
(list of [name, fields]), `native` (ilo names in fn_id order), `sites` (list of [code, message,
function, start, end, source index or null]), `sources` (list of [path, text]) and
`recursion_limit`.

Nothing here imports `ilo_aot`: a built wheel needs only this package.
"""

from __future__ import annotations

import json
import types
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .boundary import RecordType, make_function, py_name
from .diagnostics import Diagnostic
from .errors import IloRuntimeError
from .fallback import call_entry, ensure_recursion_limit, load_generated
from .ops import FALLBACK_RECURSION_LIMIT
from .values import FnRef

PAYLOAD_FORMAT = 1


class AotModuleError(ImportError):
    """The embedded payload of an extension module is not one this runtime understands."""


@dataclass(frozen=True)
class NativeSite:
    """A place where native code can fail (the shim reports it as status = index + 1)."""

    code: str
    message: str
    function: str
    start: int | None
    end: int | None
    path: str | None
    source: str | None


def decode_payload(payload: bytes) -> dict[str, Any]:
    """The payload dictionary, checked for the format version."""
    try:
        data = json.loads(zlib.decompress(payload).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise AotModuleError(f"corrupt ilo extension module payload: {e}") from None
    fmt = data.get("format") if isinstance(data, dict) else None
    if fmt != PAYLOAD_FORMAT:
        raise AotModuleError(
            f"ilo extension module payload format {fmt!r} is not supported by this "
            f"ilo-runtime (expects {PAYLOAD_FORMAT}); reinstall matching versions"
        )
    return data


def native_error(
    sites: list[NativeSite], native_names: list[str], status: int, trace: tuple[int, ...]
) -> IloRuntimeError:
    """The IloRuntimeError for native status `status` (site status-1) and trace `trace`
    (fn_ids of the failing frames, innermost first), in the fallback tier's form."""
    if not 1 <= status <= len(sites):
        return IloRuntimeError("ILO-R000", f"internal error: unknown native failure {status}")
    site = sites[status - 1]
    err = IloRuntimeError(site.code, site.message)
    chain = [native_names[i] if 0 <= i < len(native_names) else "?" for i in reversed(trace)]
    err.diagnostic = Diagnostic(
        message=site.message,
        code=site.code,
        start=site.start,
        end=site.end,
        label="here" if site.start is not None else "",
        notes=[f"called from '{name}'" for name in chain],
        source=site.source,
        path=site.path,
    )
    return err


def _sites(data: dict[str, Any]) -> list[NativeSite]:
    sources = [tuple(s) for s in data["sources"]]
    out = []
    for code, message, function, start, end, src_idx in data["sites"]:
        path, text = sources[src_idx] if src_idx is not None else (None, None)
        out.append(NativeSite(code, message, function, start, end, path, text))
    return out


def _invoker(ref: FnRef) -> Callable[[list[Any]], Any]:
    def invoke(args: list[Any]) -> Any:
        return call_entry(ref, args)

    return invoke


def _module_getattr(module: types.ModuleType) -> Callable[[str], Any]:
    def __getattr__(name: str) -> Any:
        alias = py_name(name)
        if alias != name and alias in module.__dict__:
            return module.__dict__[alias]
        raise AttributeError(f"ilo module {module.__name__!r} has no function or type {name!r}")

    return __getattr__


def init_module(
    module: types.ModuleType, payload: bytes
) -> tuple[tuple[Callable[..., Any], ...], Callable[[int, tuple[int, ...]], None]]:
    """Complete an ilo extension module (see the module docstring).

    Returns (fallback callables of the native functions in fn_id order, raiser), where
    `raiser(status, trace)` raises the IloRuntimeError of a native failure.
    """
    data = decode_payload(payload)
    ensure_recursion_limit(int(data.get("recursion_limit", FALLBACK_RECURSION_LIMIT)))
    filename = f"<ilo:{data['module']}>"
    namespace = load_generated(data["fallback"], filename)
    refs: dict[str, FnRef] = namespace["_FUNCTIONS"]

    fallbacks: dict[str, Callable[..., Any]] = {}
    lines = []
    for fn in data["functions"]:
        name = fn["name"]
        callable_ = make_function(name, fn["params"], fn["signature"], _invoker(refs[name]))
        fallbacks[name] = callable_
        lines.append(f"    {fn['signature']}{'' if fn['native'] else '  (fallback tier)'}")
        if not fn["native"]:
            setattr(module, py_name(name), callable_)
    for name, fields in data["records"]:
        setattr(module, py_name(name), RecordType(name, fields))

    short = data["module"].rsplit(".", 1)[-1]
    module.__doc__ = f"ilo module {short} (compiled by ilo-aot)\n\nFunctions:\n" + "\n".join(
        lines
    )
    module.__getattr__ = _module_getattr(module)  # type: ignore[attr-defined]
    module.__ilo_fallback__ = types.SimpleNamespace(  # type: ignore[attr-defined]
        **{py_name(k): v for k, v in fallbacks.items()}
    )

    sites = _sites(data)
    native_names: list[str] = list(data["native"])

    def raise_native_error(status: int, trace: tuple[int, ...]) -> None:
        raise native_error(sites, native_names, status, tuple(trace))

    return tuple(fallbacks[n] for n in native_names), raise_native_error
