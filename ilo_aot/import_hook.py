"""`ilo_aot.install_import_hook()`: `import pkg.kernels` finds `pkg/kernels.ilo` on the import
path and loads it tiered, so development code imports `.ilo` modules the way the built
package will (design.md §6)."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from types import ModuleType


class IloLoader(importlib.abc.Loader):
    def __init__(self, path: str, engine: str) -> None:
        self.path = path
        self.engine = engine

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        from .api import load

        module = load(self.path, engine=self.engine)
        module.__name__ = spec.name
        return module

    def exec_module(self, module: ModuleType) -> None:
        pass  # everything happened in create_module


class IloFinder(importlib.abc.MetaPathFinder):
    """Finds `NAME.ilo` in the package's `__path__` (or on `sys.path` for top-level names)."""

    def __init__(self, engine: str) -> None:
        self.engine = engine

    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        leaf = fullname.rpartition(".")[2]
        for folder in path if path is not None else sys.path:
            candidate = os.path.join(folder or ".", leaf + ".ilo")
            if os.path.isfile(candidate):
                loader = IloLoader(candidate, self.engine)
                return importlib.machinery.ModuleSpec(fullname, loader, origin=candidate)
        return None


def install_import_hook(engine: str = "auto") -> IloFinder:
    """Let `import` find `.ilo` modules (after regular Python modules of the same name).
    Returns the finder; `sys.meta_path.remove(finder)` uninstalls it. Idempotent."""
    for finder in sys.meta_path:
        if isinstance(finder, IloFinder):
            return finder
    finder = IloFinder(engine)
    sys.meta_path.append(finder)
    return finder
