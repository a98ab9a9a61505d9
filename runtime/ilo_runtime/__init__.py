"""ilo-runtime: what a built ilo extension module needs at run time (design.md §2).

Pure Python, no dependencies: the value model, the builtin library, display, errors and the
fallback-tier execution support. It never imports `ilo_aot`.
"""

from .errors import IloCompileError, IloErr, IloRuntimeError
from .values import Closure, Err, FnRef, Ok, Record

__all__ = [
    "Closure",
    "Err",
    "FnRef",
    "IloCompileError",
    "IloErr",
    "IloRuntimeError",
    "Ok",
    "Record",
]
