"""JIT compile-cache hits within one process: cold compiles, then the same modules again from
the cache in a new process (the first hit in a process pays one-time costs; the rest are the
steady state). Run: PYTHONPATH=.:runtime python3 bench/bench_jit_cache.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
from ilo_aot.api import compile_program
from ilo_aot.backends.llvm import compile_module, jit, target
from ilo_aot.cache import CompileCache, compiler_fingerprint
cache = CompileCache()
compiler_fingerprint(); target.host_cpu(); jit._shared_engine(2); jit._shared_engine(0)
programs = [compile_program(f"tot{i} p:n q:n r:n>n;s=*p q;t=*s r;+s +t {i}") for i in range(12)]
for lp in programs:
    t0 = time.perf_counter()
    nm = compile_module(lp.program, cache=cache)
    print(f"{int(nm.jit.cache_hit)} {(time.perf_counter() - t0) * 1e3:.3f}")
"""


def run(cache_dir: str) -> list[tuple[bool, float]]:
    env = {**os.environ, "ILO_AOT_CACHE": cache_dir,
           "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'runtime'}"}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    return [(ln.split()[0] == "1", float(ln.split()[1])) for ln in out if ln.strip()]


def main() -> None:
    with tempfile.TemporaryDirectory() as cache_dir:
        t0 = time.perf_counter()
        cold = run(cache_dir)
        warm = run(cache_dir)
        print(f"(both processes: {time.perf_counter() - t0:.1f} s)")
    print("module      cold ms   hit ms")
    for i, ((c_hit, c_ms), (w_hit, w_ms)) in enumerate(zip(cold, warm, strict=True)):
        assert not c_hit and w_hit
        print(f"tot{i:<8} {c_ms:8.2f} {w_ms:8.2f}")
    steady = sorted(ms for _, ms in warm[1:])
    print(f"steady-state hit: median {steady[len(steady) // 2]:.2f} ms, best {steady[0]:.2f} ms;"
          f" first hit in the process {warm[0][1]:.2f} ms")


if __name__ == "__main__":
    main()
