"""Native object code for a module's eligible functions, through the chosen backend."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from ..frontend import ast as A
from ..ir import ir
from .errors import AotError

BACKENDS = ("llvm", "arm64")


@dataclass
class NativeObject:
    """A relocatable object file's bytes and what is in it."""

    data: bytes
    triple: str
    module: ir.Module
    reasons: dict[str, str] = field(default_factory=dict)


def _llvm_object(program: A.Program, triple: str | None, opt: int) -> NativeObject:
    try:
        from ..backends.llvm import TargetError, emit_object
    except ImportError as e:  # llvmlite missing
        raise AotError(f"the llvm backend is not available: {e}") from None
    with tempfile.TemporaryDirectory(prefix="ilo-aot-") as tmp:
        path = os.path.join(tmp, "native.o")
        try:
            result = emit_object(program, triple, path, opt_level=opt)
        except TargetError as e:
            raise AotError(str(e)) from None
        with open(path, "rb") as f:
            data = f.read()
    return NativeObject(data, result.triple, result.analysis.module, dict(result.ineligible))


def _arm64_object(program: A.Program, triple: str | None, opt: int) -> NativeObject:
    """The raw AArch64 backend: ELF objects for aarch64 Linux (`opt` does not apply)."""
    from ..backends.arm64.codegen import CodegenError, write_module_object
    from ..ir.eligibility import analyse

    full = triple or "aarch64-unknown-linux-gnu"
    arch = full.split("-")[0]
    if arch not in ("aarch64", "arm64") or not ("linux" in full or full in ("aarch64", "arm64")):
        raise AotError(f"the arm64 backend writes aarch64 Linux (ELF) objects, not '{full}'")
    analysis = analyse(program)
    with tempfile.TemporaryDirectory(prefix="ilo-aot-") as tmp:
        path = os.path.join(tmp, "native.o")
        try:
            write_module_object(analysis.module, path)
        except CodegenError as e:
            raise AotError(f"the arm64 backend cannot compile this module: {e}") from None
        with open(path, "rb") as f:
            data = f.read()
    return NativeObject(data, "aarch64-unknown-linux-gnu", analysis.module, dict(analysis.reasons))


def native_object(program: A.Program, backend: str, triple: str | None, opt: int) -> NativeObject:
    """Compile the eligible functions of `program` for `triple` (None: the host)."""
    if backend == "llvm":
        return _llvm_object(program, triple, opt)
    if backend == "arm64":
        return _arm64_object(program, triple, opt)
    raise AotError(f"unknown backend '{backend}' (choose from {', '.join(BACKENDS)})")
