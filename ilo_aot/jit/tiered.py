"""One loaded program in the tiered runtime (design.md §6).

Every function starts in the fallback tier. With engine "auto", eligible functions count their
calls (and loop iterations) in the generated fallback code; when one becomes hot it is compiled
with LLVM (with the functions it calls) and from then on:

- the module attribute Python sees is the native METH_FASTCALL function, and
- the fallback tier's own calls to it (the `f_<name>` global of the generated code) go native too,
  so a recursive function called once from Python still spends most of its time in native code.

Engine "llvm" compiles every eligible function at load, "arm64" likewise with the raw AArch64
backend (aarch64 hosts only); "interp" never compiles. Native functions given an argument their
machine code cannot take run that call in the fallback tier.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ilo_runtime.boundary import make_function
from ilo_runtime.fallback import call_entry

from ..frontend import ast as A
from ..pygen.analysis import mangle
from .stats import FunctionStats, register


@dataclass
class JitSettings:
    """Thresholds of the tiered runtime."""

    hot_calls: int = 100  # a function is hot at its 100th call ...
    hot_loop: int = 1000  # ... or when one call runs more than 1000 loop iterations
    use_cache: bool = True


class EngineUnavailable(RuntimeError):
    """The requested engine cannot run on this host."""


def check_engine(engine: str) -> None:
    """Raise EngineUnavailable with the reason when `engine` cannot run here."""
    if engine == "arm64":
        machine = platform.machine().lower()
        if machine not in ("aarch64", "arm64"):
            raise EngineUnavailable(
                f"engine 'arm64' runs AArch64 machine code in this process and needs an aarch64 "
                f"host; this one is {platform.machine() or 'unknown'}. Use engine='llvm' here, "
                f"or `ilo-aot compile --backend arm64 --target aarch64` for AArch64 objects."
            )


class TieredProgram:
    """The tiers of one verified program and the Python callables that front them."""

    def __init__(
        self,
        src: A.SourceFile,
        program: A.Program,
        engine: str = "auto",
        settings: JitSettings | None = None,
        module_name: str = "ilo",
    ) -> None:
        from ..api import LoadedProgram, signature_text

        check_engine(engine)
        self.engine = engine
        self.settings = settings or JitSettings()
        self.module_name = module_name
        self.program = program
        self.decls = {f.name: f for f in program.functions()}
        self.reasons: dict[str, str] = {}
        eligible: set[str] = set()
        if engine in ("auto", "llvm", "arm64"):
            from ..ir.eligibility import analyse

            analysis = analyse(program)
            eligible = set(analysis.native) & set(self.decls)
            self.reasons = {n: r for n, r in analysis.reasons.items() if n in self.decls}
        self.eligible = eligible
        hooks = frozenset(eligible) if engine == "auto" else frozenset()
        extra = {
            "_HOT_CALLS": self.settings.hot_calls,
            "_HOT_LOOP": self.settings.hot_loop,
            "_jit_hot": self._hot,
            "_jit_loop_hot": self._loop_hot,
        }
        self.loaded = LoadedProgram(src, program, hooks, extra)
        self.native: dict[str, Callable[..., Any]] = {}
        self.native_modules: list[Any] = []
        self.listeners: list[Callable[[str, Callable[..., Any]], None]] = []
        self.stats = {
            name: FunctionStats(
                module_name, name, engine, name in eligible, self.reasons.get(name)
            )
            for name in self.decls
        }
        self._boundary_calls: dict[str, int] = dict.fromkeys(self.decls, 0)
        self._counter_offset: dict[str, int] = dict.fromkeys(self.decls, 0)
        self.wrappers = {
            name: make_function(
                name, [p.name for p in decl.params], signature_text(decl), self._invoker(name)
            )
            for name, decl in self.decls.items()
        }
        register(self)

    def start(self) -> None:
        """Compile up front for engines "llvm" and "arm64" (call after adding listeners)."""
        if self.engine in ("llvm", "arm64") and self.eligible:
            self.compile(sorted(self.eligible))

    # ------------------------------------------------------------ calling

    def _invoker(self, name: str) -> Callable[[list[Any]], Any]:
        ref = self.loaded.functions[name]
        counts = self._boundary_calls

        def invoke(args: list[Any]) -> Any:
            counts[name] += 1
            return call_entry(ref, args)

        return invoke

    def callable(self, name: str) -> Callable[..., Any]:
        """What Python should call for `name` now: native when compiled, else the wrapper."""
        return self.native.get(name) or self.wrappers[name]

    def call_ilo(self, name: str, args: list[Any]) -> Any:
        """Run `name` on ilo values (the CLI): natively when compiled, else in the fallback tier."""
        native = self.native.get(name)
        if native is not None:
            return native(*args)
        self._boundary_calls[name] += 1
        return self.loaded.call(name, args)

    # ------------------------------------------------------------ hot spots

    def _hot(self, name: str) -> None:
        stat = self.stats[name]
        if stat.hot:
            return
        stat.hot = True
        self.compile([name])

    def _loop_hot(self, name: str) -> None:
        # Compile at the next call: set the entry countdown so that it reaches zero then.
        key = "_hc_" + mangle(name)
        ns = self.loaded.namespace
        if not self.stats[name].hot and ns.get(key, 0) > 1:
            self._counter_offset[name] += ns[key] - 1
            ns[key] = 1

    def compile(self, names: list[str]) -> None:
        """Compile `names` (and what they call) natively and switch them over."""
        try:
            if self.engine == "arm64":
                from ..backends.arm64.pyjit import compile_module
            else:
                from ..backends.llvm import compile_module
        except ImportError as exc:  # e.g. no llvmlite on this host: the fallback tier runs on
            for n in names:
                self.stats[n].reason = f"native compile unavailable: {exc}"
            return
        from ..cache import CompileCache

        cache = CompileCache() if self.settings.use_cache else None
        t0 = time.perf_counter()
        try:
            nm = compile_module(
                self.program,
                names,
                fallbacks=dict(self.wrappers),
                module_name=self.module_name,
                cache=cache,
            )
        except Exception as exc:  # noqa: BLE001 - a failed compile leaves the fallback tier running
            for n in names:
                self.stats[n].reason = f"native compile failed: {type(exc).__name__}: {exc}"
            return
        elapsed_ms = (time.perf_counter() - t0) * 1e3
        self.native_modules.append(nm)
        cache_hit = bool(nm.jit is not None and nm.jit.cache_hit)
        compiled = [n for n in nm.callables if n in self.decls and n not in self.native]
        for n in names:  # a backend may refuse what eligibility allowed (e.g. too many params)
            if n not in nm.callables and n in nm.ineligible:
                self.stats[n].reason = nm.ineligible[n]
        total_weight = sum(nm.compile_times.get(n, 0.0) for n in compiled) or 1.0
        for n in compiled:
            fn = nm.callables[n]
            self.native[n] = fn
            self.loaded.namespace["f_" + mangle(n)] = fn
            stat = self.stats[n]
            stat.compiled = True
            stat.cache_hit = cache_hit
            stat.compile_ms = elapsed_ms * nm.compile_times.get(n, 0.0) / total_weight
            for listener in self.listeners:
                listener(n, fn)

    # ------------------------------------------------------------ statistics

    def function_stats(self) -> list[FunctionStats]:
        ns = self.loaded.namespace
        out = []
        for name, stat in self.stats.items():
            key = "_hc_" + mangle(name)
            if key in ns:
                stat.interp_calls = self.settings.hot_calls - ns[key] + self._counter_offset[name]
            else:
                stat.interp_calls = self._boundary_calls[name]
            stat.native_calls = sum(
                nm.jit.native_calls(name) for nm in self.native_modules if nm.jit is not None
            )
            out.append(stat)
        return out
