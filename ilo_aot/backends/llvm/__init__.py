"""LLVM backend: IR -> LLVM IR (codegen) -> optimised machine code, in-process (jit, pywrap)
or as object files for a target triple (native.emit_object). Public API in `native`."""

from .native import (
    NativeArgumentError,
    NativeModule,
    ObjectResult,
    TargetError,
    compile_module,
    emit_object,
    show_asm,
    show_ir,
    show_llvm,
)

__all__ = [
    "NativeArgumentError",
    "NativeModule",
    "ObjectResult",
    "TargetError",
    "compile_module",
    "emit_object",
    "show_asm",
    "show_ir",
    "show_llvm",
]
