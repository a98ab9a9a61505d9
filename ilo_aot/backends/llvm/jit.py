"""In-process execution: an MCJIT engine per compiled module, plus the Python-facing objects.

`JitModule.build(module)` compiles an IR module and its METH_FASTCALL wrappers into machine
code in this process and creates one builtin function object per native function. The engine,
the PyMethodDefs, the fallbacks and the error handler are owned by the JitModule: the callables
stay valid as long as it (or any callable, which keeps a reference through `_owner` on the
module's registry) is alive.
"""

from __future__ import annotations

import array
import ctypes
import ctypes.util
import hashlib
import threading
from collections.abc import Callable
from typing import Any

import llvmlite.binding as llvm

from ilo_aot.cache import CompileCache, compiler_fingerprint, make_key
from ilo_aot.ir import errors, ir

from . import codegen, pywrap, target

# Optimisation level of the Python wrappers' module (the functions use the caller's level):
# at 0 they compile about twice as fast and cost ~4 ns more per call, still below a
# hand-written C extension call (bench/README.md).
WRAPPER_OPT = 0
_SEEN_DIGESTS: dict[str, int] = {}
_LOADED: dict[str, JitModule] = {}  # reuse key -> the module compiled for it in this process


def _reuse_key(digest: str, module: ir.Module, module_name: str, with_fallback: list[str]) -> str:
    """What must match for a compiled module to serve a new load: the code, the error sites
    (files and texts), the Python module name and which functions have a fallback callable
    (the callables themselves differ per load but run the same program)."""
    sites = [
        (s.code, s.message, s.function, s.span, s.path,
         hashlib.sha256((s.source or "").encode()).hexdigest())
        for s in module.sites
    ]
    text = f"{digest}\n{module_name}\n{with_fallback!r}\n{sites!r}"
    return hashlib.sha256(text.encode()).hexdigest()
# One MCJIT engine (and target machine) per optimisation level for the life of the process:
# compiled modules and cached objects are added to it, so a cache hit costs only loading the
# object (no target machine, engine or IR parse per module).
_SHARED: dict[int, tuple[llvm.ExecutionEngine, llvm.TargetMachine]] = {}
_PENDING_STORES: dict[str, CompileCache] = {}
_engine_lock = threading.RLock()  # MCJIT engines are not thread-safe


def engine_triple() -> str:
    return llvm.get_process_triple()


def _store_object(module: llvm.ModuleRef, buffer: bytes) -> None:
    cache = _PENDING_STORES.pop(module.name, None)
    if cache is not None:
        cache.put(module.name.removeprefix("ilo-cache:"), {"obj": bytes(buffer)})


def _shared_engine(level: int) -> llvm.ExecutionEngine:
    with _engine_lock:
        if level not in _SHARED:
            tm = target.host_target_machine(opt=min(max(level, 0), 3))
            empty = target.parse(codegen.module_text(ir.Module()))
            engine = llvm.create_mcjit_compiler(empty, tm)
            engine.set_object_cache(notify_func=_store_object)
            _SHARED[level] = (engine, tm)
        return _SHARED[level][0]  # module digest -> loads in this process
_uid_lock = threading.Lock()
_lib_lock = threading.Lock()
_libm_loaded = False

# Every live JitModule, so that engines outlive the callables handed out (builtin function
# objects cannot hold a reference to their owner). Modules are never unloaded: compiled code
# is small and a JIT compiles each function once.
_LIVE: list[JitModule] = []


def _load_libm() -> None:
    """Make the C math library's symbols visible to the JIT linker (once)."""
    global _libm_loaded
    with _lib_lock:
        if _libm_loaded:
            return
        name = ctypes.util.find_library("m")
        if name:
            try:
                llvm.load_library_permanently(name)
            except RuntimeError:
                pass  # libm is linked into the interpreter on most platforms
        _libm_loaded = True


class NativeArgumentError(TypeError):
    """An argument native code cannot take (e.g. a `str` or `bool` for an `n` parameter).

    Raised by the default fallback; callers who want the interpreter to run such calls pass
    their own fallback callables instead (design.md §4: "runs that call in the fallback tier").
    """


def _is_number(value: Any) -> bool:
    t = type(value)
    return t is not bool and (hasattr(t, "__float__") or hasattr(t, "__index__"))


def _default_fallback(fn: ir.Function) -> Callable[..., Any]:
    """A fallback that reports the argument native code could not take."""
    py_name = pywrap.python_name(fn.name)

    def fallback(*args: Any) -> Any:
        for name, ty, value in zip(fn.param_names, fn.param_types, args, strict=False):
            ok = type(value) is bool if ty == ir.BOOL else _is_number(value)
            if not ok:
                kind = "a bool" if ty == ir.BOOL else "a number"
                raise NativeArgumentError(
                    f"{py_name}(): parameter '{pywrap.python_name(name)}' needs {kind} "
                    f"in native code, got {type(value).__name__}"
                )
        raise NativeArgumentError(f"{py_name}(): arguments not convertible for native code")

    return fallback


class JitModule:
    """Native code for one IR module, loaded in this process."""

    def __init__(self) -> None:
        self.module = ir.Module()
        self.engine: llvm.ExecutionEngine | None = None
        self.callables: dict[str, Any] = {}
        self.addresses: dict[str, int] = {}
        self.optimized_ir = ""
        self._keep: list[Any] = []
        self.uid = ""
        self.depth_limit = errors.RECURSION_LIMIT
        self.counters: dict[str, int] = {}  # ilo name -> address of its wrapper's call counter
        self.cache_hit = False

    @classmethod
    def build(
        cls,
        module: ir.Module,
        *,
        fallbacks: dict[str, Callable[..., Any]] | None = None,
        opt_level: int = 2,
        depth_limit: int = errors.RECURSION_LIMIT,
        module_name: str = "ilo",
        cache: CompileCache | None = None,
    ) -> JitModule:
        """Compile `module` and create its callables (see module docstring)."""
        self = cls()
        self.module = module
        self.depth_limit = depth_limit
        # Symbols carry a content hash, not a load counter, so the same module gets the same
        # machine code in every process and the compile cache can hand it back.
        base = codegen.module_text(module, prefix="ilo_k_")
        digest = hashlib.sha256(f"{opt_level}:{depth_limit}\n{base}".encode()).hexdigest()[:16]
        # The same module loaded again in this process (same code, same files, so the same
        # error sites): reuse what was compiled; a second load compiles nothing.
        reuse_key = _reuse_key(digest, module, module_name, sorted(fallbacks or ()))
        with _uid_lock:
            loaded = _LOADED.get(reuse_key)
            if loaded is not None:
                again = cls()
                again.__dict__.update(loaded.__dict__)
                again.cache_hit = True
                return again
            seen = _SEEN_DIGESTS.get(digest, 0)
            _SEEN_DIGESTS[digest] = seen + 1
        self.uid = f"h{digest}" + (f"_{seen}" if seen else "")
        prefix = f"ilo_{self.uid}_"
        trace_cap = depth_limit + 1
        pywrap.register_python_symbols()
        _load_libm()
        wrappers, decls = pywrap.emit_wrappers(module, prefix, self.uid, trace_cap, depth_limit)
        # Two LLVM modules: the functions at the requested level, and their Python wrappers
        # (straight-line boxing code) at WRAPPER_OPT, which compiles several times faster;
        # the wrappers reach the functions through the process symbol table.
        ftext = codegen.module_text(module, prefix=prefix)
        wtext = codegen.module_text(
            ir.Module(), prefix=prefix, extra=wrappers,
            extra_decls=decls | pywrap.function_declarations(module, prefix),
        )
        self.optimized_ir = ""
        engines = []
        for part, text, level in (("obj", ftext, opt_level), ("wrap", wtext, WRAPPER_OPT)):
            engine = self._compile(part, text, level, cache)
            engines.append(engine)
            if part == "obj":
                for fn in module.functions:
                    sym = ir.function_symbol(fn.name, prefix)
                    llvm.add_symbol(sym, engine.get_function_address(sym))
        fengine, engine = engines
        self.engine = engine
        self.engines = engines

        handler = self._error_handler
        self._keep.append(handler)
        pywrap.set_object_global(engine.get_global_value_address(pywrap.handler_global(self.uid)), handler)
        for fn in module.functions:
            fb = (fallbacks or {}).get(fn.name) or _default_fallback(fn)
            self._keep.append(fb)
            pywrap.set_object_global(engine.get_global_value_address(pywrap.fallback_global(fn, prefix)), fb)
            self.addresses[fn.name] = fengine.get_function_address(ir.function_symbol(fn.name, prefix))
            self.counters[fn.name] = engine.get_global_value_address(pywrap.calls_global(fn, prefix))
            wrapper = engine.get_function_address(pywrap.wrapper_symbol(fn, prefix))
            py_names = [pywrap.python_name(p) for p in fn.param_names]
            func, mdef = pywrap.make_builtin(
                wrapper,
                pywrap.python_name(fn.name),
                f"({', '.join(py_names)})",
                fn.signature,
                module_name,
            )
            self._keep.append(mdef)
            self.callables[fn.name] = func
        _LIVE.append(self)
        with _uid_lock:
            _LOADED[reuse_key] = self
        return self

    def _compile(
        self, part: str, text: str, level: int, cache: CompileCache | None
    ) -> llvm.ExecutionEngine:
        """Optimise and generate code for one LLVM module into the process's long-lived engine
        for `level`, through the compile cache (a hit only loads the cached object)."""
        with _engine_lock:
            return self._compile_locked(part, text, level, cache)

    def _compile_locked(
        self, part: str, text: str, level: int, cache: CompileCache | None
    ) -> llvm.ExecutionEngine:
        engine = _shared_engine(level)
        key = None
        cached: bytes | None = None
        if cache is not None:
            key = make_key("jit", part, compiler_fingerprint(), engine_triple(), *target.host_cpu(),
                           str(level), text)
            entry = cache.get(key)
            cached = entry.get("obj") if entry else None
        if cached is not None:
            engine.add_object_file(llvm.ObjectFileRef.from_data(cached))
            self.cache_hit = True
        else:
            mod = target.prepare(text, _SHARED[level][1], level)
            if part == "obj":
                self.optimized_ir = str(mod)
            if cache is not None and key is not None:
                # The engine's object-cache hook finds the key by the module's name.
                mod.name = f"ilo-cache:{key}"
                _PENDING_STORES[mod.name] = cache
            engine.add_module(mod)
        engine.finalize_object()
        return engine

    def native_calls(self, name: str) -> int:
        """Calls of `name` from Python into native code so far."""
        address = self.counters.get(name)
        return ctypes.c_int64.from_address(address).value if address else 0

    def _error_handler(self, status: int, trace_len: int, frames: bytes) -> Any:
        """Called by a wrapper when native code failed: raise the ilo runtime error."""
        raise self.error_for(status, array.array("i", frames).tolist())

    def error_for(self, status: int, frame_ids: list[int]) -> Exception:
        """The IloRuntimeError for IloCtx `status` and the recorded frames (innermost first)."""
        return errors.error_for_status(self.module, status, frame_ids)
