"""Python-facing API of the LLVM backend.

    nm = compile_module(program)               # a verified ast.Program
    nm.callables["tot"](1, 2, 3)               # METH_FASTCALL builtin, ~C-extension call cost
    nm.ineligible                              # {"greet": "line 4: a text value is ..."}

- `callables` maps ilo names to builtin function objects with `__name__` (the Python name),
  `__doc__` (the ilo signature) and `__text_signature__` (so `inspect.signature` works).
  Arguments: `int`, `float`, objects with `__float__`/`__index__` (not `bool`) for `n`;
  `True`/`False` for `b`. Wrong arity raises TypeError. Any other argument makes the call go
  to that function's *fallback* (`fallbacks[name]`, called with the original arguments; pass
  the interpreter's function there); without one, `NativeArgumentError` (a TypeError subclass)
  is raised, which a caller can catch to run the interpreter instead.
- Runtime errors raise `ilo_runtime.IloRuntimeError` with the fallback tier's code, message,
  location (`.diagnostic`) and `called from` notes; recursion deeper than `recursion_limit`
  raises ILO-R010.
- Native code runs with the GIL held (it never calls back into Python), on the caller's stack:
  `recursion_limit` nested calls need well under 1 MB, fine for the main thread and Linux's
  default 8 MB thread stacks; threads created with a small `threading.stack_size` need a
  lower limit.
- `emit_object(program, triple, path)` writes a relocatable object for AOT builds, using the
  native ABI documented in `ilo_aot.ir.ir` (no Python API calls in it).
- `show_llvm(program, func)` / `show_asm(program, func, triple)` give what
  `ilo-aot show FILE FUNC --llvm|--asm` prints.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import llvmlite.binding as llvm

from ilo_aot.cache import CompileCache
from ilo_aot.frontend import ast
from ilo_aot.ir import errors, ir
from ilo_aot.ir.eligibility import MAX_LEVEL, Analysis, analyse

from . import codegen, target
from .jit import JitModule, NativeArgumentError
from .target import TargetError

__all__ = [
    "NativeArgumentError",
    "NativeModule",
    "ObjectResult",
    "TargetError",
    "compile_module",
    "emit_object",
    "show_asm",
    "show_llvm",
]


@dataclass
class NativeModule:
    """The native functions of one program, loaded in this process."""

    callables: dict[str, Any]
    ineligible: dict[str, str]
    ir: ir.Module
    # Seconds: lowering + eligibility for the program, LLVM optimisation + machine code.
    analysis_seconds: float
    llvm_seconds: float
    compile_times: dict[str, float] = field(default_factory=dict)
    jit: JitModule | None = None

    @property
    def optimized_ir(self) -> str:
        return self.jit.optimized_ir if self.jit else ""


def _apportion(module: ir.Module, total: float) -> dict[str, float]:
    """Split `total` over the functions by IR size (LLVM compiles them as one module)."""
    sizes = {f.name: 1 + sum(len(b.instrs) + 1 for b in f.blocks) for f in module.functions}
    whole = sum(sizes.values()) or 1
    return {name: total * n / whole for name, n in sizes.items()}


def compile_module(
    program: ast.Program,
    functions: list[str] | None = None,
    *,
    fallbacks: dict[str, Callable[..., Any]] | None = None,
    opt_level: int = 2,
    level: int = MAX_LEVEL,
    recursion_limit: int = errors.RECURSION_LIMIT,
    module_name: str = "ilo",
    cache: CompileCache | None = None,
) -> NativeModule:
    """Compile the eligible functions of the verified `program` (or of `functions` and what
    they call) to native code in this process."""
    t0 = time.perf_counter()
    analysis = analyse(program, functions, level, recursion_limit)
    t1 = time.perf_counter()
    jit = None
    callables: dict[str, Any] = {}
    if analysis.module.functions:
        jit = JitModule.build(
            analysis.module,
            fallbacks=fallbacks,
            opt_level=opt_level,
            depth_limit=recursion_limit,
            module_name=module_name,
            cache=cache,
        )
        callables = jit.callables
    t2 = time.perf_counter()
    return NativeModule(
        callables=callables,
        ineligible=dict(analysis.reasons),
        ir=analysis.module,
        analysis_seconds=t1 - t0,
        llvm_seconds=t2 - t1,
        compile_times=_apportion(analysis.module, t2 - t0),
        jit=jit,
    )


@dataclass
class ObjectResult:
    """What `emit_object` wrote: per native function its symbol, for the AOT shim."""

    path: str
    triple: str
    symbols: dict[str, str]
    analysis: Analysis
    # The depth limit named in the module's ILO-R010 messages: the shim sets
    # IloCtx.depth_limit to it and IloCtx.trace_cap to at least it + 1.
    recursion_limit: int = errors.RECURSION_LIMIT

    @property
    def ineligible(self) -> dict[str, str]:
        return self.analysis.reasons


def _module_for(analysis: Analysis, prefix: str, tm: llvm.TargetMachine, opt: int) -> llvm.ModuleRef:
    text = codegen.module_text(analysis.module, prefix=prefix)
    return target.prepare(text, tm, opt)


def emit_object(
    program: ast.Program,
    triple: str | None,
    path: str | os.PathLike[str],
    functions: list[str] | None = None,
    *,
    prefix: str = ir.DEFAULT_SYMBOL_PREFIX,
    opt_level: int = 2,
    cpu: str = "",
    features: str = "",
    recursion_limit: int = errors.RECURSION_LIMIT,
) -> ObjectResult:
    """Write a relocatable object file with the native functions of `program` for `triple`
    (e.g. `x86_64-unknown-linux-gnu`, `aarch64-unknown-linux-gnu`; None = host).

    Raises TargetError for an unknown triple."""
    analysis = analyse(program, functions, recursion_limit=recursion_limit)
    tm = target.target_machine(triple, opt_level, cpu, features)
    mod = _module_for(analysis, prefix, tm, opt_level)
    data = tm.emit_object(mod)
    tmp = f"{os.fspath(path)}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    symbols = {f.name: ir.function_symbol(f.name, prefix) for f in analysis.module.functions}
    return ObjectResult(os.fspath(path), tm.triple, symbols, analysis, recursion_limit)


def _analysis_for(program: ast.Program, func: str) -> Analysis:
    analysis = analyse(program, [func])
    if not analysis.is_native(func):
        raise ValueError(f"`{func}` is not native: {analysis.reasons.get(func, 'unknown')}")
    return analysis


def show_llvm(program: ast.Program, func: str, triple: str | None = None, opt_level: int = 2) -> str:
    """The optimised LLVM IR of `func` and the functions it calls (ValueError if not native)."""
    analysis = _analysis_for(program, func)
    tm = target.target_machine(triple, opt_level)
    return str(_module_for(analysis, ir.DEFAULT_SYMBOL_PREFIX, tm, opt_level))


def show_asm(program: ast.Program, func: str, triple: str | None = None, opt_level: int = 2) -> str:
    """Target assembly of `func` and the functions it calls (ValueError if not native)."""
    analysis = _analysis_for(program, func)
    tm = target.target_machine(triple, opt_level)
    return tm.emit_assembly(_module_for(analysis, ir.DEFAULT_SYMBOL_PREFIX, tm, opt_level))


def show_ir(program: ast.Program, func: str) -> str:
    """The IR (`ilo_aot.ir.ir` text form) of `func` and the functions it calls."""
    analysis = _analysis_for(program, func)
    return "\n\n".join(ir.format_function(f) for f in analysis.module.functions)
