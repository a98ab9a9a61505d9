"""The raw AArch64 backend against LLVM for the same functions: compile time and code size.

    PYTHONPATH=.:runtime python3 bench/bench_arm64.py [--rounds N]

For each kernel of bench_native.py (the module `analyse(program, [name])` makes: the function
and what it calls), both backends start from the same IR:
- AArch64 emit: `ilo_aot.backends.arm64.codegen.compile_module(ir_module)` (IR check, linear
  scan register allocation, instruction encoding, branch patching, constant pool), also timed
  per function with `compile_function`;
- LLVM to an AArch64 object: IR -> LLVM IR text (`codegen.module_text`), parse + verify + O2
  (`target.prepare`), `emit_object`; the target machine is made once, outside the timing;
  also the whole `emit_object(program, "aarch64-unknown-linux-gnu", ...)` call, analysis
  and target machine included, which is what an AOT build pays.
Instruction counts: the AArch64 backend's code without its constant pool (and the pool's
alignment nop); LLVM's `show_asm(program, name, "aarch64-unknown-linux-gnu")` instruction
lines of each function (labels, directives and comments excluded; LLVM's constants live in
.rodata, so they are not counted either). Times are best of `--rounds` runs, the two
backends interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "runtime"), str(Path(__file__).resolve().parent)]

from bench_native import KERNEL_SOURCE, fmt_time, machine_facts  # noqa: E402

from ilo_aot.api import compile_program  # noqa: E402
from ilo_aot.backends.arm64 import codegen as a64  # noqa: E402
from ilo_aot.backends.llvm import codegen as llvm_codegen  # noqa: E402
from ilo_aot.backends.llvm import target  # noqa: E402
from ilo_aot.backends.llvm.native import emit_object, show_asm  # noqa: E402
from ilo_aot.ir import ir  # noqa: E402
from ilo_aot.ir.eligibility import analyse  # noqa: E402

TRIPLE = "aarch64-unknown-linux-gnu"
NAMES = ["tot", "fib", "sumrep", "collatz-total", "mandel"]
LDR_D_LITERAL = 0x5C000000  # top byte of `ldr dT, label`
NOP = 0xD503201F


def a64_instruction_count(code: bytes) -> int:
    """Instructions in a function's code: everything before its constant pool (found from
    the targets of its literal loads), minus the pool's alignment nop."""
    words = [int.from_bytes(code[i:i + 4], "little") for i in range(0, len(code), 4)]
    targets = []
    for i, w in enumerate(words):
        if w & 0xFF000000 == LDR_D_LITERAL:
            imm19 = (w >> 5) & 0x7FFFF
            if imm19 & 0x40000:
                imm19 -= 1 << 19
            targets.append(i + imm19)
    end = min(targets) if targets else len(words)
    if targets and end % 2 == 0 and end > 0 and words[end - 1] == NOP:
        end -= 1
    return end


def llvm_instruction_counts(asm: str) -> dict[str, int]:
    """Instruction lines per function symbol in LLVM's assembly output."""
    counts: dict[str, int] = {}
    current: str | None = None
    for raw in asm.splitlines():
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if line.endswith(":"):
            label = line[:-1]
            if not label.startswith("."):
                current = label
                counts[current] = 0
            continue
        if line.startswith(".Lfunc_end") or line.startswith(".size"):
            current = None if line.startswith(".size") else current
            continue
        if line.startswith(".") or current is None:
            continue
        counts[current] += 1
    return counts


def timed_samples(fn: Callable[[], object], rounds: int, inner: int) -> list[float]:
    """`rounds` samples of the mean time of `inner` calls of `fn`."""
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return samples


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=9, help="samples per measurement")
    args = ap.parse_args()
    print(machine_facts())
    lp = compile_program(KERNEL_SOURCE)
    tm = target.target_machine(TRIPLE, 2)

    print(f"\n## compile time per module (function + callees), best of {args.rounds} "
          "(median in brackets)\n")
    print("| function | IR instrs | AArch64 emit | LLVM: text + O2 + emit_object | LLVM/AArch64 "
          "| LLVM `emit_object()` whole call |")
    print("|---|---|---|---|---|---|")
    per_function: dict[str, tuple[float, int]] = {}
    code_sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="ilo-bench-a64-") as tmp:
        for name in NAMES:
            module = analyse(lp.program, [name]).module
            if name not in [f.name for f in module.functions]:
                raise SystemExit(f"{name} is not native")
            n_ir = sum(len(b.instrs) + 1 for f in module.functions for b in f.blocks)

            def emit_a64(module: ir.Module = module) -> a64.CompiledModule:
                return a64.compile_module(module)

            def emit_llvm(module: ir.Module = module) -> bytes:
                text = llvm_codegen.module_text(module)
                return tm.emit_object(target.prepare(text, tm, 2))

            def whole(name: str = name) -> None:
                emit_object(lp.program, TRIPLE, Path(tmp) / f"{name}.o", [name])

            a_s: list[float] = []
            l_s: list[float] = []
            w_s: list[float] = []
            for r in range(args.rounds):
                pair = [(a_s, emit_a64, 20), (l_s, emit_llvm, 1), (w_s, whole, 1)]
                for store, fn, inner in pair if r % 2 == 0 else pair[::-1]:
                    store += timed_samples(fn, 1, inner)
            label = name if len(module.functions) == 1 else f"{name} (+{len(module.functions) - 1} callee)"
            print(f"| {label} | {n_ir} | {fmt_time(min(a_s))} ({fmt_time(statistics.median(a_s))}) "
                  f"| {fmt_time(min(l_s))} ({fmt_time(statistics.median(l_s))}) "
                  f"| {min(l_s) / min(a_s):.0f}x "
                  f"| {fmt_time(min(w_s))} ({fmt_time(statistics.median(w_s))}) |")
            compiled = emit_a64()
            for fn, code in zip(module.functions, compiled.functions, strict=True):
                code_sizes[fn.name] = a64_instruction_count(code.code)
                if fn.name not in per_function:
                    t = min(timed_samples(lambda fn=fn, module=module: a64.compile_function(fn, module),
                                            args.rounds, 20))
                    per_function[fn.name] = (t, sum(len(b.instrs) + 1 for b in fn.blocks))

    print("\nAArch64 emit per function (`compile_function`: register allocation + encoding):\n")
    print("| function | IR instrs | emit time | per IR instruction |")
    print("|---|---|---|---|")
    for fname, (t, n) in per_function.items():
        print(f"| {fname} | {n} | {fmt_time(t)} | {t / n * 1e6:.1f} µs |")

    print("\n## instruction count of the emitted AArch64 code\n")
    print("| function | AArch64 backend | LLVM O2 (aarch64) | ratio |")
    print("|---|---|---|---|")
    printed: set[str] = set()
    for name in NAMES:
        counts = llvm_instruction_counts(show_asm(lp.program, name, TRIPLE))
        for fname in [f.name for f in analyse(lp.program, [name]).module.functions]:
            if fname in printed:
                continue
            printed.add(fname)
            sym = ir.function_symbol(fname, ir.DEFAULT_SYMBOL_PREFIX)
            mine, theirs = code_sizes[fname], counts[sym]
            note = " (escape inlined by LLVM)" if fname == "mandel" else ""
            print(f"| {fname}{note} | {mine} | {theirs} | {mine / theirs:.2f} |")


if __name__ == "__main__":
    main()
