"""Ahead-of-time builds: an ilo module -> a CPython extension module (abi3) with native code
for its eligible functions, the fallback tier for the rest, and a `.pyi` stub (design.md §5).

    from ilo_aot.aot import build_module
    result = build_module("src/pkg/kernels.ilo", out_dir="build/lib")
"""

from .build import BuildOptions, BuildResult, build_module
from .errors import AotError

__all__ = ["AotError", "BuildOptions", "BuildResult", "build_module"]
