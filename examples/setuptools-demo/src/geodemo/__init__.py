"""geodemo: a package whose kernels are written in ilo (see kernels.ilo)."""

from . import kernels
from .shapes import Path, perimeter

__all__ = ["Path", "kernels", "perimeter"]
