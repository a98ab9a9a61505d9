"""`ilo_aot.jit_stats()`: what the tiered runtime did, over every program loaded in this process."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tiered import TieredProgram

_PROGRAMS: weakref.WeakSet[TieredProgram] = weakref.WeakSet()


@dataclass
class FunctionStats:
    """One function of one loaded program."""

    module: str
    name: str
    engine: str
    eligible: bool
    reason: str | None  # why it is not native (None if eligible)
    hot: bool = False
    compiled: bool = False
    interp_calls: int = 0  # calls run by the fallback tier (counted at entry for eligible ones)
    native_calls: int = 0  # calls from Python into native code
    compile_ms: float = 0.0
    cache_hit: bool = False


@dataclass
class JitStats:
    """A snapshot; `str()` gives the table `ilo --jit-stats` prints."""

    functions: list[FunctionStats] = field(default_factory=list)

    @property
    def tracked(self) -> int:
        return len(self.functions)

    @property
    def hot(self) -> int:
        return sum(f.hot for f in self.functions)

    @property
    def compiled(self) -> int:
        return sum(f.compiled for f in self.functions)

    @property
    def ineligible(self) -> dict[str, str]:
        return {f.name: f.reason for f in self.functions if f.reason is not None}

    @property
    def interp_calls(self) -> int:
        return sum(f.interp_calls for f in self.functions)

    @property
    def native_calls(self) -> int:
        return sum(f.native_calls for f in self.functions)

    @property
    def compile_ms(self) -> float:
        return sum(f.compile_ms for f in self.functions)

    @property
    def cache_hits(self) -> int:
        return sum(f.cache_hit for f in self.functions)

    def __str__(self) -> str:
        lines = [
            f"jit: {self.tracked} tracked, {self.hot} hot, {self.compiled} compiled, "
            f"{len(self.ineligible)} ineligible; calls: {self.interp_calls} interp, "
            f"{self.native_calls} native; compile {self.compile_ms:.1f} ms, "
            f"{self.cache_hits} cache hits",
        ]
        for f in self.functions:
            state = "native" if f.compiled else ("hot" if f.hot else "interp")
            line = (
                f"  {f.name:16} {state:7} interp {f.interp_calls:>8}  native {f.native_calls:>8}"
            )
            if f.compiled:
                line += f"  compile {f.compile_ms:.1f} ms" + (" (cache hit)" if f.cache_hit else "")
            if f.reason:
                line += f"  ineligible: {f.reason}"
            lines.append(line)
        return "\n".join(lines)


def register(program: TieredProgram) -> None:
    _PROGRAMS.add(program)


def jit_stats() -> JitStats:
    """Statistics of the tiered runtime for every program loaded in this process."""
    out = JitStats()
    for program in list(_PROGRAMS):
        out.functions.extend(program.function_stats())
    return out
