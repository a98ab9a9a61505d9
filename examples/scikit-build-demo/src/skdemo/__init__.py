"""skdemo: ilo kernels built with scikit-build-core and the IloAot CMake package."""

from . import kernels
from .bank import project

__all__ = ["kernels", "project"]
