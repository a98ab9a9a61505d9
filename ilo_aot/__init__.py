"""ilo-aot: compile ilo modules to native code for Python packages.

    import ilo_aot
    kern = ilo_aot.load("src/mypkg/kernels.ilo")   # or ilo source text
    kern.tot(10, 20, 30)
"""

from ilo_runtime.errors import IloCompileError, IloErr, IloRuntimeError

from .api import load

__version__ = "0.1.0"

__all__ = ["IloCompileError", "IloErr", "IloRuntimeError", "load", "__version__"]
