"""Target machines, parsing and the optimisation pipeline (llvmlite 0.50 / LLVM 22).

`llvm.initialize()` raises in llvmlite 0.50, so only the native target (for the JIT) and,
on first cross use, all targets and asm printers are initialised.
"""

from __future__ import annotations

import functools
import threading

import llvmlite.binding as llvm

# Triples callers may write in short form.
TRIPLE_ALIASES = {
    "x86_64": "x86_64-unknown-linux-gnu",
    "aarch64": "aarch64-unknown-linux-gnu",
    "arm64": "aarch64-unknown-linux-gnu",
    "x86_64-linux": "x86_64-unknown-linux-gnu",
    "aarch64-linux": "aarch64-unknown-linux-gnu",
    "x86_64-macos": "x86_64-apple-macosx11.0.0",
    "aarch64-macos": "arm64-apple-macosx11.0.0",
    "arm64-macos": "arm64-apple-macosx11.0.0",
    "x86_64-windows": "x86_64-pc-windows-msvc",
    "aarch64-windows": "aarch64-pc-windows-msvc",
}

_lock = threading.Lock()
_native_ready = False
_all_ready = False


class TargetError(Exception):
    """A target triple LLVM does not know or cannot generate code for."""


def init_native() -> None:
    """Initialise the host target and its asm printer (once)."""
    global _native_ready
    with _lock:
        if not _native_ready:
            llvm.initialize_native_target()
            llvm.initialize_native_asmprinter()
            _native_ready = True


def init_all() -> None:
    """Initialise every target LLVM was built with (for cross compilation; once)."""
    global _all_ready
    init_native()
    with _lock:
        if not _all_ready:
            llvm.initialize_all_targets()
            llvm.initialize_all_asmprinters()
            _all_ready = True


def normalize_triple(triple: str | None) -> str:
    """The full triple for `triple` (None or "" or "host" means the host)."""
    if not triple or triple == "host":
        return llvm.get_process_triple()
    return TRIPLE_ALIASES.get(triple, triple)


@functools.cache
def host_cpu() -> tuple[str, str]:
    """The host CPU name and feature string (asked once per process: ~0.4 ms each time)."""
    init_native()
    return llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()


def host_target_machine(opt: int = 2) -> llvm.TargetMachine:
    """A target machine for in-process code: host CPU and its features."""
    init_native()
    target = llvm.Target.from_default_triple()
    cpu, features = host_cpu()
    return target.create_target_machine(
        cpu=cpu,
        features=features,
        opt=opt,
        codemodel="jitdefault",
        jit=True,
    )


def target_machine(triple: str | None, opt: int = 2, cpu: str = "", features: str = "") -> llvm.TargetMachine:
    """A target machine for object files: position independent, generic CPU by default
    (objects go into wheels that run on any machine of the architecture)."""
    full = normalize_triple(triple)
    init_all()
    try:
        target = llvm.Target.from_triple(full)
    except RuntimeError as e:
        raise TargetError(f"unsupported target triple '{full}': {e}") from None
    return target.create_target_machine(cpu=cpu, features=features, opt=opt, reloc="pic", codemodel="default")


def parse(text: str) -> llvm.ModuleRef:
    """Parse and verify LLVM IR text."""
    mod = llvm.parse_assembly(text)
    mod.verify()
    return mod


def optimize(mod: llvm.ModuleRef, tm: llvm.TargetMachine, level: int = 2) -> None:
    """Run the standard O`level` pipeline on `mod` in place."""
    if level <= 0:
        return
    pto = llvm.create_pipeline_tuning_options(speed_level=level)
    pb = llvm.create_pass_builder(tm, pto)
    mpm = pb.getModulePassManager()
    mpm.run(mod, pb)


def prepare(text: str, tm: llvm.TargetMachine, level: int = 2) -> llvm.ModuleRef:
    """Parse `text`, set its triple and data layout to `tm`'s, optimise."""
    mod = parse(text)
    mod.triple = tm.triple
    mod.data_layout = str(tm.target_data)
    optimize(mod, tm, level)
    return mod
