"""In-process JIT of the raw AArch64 backend: ilo functions as machine code, called with ctypes.

    nm = compile_module(program)            # a verified ast.Program, on an aarch64 host
    nm.callables["tot"](1, 2, 3)            # runs the AArch64 code of `tot`
    nm.ineligible                           # {"greet": "line 4: a text value is ..."}

The same shape as the LLVM backend's `NativeModule` (`ilo_aot.backends.llvm.native`), and the
same behaviour at the Python boundary, so the tiered runtime can use either:

- Eligibility and the IR come from `ilo_aot.ir.eligibility.analyse`; `codegen` writes the
  machine code, `execmem.load_image` links it into W^X executable memory (libm functions such
  as `fmod` resolved in this process). A function the emitter cannot take (more than 8 number
  or 7 bool parameters, a huge frame) stays out, with its callers, and gets a reason.
- Each callable is a plain Python function (`__name__`, `__doc__` = the ilo signature,
  `inspect.signature`) that converts the arguments: `int`, `float` and objects with
  `__float__`/`__index__` (not `bool`) to a double for `n`, exactly `True`/`False` for `b`;
  any other argument (or one whose conversion fails) runs the call through `fallbacks[name]`
  with the original arguments, else raises `NativeArgumentError`. Wrong arity raises TypeError.
- Every call gets an `IloCtx` of its own (taken from a pool, so nested or concurrent calls never
  share one) with a trace buffer of `recursion_limit + 1` frames. A non-zero status raises the
  `IloRuntimeError` the fallback tier raises: code, message, location and `called from` notes.
- ctypes releases the GIL around the native call (the code touches no Python object), so native
  calls from several threads run in parallel. Deep recursion stops at `recursion_limit` nested
  calls with ILO-R010, well before the thread's stack runs out.

The machine code is not kept in the compile cache: emitting it takes a few milliseconds, less
than hashing the compiler for a cache key. Nothing here imports llvmlite.
"""

from __future__ import annotations

import ctypes
import inspect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ilo_aot.frontend import ast
from ilo_aot.ir import errors, ir
from ilo_aot.ir.eligibility import MAX_LEVEL, Analysis, analyse
from ilo_runtime.boundary import py_name

from . import codegen
from .execmem import LoadedCode, c_symbol_address, load_image

__all__ = [
    "Arm64Jit",
    "Arm64Module",
    "CodeBuild",
    "CtypesExecutor",
    "Executor",
    "IloCtx",
    "NativeArgumentError",
    "NativeRun",
    "build_code",
    "compile_module",
    "native_executor",
    "to_double",
]


class NativeArgumentError(TypeError):
    """An argument native code cannot take, and no fallback to run the call instead (the same
    meaning as the LLVM backend's exception of this name)."""


class IloCtx(ctypes.Structure):
    """The runtime context of the native ABI (layout in `ilo_aot.ir.ir`)."""

    _fields_ = [
        ("status", ctypes.c_int32),
        ("depth", ctypes.c_int32),
        ("depth_limit", ctypes.c_int32),
        ("trace_len", ctypes.c_int32),
        ("trace_cap", ctypes.c_int32),
        ("reserved", ctypes.c_int32),
        ("trace", ctypes.POINTER(ctypes.c_int32)),
    ]


# ---------------------------------------------------------------- argument conversion


class _NotNative(Exception):
    """An argument the machine code cannot take: the call goes to the fallback."""


# CPython's own conversion, as the LLVM wrapper uses it: floats (and subclasses) by value, else
# __float__, else __index__; raises what they raise (PYFUNCTYPE checks the error indicator).
_PyFloat_AsDouble = ctypes.PYFUNCTYPE(ctypes.c_double, ctypes.py_object)(
    ("PyFloat_AsDouble", ctypes.pythonapi)
)


def to_double(value: Any) -> float:
    """The double an `n` parameter receives for `value`; `_NotNative` when it takes none."""
    t = type(value)
    if t is float:
        return value
    if t is bool:
        raise _NotNative
    try:
        return float(value) if t is int else _PyFloat_AsDouble(value)
    except Exception:  # noqa: BLE001 - whatever __float__/__index__ raise: run the fallback
        raise _NotNative from None


def _to_bool(value: Any) -> int:
    if value is True:
        return 1
    if value is False:
        return 0
    raise _NotNative


def _convert(args: Sequence[Any], bool_params: Sequence[bool]) -> list[float | int]:
    """The native values of `args` (one loop, the usual types inline); `_NotNative` if one
    cannot be converted."""
    values: list[float | int] = []
    for is_bool, value in zip(bool_params, args, strict=True):
        t = type(value)
        if is_bool:
            values.append(_to_bool(value))
        elif t is float:
            values.append(value)
        elif t is int:
            try:
                values.append(float(value))
            except OverflowError:
                raise _NotNative from None
        else:
            values.append(to_double(value))
    return values


# ---------------------------------------------------------------- running native code

# One native call: converted arguments in, (status, raw result, frame ids innermost first) out.
NativeRun = Callable[[Sequence[float | int]], tuple[int, float | int, list[int]]]


class Executor(Protocol):
    """Runs the machine code of a module's functions (in this process, or an emulator)."""

    def entry(self, fn: ir.Function) -> NativeRun:
        """The runner of `fn`."""
        ...


_ABI_TYPES = {ir.F64: ctypes.c_double, ir.BOOL: ctypes.c_int32}


@dataclass
class _Context:
    ctx: IloCtx
    address: int
    trace: ctypes.Array


class CtypesExecutor:
    """Machine code loaded in this process, called through ctypes with a fresh `IloCtx` state
    per call."""

    def __init__(self, code: LoadedCode, symbols: dict[str, str], depth_limit: int) -> None:
        self.code = code
        self.symbols = symbols
        self.depth_limit = depth_limit
        self.trace_cap = depth_limit + 1
        # Contexts not in use. list.pop/append are atomic, so every call (nested, or in
        # another thread) takes one of its own; the pool grows to the number of calls
        # running at once.
        self._pool: list[_Context] = []

    def _new_context(self) -> _Context:
        trace = (ctypes.c_int32 * self.trace_cap)()
        ctx = IloCtx(0, 0, self.depth_limit, 0, self.trace_cap, 0,
                     ctypes.cast(trace, ctypes.POINTER(ctypes.c_int32)))
        return _Context(ctx, ctypes.addressof(ctx), trace)

    def entry(self, fn: ir.Function) -> NativeRun:
        cfunc = self.code.function(
            self.symbols[fn.name],
            _ABI_TYPES[fn.ret],
            [ctypes.c_void_p, *(_ABI_TYPES[t] for t in fn.param_types)],
        )
        pool, cap, new_context = self._pool, self.trace_cap, self._new_context
        no_frames: list[int] = []

        def run(args: Sequence[float | int]) -> tuple[int, float | int, list[int]]:
            try:
                c = pool.pop()
            except IndexError:
                c = new_context()
            value = cfunc(c.address, *args)
            ctx = c.ctx
            status = ctx.status
            if not status:
                # A call that returns normally leaves status 0, depth 0 and the trace
                # untouched: the context is ready for the next call as it is.
                pool.append(c)
                return 0, value, no_frames
            frames = c.trace[: min(ctx.trace_len, cap)]
            ctx.status = ctx.depth = ctx.trace_len = 0
            pool.append(c)
            return status, value, frames

        return run


def _external_address(name: str) -> int:
    """Address of a C library function (libm's `fmod`, ...) in this process."""
    try:
        return c_symbol_address(name)
    except KeyError:
        return c_symbol_address(name, "m")


def native_executor(compiled: codegen.CompiledModule, depth_limit: int) -> Executor:
    """Load `compiled` into executable memory here (aarch64 hosts; `UnsupportedHostError`
    elsewhere) and return its executor."""
    externals = {name: _external_address(name) for name in compiled.externals}
    code = load_image(compiled.functions, externals=externals)
    return CtypesExecutor(code, compiled.symbols, depth_limit)


# ---------------------------------------------------------------- Python callables


def _unique(names: list[str]) -> list[str]:
    """ilo allows repeated parameter names (the last wins); Python signatures do not."""
    return [f"{n}_{i}" if n in names[i + 1:] else n for i, n in enumerate(names)]


class Arm64Jit:
    """The Python side of one loaded module: callables, call counts and error mapping."""

    cache_hit = False  # the machine code is never cached (see the module docstring)

    def __init__(
        self,
        module: ir.Module,
        executor: Executor,
        *,
        fallbacks: dict[str, Callable[..., Any]] | None = None,
        depth_limit: int = errors.RECURSION_LIMIT,
        module_name: str = "ilo",
    ) -> None:
        self.module = module
        self.executor = executor
        self.depth_limit = depth_limit
        self.module_name = module_name
        self._calls: dict[str, list[int]] = {}
        self.callables: dict[str, Callable[..., Any]] = {}
        for fn in module.functions:
            fallback = (fallbacks or {}).get(fn.name) or _default_fallback(fn)
            self._calls[fn.name] = [0]
            self.callables[fn.name] = self._make_callable(fn, fallback)

    def native_calls(self, name: str) -> int:
        """Calls of `name` from Python into native code so far."""
        counter = self._calls.get(name)
        return counter[0] if counter else 0

    def error_for(self, status: int, frame_ids: list[int]) -> Exception:
        """The IloRuntimeError for IloCtx `status` and the recorded frames (innermost first)."""
        return errors.error_for_status(self.module, status, frame_ids)

    def _make_callable(self, fn: ir.Function, fallback: Callable[..., Any]) -> Callable[..., Any]:
        run = self.executor.entry(fn)
        pyname = py_name(fn.name)
        signature = inspect.Signature([
            inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for p in _unique([py_name(p) for p in fn.param_names])
        ])
        bool_params = tuple(t == ir.BOOL for t in fn.param_types)
        # Arguments of exactly these types go to ctypes as they are (the common case).
        exact = tuple(bool if b else float for b in bool_params)
        nparams = len(exact)
        plural = "" if nparams == 1 else "s"
        returns_bool = fn.ret == ir.BOOL
        counter = self._calls[fn.name]
        error_for = self.error_for

        def native(*args: Any, **kwargs: Any) -> Any:
            if kwargs:
                args = signature.bind(*args, **kwargs).args
            values: Sequence[Any] = args
            if tuple(map(type, args)) != exact:
                if len(args) != nparams:
                    raise TypeError(
                        f"{pyname}() takes exactly {nparams} argument{plural} ({len(args)} given)"
                    )
                try:
                    values = _convert(args, bool_params)
                except _NotNative:
                    return fallback(*args)
            counter[0] += 1
            status, value, frames = run(values)
            if status:
                raise error_for(status, frames)
            return value != 0 if returns_bool else value

        native.__name__ = native.__qualname__ = pyname
        native.__module__ = self.module_name
        native.__doc__ = fn.signature
        native.__signature__ = signature  # type: ignore[attr-defined]
        return native


def _default_fallback(fn: ir.Function) -> Callable[..., Any]:
    """A fallback that reports the argument native code could not take."""
    pyname = py_name(fn.name)

    def fallback(*args: Any) -> Any:
        for name, ty, value in zip(fn.param_names, fn.param_types, args, strict=False):
            try:
                (_to_bool if ty == ir.BOOL else to_double)(value)
            except _NotNative:
                kind = "a bool" if ty == ir.BOOL else "a number"
                raise NativeArgumentError(
                    f"{pyname}(): parameter '{py_name(name)}' needs {kind} in native code, "
                    f"got {type(value).__name__}"
                ) from None
        raise NativeArgumentError(f"{pyname}(): arguments not convertible for native code")

    return fallback


# ---------------------------------------------------------------- compiling a program


@dataclass
class CodeBuild:
    """Machine code of the native functions of a program (not loaded yet)."""

    analysis: Analysis
    compiled: codegen.CompiledModule
    reasons: dict[str, str]
    # Seconds per function: its share of the analysis plus its own code generation.
    compile_times: dict[str, float]
    analysis_seconds: float
    codegen_seconds: float


def _callers_of(bad: set[str], callees: dict[str, set[str]]) -> set[str]:
    """`bad` and every function that calls into it, directly or not."""
    out = set(bad)
    changed = True
    while changed:
        changed = False
        for name, called in callees.items():
            if name not in out and called & out:
                out.add(name)
                changed = True
    return out


def _explain_callers(dropped: set[str], failed: set[str], callees: dict[str, set[str]],
                     reasons: dict[str, str]) -> None:
    """Give every dropped caller a reason naming a callee that is not native, nearest first."""
    frontier, explained = set(failed), set(failed)
    while frontier:
        reached = set()
        for name in sorted(dropped - explained):
            hits = sorted(callees.get(name, set()) & frontier)
            if hits:
                reasons[name] = f"calls `{hits[0]}`, which is not native ({reasons[hits[0]]})"
                reached.add(name)
        explained |= reached
        frontier = reached


def build_code(
    program: ast.Program,
    functions: Sequence[str] | None = None,
    *,
    level: int = MAX_LEVEL,
    recursion_limit: int = errors.RECURSION_LIMIT,
) -> CodeBuild:
    """Analyse `program` (or `functions` and what they call) and emit AArch64 code for the
    native functions. Pure Python: works on any host."""
    t0 = time.perf_counter()
    analysis = analyse(program, list(functions) if functions is not None else None, level,
                       recursion_limit)
    reasons = dict(analysis.reasons)
    while True:
        t1 = time.perf_counter()
        codes, externals, failed, seconds = [], set(), {}, {}
        for fn in analysis.module.functions:
            start = time.perf_counter()
            try:
                code, used = codegen.compile_function(fn, analysis.module)
            except ValueError as exc:  # CodegenError, or an operand out of an encoder's range
                failed[fn.name] = f"the AArch64 backend cannot compile it: {exc}"
                continue
            seconds[fn.name] = time.perf_counter() - start
            codes.append(code)
            externals |= used
        if not failed:
            break
        # Drop what failed and its callers, and lower the rest again (fn_ids must be dense).
        reasons.update(failed)
        dropped = _callers_of(set(failed), analysis.callees)
        _explain_callers(dropped, set(failed), analysis.callees, reasons)
        kept = [f.name for f in analysis.module.functions if f.name not in dropped]
        analysis = analyse(program, kept, level, recursion_limit)
    t2 = time.perf_counter()
    sizes = {f.name: 1 + sum(len(b.instrs) + 1 for b in f.blocks) for f in analysis.module.functions}
    whole = sum(sizes.values()) or 1
    share = (t1 - t0) / whole
    symbols = {f.name: ir.function_symbol(f.name) for f in analysis.module.functions}
    compiled = codegen.CompiledModule(codes, sorted(externals), symbols)
    return CodeBuild(
        analysis=analysis,
        compiled=compiled,
        reasons={n: r for n, r in reasons.items() if not analysis.is_native(n)},
        compile_times={n: share * sizes[n] + seconds.get(n, 0.0) for n in sizes},
        analysis_seconds=t1 - t0,
        codegen_seconds=t2 - t1,
    )


@dataclass
class Arm64Module:
    """The native functions of one program, loaded in this process (the `NativeModule` shape)."""

    callables: dict[str, Callable[..., Any]]
    ineligible: dict[str, str]
    ir: ir.Module
    analysis_seconds: float
    codegen_seconds: float
    compile_times: dict[str, float] = field(default_factory=dict)
    jit: Arm64Jit | None = None


def compile_module(
    program: ast.Program,
    functions: list[str] | None = None,
    *,
    fallbacks: dict[str, Callable[..., Any]] | None = None,
    module_name: str = "ilo",
    cache: object | None = None,
    level: int = MAX_LEVEL,
    recursion_limit: int = errors.RECURSION_LIMIT,
    executor_factory: Callable[[codegen.CompiledModule, int], Executor] | None = None,
) -> Arm64Module:
    """Compile the eligible functions of the verified `program` (or of `functions` and what
    they call) to AArch64 machine code and load it in this process.

    `cache` is accepted for the LLVM backend's signature and not used (module docstring).
    `executor_factory(compiled, recursion_limit)` loads the code (default: `native_executor`,
    which raises `execmem.UnsupportedHostError` on hosts that are not aarch64; tests pass an
    emulator)."""
    del cache
    build = build_code(program, functions, level=level, recursion_limit=recursion_limit)
    jit = None
    if build.analysis.module.functions:
        executor = (executor_factory or native_executor)(build.compiled, recursion_limit)
        jit = Arm64Jit(build.analysis.module, executor, fallbacks=fallbacks,
                       depth_limit=recursion_limit, module_name=module_name)
    return Arm64Module(
        callables=dict(jit.callables) if jit else {},
        ineligible=build.reasons,
        ir=build.analysis.module,
        analysis_seconds=build.analysis_seconds,
        codegen_seconds=build.codegen_seconds,
        compile_times=build.compile_times,
        jit=jit,
    )
