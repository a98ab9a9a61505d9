"""The tiered runtime (design.md §6): functions start in the fallback tier and move to native
code when hot. See `tiered.TieredProgram` and `stats.jit_stats`."""

from .stats import JitStats, jit_stats
from .tiered import JitSettings, TieredProgram

__all__ = ["JitSettings", "JitStats", "TieredProgram", "jit_stats"]
