"""C compilers that turn the shim + native object into an extension module.

- `CcToolchain`: a plain `$CC` subprocess (POSIX hosts, and cross builds such as
  `aarch64-linux-gnu-gcc` against the host's Python headers: the shim uses only the stable ABI).
- `DistutilsToolchain`: setuptools' compiler classes (MSVC on Windows, sysconfig's compiler
  elsewhere), used when no `$CC` is given on Windows.

The setuptools plugin does not use these: it hands the shim to setuptools' own `build_ext`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from typing import Protocol

from .errors import AotError


class Toolchain(Protocol):
    def identity(self) -> str:
        """Everything about the compiler that changes its output (for cache keys)."""
        ...

    def ext_suffix(self) -> str:
        """File suffix of an abi3 extension module for the target (`.abi3.so`, `.pyd`)."""
        ...

    def link(self, c_file: str, objects: list[str], out_path: str, workdir: str) -> None:
        """Compile `c_file` and link it with `objects` into the extension `out_path`."""
        ...


def abi3_suffix(platform: str) -> str:
    return ".pyd" if platform.startswith("win") else ".abi3.so"


def _run(cmd: list[str], what: str) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise AotError(f"cannot run the C compiler {cmd[0]!r}: {e.strerror or e}") from None
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr).strip()
        raise AotError(f"{what} failed ({shlex.join(cmd)}):\n{output}")


@dataclass
class CcToolchain:
    """`cc` (or `$CC`, or a cross compiler) run directly."""

    cc: list[str] = field(default_factory=lambda: shlex.split(os.environ.get("CC") or "cc"))
    python_include: str = field(default_factory=lambda: sysconfig.get_paths()["include"])
    platform: str = sys.platform  # target platform: linux, darwin
    extra_flags: list[str] = field(default_factory=list)
    _version: str | None = None

    def identity(self) -> str:
        if self._version is None:
            try:
                proc = subprocess.run([*self.cc, "--version"], capture_output=True, text=True)
                lines = (proc.stdout or proc.stderr).splitlines()
                self._version = lines[0] if lines else ""
            except OSError:
                self._version = ""
        return f"cc {shlex.join(self.cc)} | {self._version} | {self.platform} | " + " ".join(
            self.extra_flags
        )

    def ext_suffix(self) -> str:
        return abi3_suffix(self.platform)

    def link(self, c_file: str, objects: list[str], out_path: str, workdir: str) -> None:
        if shutil.which(self.cc[0]) is None and not os.path.isfile(self.cc[0]):
            raise AotError(f"C compiler not found: {self.cc[0]} (set $CC or --cc)")
        if self.platform == "darwin":
            shared = ["-bundle", "-undefined", "dynamic_lookup"]
        else:
            shared = ["-shared", "-fPIC"]
        cmd = [
            *self.cc,
            *shared,
            "-O2",
            "-fvisibility=hidden",
            "-I",
            self.python_include,
            *self.extra_flags,
            "-o",
            out_path,
            c_file,
            *objects,
        ]
        if self.platform != "darwin":
            cmd.append("-lm")
        _run(cmd, "compiling the extension module")


@dataclass
class DistutilsToolchain:
    """setuptools' compiler classes for the running Python (MSVC on Windows)."""

    def _compiler(self):  # type: ignore[no-untyped-def]
        import importlib

        # setuptools first: it provides `distutils` on Python 3.12+.
        importlib.import_module("setuptools")
        new_compiler = importlib.import_module("distutils.ccompiler").new_compiler
        customize_compiler = importlib.import_module("distutils.sysconfig").customize_compiler

        cc = new_compiler()
        customize_compiler(cc)
        return cc

    def identity(self) -> str:
        return f"distutils {sys.platform} {sysconfig.get_platform()} {sys.version}"

    def ext_suffix(self) -> str:
        return abi3_suffix(sys.platform)

    def link(self, c_file: str, objects: list[str], out_path: str, workdir: str) -> None:
        cc = self._compiler()
        from distutils.errors import CCompilerError, DistutilsError

        library_dirs = []
        if sys.platform == "win32":
            library_dirs.append(os.path.join(sys.base_exec_prefix, "libs"))
        try:
            objs = cc.compile(
                [c_file],
                output_dir=workdir,
                include_dirs=[sysconfig.get_paths()["include"]],
            )
            cc.link_shared_object(
                objs + objects,
                out_path,
                library_dirs=library_dirs,
                export_symbols=None,
            )
        except (CCompilerError, DistutilsError) as e:
            raise AotError(f"compiling the extension module failed: {e}") from None


def default_toolchain() -> Toolchain:
    """`$CC` (or `cc`) on POSIX, setuptools' compiler on Windows."""
    if sys.platform == "win32" and not os.environ.get("CC"):
        return DistutilsToolchain()
    return CcToolchain()
