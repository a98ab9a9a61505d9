"""Runtime errors that native code can raise, shared by every backend (design.md §3, §4).

Native code reports an error through the `IloCtx` status word (see `ilo_aot.ir.ir`): the status
names a `FailSite`, which carries the code and message below. The Python side turns it into
`ilo_runtime.IloRuntimeError` with the same code, message and location the fallback tier gives.

Recursion: native code allows `RECURSION_LIMIT` nested ilo calls (the call from Python counts
as the first); one more raises ILO-R010 `recursion depth exceeded (limit N)`. The fallback tier
uses the same code and message (language.md §7 leaves the choice to implementations).
"""

from __future__ import annotations

from dataclasses import dataclass

from ilo_runtime.diagnostics import Diagnostic
from ilo_runtime.errors import IloRuntimeError
from ilo_runtime.ops import RECURSION_LIMIT  # shared with the fallback tier

from . import ir


@dataclass(frozen=True)
class ErrorKind:
    code: str
    message: str


DIVISION_BY_ZERO = ErrorKind("ILO-R003", "division by zero")
MODULO_BY_ZERO = ErrorKind("ILO-R003", "modulo by zero")


def recursion_depth_exceeded(limit: int = RECURSION_LIMIT) -> ErrorKind:
    """The error for a call nested deeper than `limit`."""
    return ErrorKind("ILO-R010", f"recursion depth exceeded (limit {limit})")


def runtime_error(
    code: str,
    message: str,
    *,
    span: tuple[int, int] | None,
    source: str | None,
    path: str | None,
    call_chain: list[str],
) -> IloRuntimeError:
    """Build the IloRuntimeError the fallback tier would raise (diagnostics.md §9).

    `call_chain` names the active ilo functions, outermost (the entry) first.
    """
    err = IloRuntimeError(code, message)
    start, end = span if span is not None else (None, None)
    err.diagnostic = Diagnostic(
        message=message,
        code=code,
        start=start,
        end=end,
        label="here" if span is not None else "",
        notes=[f"called from '{name}'" for name in call_chain],
        source=source,
        path=path,
    )
    return err


def error_for_status(module: ir.Module, status: int, frame_ids: list[int]) -> IloRuntimeError:
    """The IloRuntimeError for an `IloCtx` failure: `status` names the site (1-based), the
    frames are the failing functions' ids as native code recorded them, innermost first."""
    site = module.sites[status - 1]
    names = [module.functions[i].name for i in reversed(frame_ids)]
    return runtime_error(
        site.code,
        site.message,
        span=site.span,
        source=site.source,
        path=site.path,
        call_chain=names,  # outermost first, as the fallback tier writes the notes
    )
