"""AOT benchmark: build time (cold vs warm compile cache), import time, and the cost of a
native call from Python against a hand-written C `METH_FASTCALL` extension function.

    PYTHONPATH=.:runtime python3 bench/bench_aot.py [--calls N]

Builds everything it measures in a temporary folder in one run (the demo module of
examples/setuptools-demo and a small hand-written C extension, both with `cc`).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "runtime")]

from ilo_aot.aot import build_module  # noqa: E402
from ilo_aot.aot.toolchain import CcToolchain  # noqa: E402
from ilo_aot.cache import CompileCache  # noqa: E402

DEMO = ROOT / "examples" / "setuptools-demo" / "src" / "geodemo" / "kernels.ilo"

HANDWRITTEN = r"""
#define Py_LIMITED_API 0x030A0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* f(a, b, c) = a + b + c on doubles: what a careful C programmer writes by hand. */
static PyObject *f(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    double a, b, c;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "f() takes 3 arguments");
        return NULL;
    }
    a = PyFloat_AsDouble(args[0]);
    b = PyFloat_AsDouble(args[1]);
    c = PyFloat_AsDouble(args[2]);
    if ((a == -1.0 || b == -1.0 || c == -1.0) && PyErr_Occurred())
        return NULL;
    return PyFloat_FromDouble(a + (b + c));
}

static PyMethodDef methods[] = {
    {"f", (PyCFunction)(void (*)(void))f, METH_FASTCALL, "f(a, b, c)"},
    {NULL, NULL, 0, NULL}
};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "handc", NULL, -1, methods,
                                 NULL, NULL, NULL, NULL};
PyMODINIT_FUNC PyInit_handc(void) { return PyModule_Create(&def); }
"""


def _import(path: Path, name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _ns_per_call(fn, args: tuple, calls: int) -> float:  # type: ignore[no-untyped-def]
    timer = timeit.Timer("f(a, b, c)", globals={"f": fn, "a": args[0], "b": args[1],
                                                 "c": args[2]})
    return min(timer.repeat(repeat=7, number=calls)) / calls * 1e9


def _import_ms(folder: Path, module: str, runs: int = 15) -> float:
    """Median wall time of `import module` in a fresh interpreter, minus an empty run."""
    env = dict(os.environ, PYTHONPATH=f"{folder}{os.pathsep}{ROOT / 'runtime'}")
    code = (f"import time; t = time.perf_counter(); import {module}; "
            "print(time.perf_counter() - t)")
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ilo-bench-"))
    try:
        tc = CcToolchain()
        cache = CompileCache(tmp / "cache")
        src = tmp / "kernels.ilo"
        shutil.copy(DEMO, src)
        cold = build_module(str(src), str(tmp / "cold" / "kernels.abi3.so"),
                            module_name="kernels", toolchain=tc, cache=cache)
        warm_times = []
        for i in range(5):
            warm = build_module(str(src), str(tmp / f"warm{i}" / "kernels.abi3.so"),
                                module_name="kernels", toolchain=tc, cache=cache)
            assert warm.cache_hit
            warm_times.append(warm.seconds)
        nocache = [build_module(str(src), str(tmp / "nc" / "kernels.abi3.so"),
                                module_name="kernels", toolchain=tc, use_cache=False).seconds
                   for _ in range(3)]

        (tmp / "handc.c").write_text(HANDWRITTEN)
        tc.link(str(tmp / "handc.c"), [], str(tmp / "cold" / "handc.abi3.so"), str(tmp))

        kern = _import(Path(cold.ext_path), "kernels")
        handc = _import(tmp / "cold" / "handc.abi3.so", "handc")
        assert kern.tot(1.0, 2.0, 3.0) == handc.f(1.0, 2.0, 3.0) == 6.0

        floats = (1.5, 2.25, 3.125)
        ints = (1, 2, 3)
        rows = [
            ("hand-written C METH_FASTCALL f(a,b,c), floats", _ns_per_call(handc.f, floats,
                                                                              args.calls)),
            ("ilo AOT native tot(a,b,c), floats", _ns_per_call(kern.tot, floats, args.calls)),
            ("ilo AOT native tot(a,b,c), ints", _ns_per_call(kern.tot, ints, args.calls)),
            ("ilo fallback tier tot(a,b,c), floats",
             _ns_per_call(kern.__ilo_fallback__.tot, floats, args.calls // 4)),
        ]
        imp_kern = _import_ms(tmp / "cold", "kernels")
        imp_hand = _import_ms(tmp / "cold", "handc")

        print(f"build, cold cache (check + LLVM + cc + link): {min(nocache + [cold.seconds]):.3f} s")
        print(f"build, warm cache (check + cache copy):       {min(warm_times):.3f} s")
        print(f"import kernels (extension + fallback tier):    {imp_kern:.1f} ms")
        print(f"import handc (hand-written C):                 {imp_hand:.1f} ms")
        for label, ns in rows:
            print(f"{label:48s} {ns:7.1f} ns/call")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
