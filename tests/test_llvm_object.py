"""LLVM backend, ahead of time: object files for several triples, assembly and IR listings."""

from __future__ import annotations

import shutil
import subprocess

import llvmlite.binding as llvm
import pytest
from test_ir_support import call, expr, fn, name, num, op, program

from ilo_aot.backends.llvm import TargetError, emit_object, show_asm, show_llvm, target
from ilo_aot.backends.llvm.native import _analysis_for, _module_for, show_ir
from ilo_aot.frontend import ast as A


def _program():
    fma = fn("fma a:n b:n c:n>n", expr(op("+", op("*", name("a"), name("b")), name("c"))))
    fib = fn(
        "fib n:n>n",
        A.Guard(op("<", name("n"), num(2)), name("n")),
        expr(
            op(
                "+",
                call("fib", op("-", name("n"), num(1))),
                call("fib", op("-", name("n"), num(2))),
            )
        ),
    )
    s = fn("get-sin x:n>n", expr(call("sin", name("x"))))
    return program(fma, fib, s)


def _symbols(path: str) -> dict[str, str]:
    """Defined/undefined symbol names of an ELF object (via the object file's sections)."""
    data = open(path, "rb").read()
    obj = llvm.ObjectFileRef.from_data(data)
    names = [s.name() for s in obj.sections()]
    assert names  # parsed as an object file
    readelf = shutil.which("readelf")
    if readelf is None:
        return {}
    out = subprocess.run([readelf, "-Ws", path], capture_output=True, text=True, check=True).stdout
    syms: dict[str, str] = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0].rstrip(":").isdigit():
            syms[parts[7]] = parts[6]  # name -> section index ("UND" for undefined)
    return syms


@pytest.mark.parametrize(
    "triple,machine",
    [("x86_64-unknown-linux-gnu", b"\x3e\x00"), ("aarch64-unknown-linux-gnu", b"\xb7\x00")],
)
def test_object_files_for_linux_triples(tmp_path, triple: str, machine: bytes) -> None:
    path = tmp_path / "k.o"
    res = emit_object(_program(), triple, path)
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[18:20] == machine
    assert res.symbols == {"fma": "ilo_fma", "fib": "ilo_fib", "get-sin": "ilo_get_sin"}
    syms = _symbols(str(path))
    if syms:
        for sym in res.symbols.values():
            assert syms.get(sym) not in (None, "UND"), sym
        assert syms.get("sin") == "UND"  # libm call left to the linker
        assert not any(s.startswith("Py") for s in syms)  # no Python API in AOT objects


def test_other_object_formats(tmp_path) -> None:
    emit_object(_program(), "arm64-apple-macosx11.0.0", tmp_path / "m.o")
    assert (tmp_path / "m.o").read_bytes()[:4] == b"\xcf\xfa\xed\xfe"  # Mach-O 64
    emit_object(_program(), "x86_64-pc-windows-msvc", tmp_path / "w.obj")
    assert (tmp_path / "w.obj").read_bytes()[:2] == b"\x64\x86"  # COFF x86-64


def test_unknown_triple_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(TargetError, match="unsupported target triple"):
        emit_object(_program(), "nonsense-foo-bar", tmp_path / "x.o")


def test_no_fma_contraction() -> None:
    # a*b+c must round twice: no fused multiply-add on either architecture.
    arm = show_asm(_program(), "fma", "aarch64-unknown-linux-gnu")
    assert "fmul" in arm and "fadd" in arm and "fmadd" not in arm
    tm = target.target_machine("x86_64", cpu="znver3")  # a CPU with FMA instructions
    asm = tm.emit_assembly(_module_for(_analysis_for(_program(), "fma"), "ilo_", tm, 2))
    assert "vfmadd" not in asm and "mulsd" in asm


def test_show_llvm_and_ir() -> None:
    text = show_llvm(_program(), "fib")
    assert "define double @ilo_fib(ptr" in text
    assert "fast" not in text and "contract" not in text  # no fast-math flags
    ir_text = show_ir(_program(), "fib")
    assert ir_text.startswith("fn fib(%0:f64) -> f64")
    with pytest.raises(ValueError, match="not native"):
        show_llvm(program(fn("t x:n>t", expr(name("x")))), "t")


HARNESS = r"""
#include <stdint.h>
#include <stdio.h>
typedef struct { int32_t status, depth, depth_limit, trace_len, trace_cap, reserved; int32_t *trace; } IloCtx;
double ilo_fib(IloCtx *, double);
double ilo_get_sin(IloCtx *, double);
static int32_t trace[64];
int main(void) {
    IloCtx ctx = {0, 0, 10000, 0, 64, 0, trace};
    double r = ilo_fib(&ctx, 20.0);
    printf("%.17g %d %d\n", r, ctx.status, ctx.depth);
    IloCtx shallow = {0, 0, 5, 0, 64, 0, trace};
    ilo_fib(&shallow, 20.0);
    printf("%d %d %d\n", shallow.status, shallow.trace_len, trace[0]);
    printf("%.17g\n", ilo_get_sin(&ctx, 1.0));
    return 0;
}
"""


def _run_harness(tmp_path, triple: str, cc: str, runner: list[str]) -> str:
    obj = tmp_path / "k.o"
    res = emit_object(_program(), triple, obj)
    assert res.recursion_limit == 10000
    (tmp_path / "main.c").write_text(HARNESS)
    exe = tmp_path / "main"
    flags = ["-static"] if runner else []
    subprocess.run(
        [cc, *flags, "-o", str(exe), str(tmp_path / "main.c"), str(obj), "-lm"],
        check=True,
        capture_output=True,
    )
    return subprocess.run([*runner, str(exe)], check=True, capture_output=True, text=True).stdout


def _expected() -> str:
    import math

    fib_id = 1  # fn_id: position among the native functions (fma, fib, get-sin)
    # limit 5: five frames active when the sixth call is refused, all recorded.
    return f"6765 0 0\n1 5 {fib_id}\n{math.sin(1.0)!r}\n"


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_x86_64_object_links_and_runs_with_c(tmp_path) -> None:
    import platform

    if platform.machine() != "x86_64":
        pytest.skip("x86_64 host only")
    assert _run_harness(tmp_path, "x86_64-unknown-linux-gnu", "gcc", []) == _expected()


@pytest.mark.skipif(
    shutil.which("aarch64-linux-gnu-gcc") is None or shutil.which("qemu-aarch64") is None,
    reason="needs aarch64-linux-gnu-gcc and qemu-aarch64",
)
def test_aarch64_object_links_and_runs_under_qemu(tmp_path) -> None:
    out = _run_harness(
        tmp_path, "aarch64-unknown-linux-gnu", "aarch64-linux-gnu-gcc", ["qemu-aarch64"]
    )
    assert out == _expected()
