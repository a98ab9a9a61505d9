"""`ilo FILE --bench FUNC ARGS...`: ns per call of FUNC in every tier available here, side by side."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TextIO

from ilo_runtime.display import display
from ilo_runtime.errors import IloRuntimeError

from .frontend import ast as A


def _time_per_call(fn: Callable[[], Any], budget_s: float = 0.3) -> float:
    """Best-of-5 ns per call, each round sized to take about budget_s / 5."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt > budget_s / 25 or n >= 1 << 24:
            break
        n *= 4
    best = dt / n
    for _ in range(4):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best * 1e9


def bench(
    src: A.SourceFile, program: A.Program, func: str, args: list[str], out: TextIO, err: TextIO
) -> int:
    from .cli_args import typed_args
    from .jit.tiered import EngineUnavailable, TieredProgram, check_engine

    decl = next((f for f in program.functions() if f.name == func), None)
    if decl is None:
        names = ", ".join(f.name for f in program.functions())
        err.write(f"error: --bench: no function '{func}' (functions: {names})\n")
        return 1
    values = typed_args(decl, args)
    if len(values) != len(decl.params):
        err.write(f"error: --bench: {func} takes {len(decl.params)} arguments, got {len(values)}\n")
        return 1
    rows: list[tuple[str, str, str]] = []
    baseline: float | None = None
    for engine in ("interp", "llvm", "arm64"):
        try:
            check_engine(engine)
        except EngineUnavailable as e:
            rows.append((engine, "-", f"unavailable: {str(e).split(';')[0]}"))
            continue
        tier = TieredProgram(src, program, engine)
        tier.start()
        if engine != "interp" and func not in tier.native:
            rows.append((engine, "-", f"not native: {tier.reasons.get(func, 'not eligible')}"))
            continue
        try:
            result = display(tier.call_ilo(func, list(values)))
        except IloRuntimeError as e:
            err.write(f"error: --bench: {func} fails in engine {engine}: {e}\n")
            return 1
        native = tier.native.get(func)
        if native is not None:
            ns = _time_per_call(lambda native=native: native(*values))
        else:
            ns = _time_per_call(lambda tier=tier: tier.call_ilo(func, list(values)))
        baseline = baseline or ns
        rows.append((engine, f"{ns:,.1f}", f"{baseline / ns:.1f}x vs interp  result {result}"))
    out.write(f"{func} {' '.join(args)}\n")
    out.write(f"{'engine':8} {'ns/call':>14}  notes\n")
    for engine, ns_text, note in rows:
        out.write(f"{engine:8} {ns_text:>14}  {note}\n")
    return 0
