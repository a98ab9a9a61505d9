"""ilo-aot: compile ilo modules to native code for Python packages.

    import ilo_aot
    kern = ilo_aot.load("src/mypkg/kernels.ilo")   # or ilo source text
    kern.tot(10, 20, 30)
"""

from ilo_runtime.errors import IloCompileError, IloErr, IloRuntimeError

__version__ = "0.1.0"

from .api import load  # noqa: E402 - after __version__, which the CLI imports from here
from .import_hook import install_import_hook  # noqa: E402
from .jit import JitSettings, JitStats, jit_stats  # noqa: E402

__all__ = [
    "IloCompileError",
    "IloErr",
    "IloRuntimeError",
    "JitSettings",
    "JitStats",
    "__version__",
    "install_import_hook",
    "jit_stats",
    "load",
]
