"""Native code (LLVM, in process) against hand-written C, the fallback tier and plain CPython,
as ratios measured side by side in one process; plus call overhead and compile times.

    PYTHONPATH=.:runtime python3 bench/bench_native.py [--rounds N] [--target-ms MS]

Tiers, per kernel:
- C: the kernel in C (bench/_cext/ilobench.c), gcc -O2, a hand-written METH_FASTCALL extension
  module built by this script against the running Python's headers (cached in bench/_build/);
- native: `compile_module(program).callables[name]` (LLVM O2, MCJIT, METH_FASTCALL wrapper);
- fallback: the fallback tier (`ilo_aot.load(src, engine="interp")`);
- CPython: the kernel written naturally in Python.

Every tier is timed once per round, the tiers interleaved (order rotated each round); fast
tiers repeat the call to fill `--target-ms` per sample. Reported: the best time per call, and
for native/C the range of the per-round ratios (a noise figure). Results of all tiers are
checked equal before timing.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "runtime")]

import llvmlite.binding as llvm  # noqa: E402

import ilo_aot  # noqa: E402
from ilo_aot.api import compile_program  # noqa: E402
from ilo_aot.backends.llvm import codegen as llvm_codegen  # noqa: E402
from ilo_aot.backends.llvm import compile_module, pywrap, target  # noqa: E402
from ilo_aot.ir.eligibility import analyse  # noqa: E402

CEXT_SOURCE = ROOT / "bench" / "_cext" / "ilobench.c"
BUILD_DIR = ROOT / "bench" / "_build"
# LLVM engines made for measurements stay alive to the end (freeing one is not what is timed).
_LEAK: list[Any] = []
CFLAGS = ["-O2", "-fPIC", "-shared", "-ffp-contract=off"]

# The kernels (tot is issue 4's running example; escape is called by mandel).
KERNEL_SOURCE = """\
tot p:n q:n r:n>n;s=*p q;t=*s r;+s t
fib n:n>n;<n 2 n;+fib -n 1 fib -n 2
sumrep reps:n n:n>n;t=0;@r 0..reps{s=0;@i 0..n{s=+s i};t=+t s};t
collatz-total lim:n>n;t=0;@k 1..+lim 1{x=k;wh >x 1{x=?=mod x 2 0 (/x 2) (+*3 x 1);t=+t 1}};t
escape cr:n ci:n>n;zr=0;zi=0;k=0;wh <k 100{>+*zr zr *zi zi 4{brk};nzr=+-*zr zr *zi zi cr;\
zi=+*2 *zr zi ci;zr=nzr;k=+k 1};k
mandel n:n>n;t=0;@i 0..n{cr=-/*2.5 i n 2;@j 0..n{ci=-/*2.5 j n 1.25;t=+t escape cr ci}};t
"""


# ------------------------------------------------------------------ plain CPython, written naturally


def py_tot(p: float, q: float, r: float) -> float:
    s = p * q
    t = s * r
    return s + t


def py_fib(n: int) -> int:
    return n if n < 2 else py_fib(n - 1) + py_fib(n - 2)


def py_sumrep(reps: int, n: int) -> int:
    t = 0
    for _ in range(reps):
        s = 0
        for i in range(n):
            s += i
        t += s
    return t


def py_collatz_total(lim: int) -> int:
    t = 0
    for k in range(1, lim + 1):
        x = k
        while x > 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            t += 1
    return t


def py_escape(cr: float, ci: float) -> int:
    zr = zi = 0.0
    k = 0
    while k < 100:
        if zr * zr + zi * zi > 4:
            break
        zr, zi = zr * zr - zi * zi + cr, 2 * (zr * zi) + ci
        k += 1
    return k


def py_mandel(n: int) -> int:
    t = 0
    for i in range(n):
        cr = 2.5 * i / n - 2
        for j in range(n):
            t += py_escape(cr, 2.5 * j / n - 1.25)
    return t


# ------------------------------------------------------------------ the C extension


def build_cext() -> tuple[Any, str]:
    """Build (or reuse from bench/_build/) and import the hand-written C extension.
    Returns the module and a line saying whether it was built or cached."""
    ext = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    gcc = subprocess.run(["gcc", "--version"], capture_output=True, text=True, check=True).stdout
    key = hashlib.sha256(
        CEXT_SOURCE.read_bytes() + sys.version.encode() + gcc.encode() + " ".join(CFLAGS).encode()
    ).hexdigest()[:16]
    out = BUILD_DIR / key / f"ilobench{ext}"
    note = "cached"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".tmp{os.getpid()}{ext}")
        cmd = ["gcc", *CFLAGS, f"-I{sysconfig.get_paths()['include']}", str(CEXT_SOURCE), "-o",
               str(tmp), "-lm"]
        subprocess.run(cmd, check=True)
        os.replace(tmp, out)
        note = f"built with gcc {' '.join(CFLAGS)} against the running Python's headers"
    spec = importlib.util.spec_from_file_location("ilobench", out)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, note


# ------------------------------------------------------------------ timing


@dataclass
class Tier:
    name: str
    fn: Callable[..., Any]
    number: int = 1  # calls per sample
    samples: list[float] = field(default_factory=list)  # seconds per call, one per round

    @property
    def best(self) -> float:
        return min(self.samples)


def _sample(fn: Callable[..., Any], args: tuple, number: int) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        fn(*args)
    return (time.perf_counter() - t0) / number


def _calibrate(fn: Callable[..., Any], args: tuple, target: float) -> int:
    once = _sample(fn, args, 1)
    if once >= target / 2:
        return 1
    return max(1, math.ceil(target / max(_sample(fn, args, 3), 1e-9)))


def run_interleaved(tiers: list[Tier], args: tuple, rounds: int) -> None:
    """One sample of every tier per round, the order rotated each round."""
    for r in range(rounds):
        order = tiers[r % len(tiers):] + tiers[: r % len(tiers)]
        for tier in order:
            tier.samples.append(_sample(tier.fn, args, tier.number))


def fmt_ratio(x: float) -> str:
    return f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e9:.0f} ns"


@dataclass
class Kernel:
    label: str
    ilo_name: str
    c_name: str
    py_fn: Callable[..., Any]
    args: tuple
    loop: bool  # a loop kernel (the >= 50x over fallback goal applies)


KERNELS = [
    Kernel("tot 10 20 30", "tot", "tot", py_tot, (10, 20, 30), False),
    Kernel("fib 25", "fib", "fib", py_fib, (25,), False),
    Kernel("sum 0..1000 x 10,000", "sumrep", "sumrep", py_sumrep, (10_000, 1000), True),
    Kernel("Collatz steps 1..100000", "collatz-total", "collatz_total", py_collatz_total,
           (100_000,), True),
    Kernel("Mandelbrot 200x200", "mandel", "mandel", py_mandel, (200,), True),
]


def bench_kernels(cext: Any, native: dict[str, Any], interp: Any, rounds: int, target: float) -> None:
    print(f"\n## kernels: best time per call over {rounds} interleaved rounds\n")
    print("| kernel | C -O2 | native | fallback | CPython | native/C (per-round range) "
          "| fallback/native | CPython/native |")
    print("|---|---|---|---|---|---|---|---|")
    # Variants of the C kernel that show where a native/C gap comes from.
    extra_c = {
        "fib": [("C, noinline (no recursive inlining)", cext.fib_noinline),
                ("C, noinline + the native depth/status protocol", cext.fib_ctx)],
        "collatz-total": [("C with ilo semantics (doubles, fmod)", cext.collatz_total_fmod)],
    }
    for k in KERNELS:
        fns = {
            "C": getattr(cext, k.c_name),
            "native": native[k.ilo_name],
            "fallback": getattr(interp, k.ilo_name.replace("-", "_")),
            "CPython": k.py_fn,
        }
        fns.update(extra_c.get(k.ilo_name, []))
        results = {name: fn(*k.args) for name, fn in fns.items()}
        if len({float(v) for v in results.values()}) != 1:
            raise SystemExit(f"{k.label}: tiers disagree: {results}")
        tiers = [Tier(name, fn, _calibrate(fn, k.args, target)) for name, fn in fns.items()]
        run_interleaved(tiers, k.args, rounds)
        by = {t.name: t for t in tiers}
        c, nat = by["C"], by["native"]
        per_round = [n / cc for n, cc in zip(nat.samples, c.samples, strict=True)]
        print(
            f"| {k.label} | {fmt_time(c.best)} | {fmt_time(nat.best)} | {fmt_time(by['fallback'].best)} "
            f"| {fmt_time(by['CPython'].best)} | {nat.best / c.best:.2f} "
            f"({min(per_round):.2f}-{max(per_round):.2f}) | {fmt_ratio(by['fallback'].best / nat.best)} "
            f"| {fmt_ratio(by['CPython'].best / nat.best)} |"
        )
        for name, _ in extra_c.get(k.ilo_name, []):
            t = by[name]
            ratios = [n / x for n, x in zip(nat.samples, t.samples, strict=True)]
            print(f"| ↳ {name} | {fmt_time(t.best)} | | | | {nat.best / t.best:.2f} "
                  f"({min(ratios):.2f}-{max(ratios):.2f}) | | |")


# ------------------------------------------------------------------ call overhead of tot


def _loop(f: Callable[..., Any], a: Any, b: Any, c: Any, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        f(a, b, c)
    return time.perf_counter() - t0


def _empty_loop(n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        pass
    return time.perf_counter() - t0


def bench_call_overhead(cext: Any, native_tot: Any, rounds: int, calls: int) -> None:
    print(f"\n## call overhead of `tot` from Python: ns per call, best of {rounds} interleaved rounds "
          f"of {calls:,} calls\n")
    print("| method | arguments | C METH_FASTCALL | native builtin | native/C (per-round range) |")
    print("|---|---|---|---|---|")
    for method in ("tight loop", "timeit"):
        for argname, args in (("ints 10, 20, 30", (10, 20, 30)), ("floats 1.5, 2.25, 3.125",
                                                                  (1.5, 2.25, 3.125))):
            g = {"a": args[0], "b": args[1], "c": args[2]}
            samples: dict[str, list[float]] = {"C": [], "native": []}
            for r in range(rounds):
                pair = [("C", cext.tot), ("native", native_tot)]
                for name, f in pair if r % 2 == 0 else pair[::-1]:
                    if method == "timeit":
                        t = timeit.Timer("f(a, b, c)", globals={**g, "f": f}).timeit(calls)
                    else:
                        t = _loop(f, *args, calls)
                    samples[name].append(t / calls * 1e9)
            ratios = [n / c for n, c in zip(samples["native"], samples["C"], strict=True)]
            c_best, n_best = min(samples["C"]), min(samples["native"])
            print(f"| {method} | {argname} | {c_best:.1f} | {n_best:.1f} | {n_best / c_best:.2f} "
                  f"({min(ratios):.2f}-{max(ratios):.2f}) |")
    empty = min(_empty_loop(calls) for _ in range(rounds)) / calls * 1e9
    noop = min(timeit.Timer("pass").timeit(calls) for _ in range(rounds)) / calls * 1e9
    print(f"\nloop overhead included above: empty `for` loop {empty:.1f} ns/iteration, "
          f"timeit of `pass` {noop:.1f} ns")


# ------------------------------------------------------------------ compile times


def bench_compile(rounds: int) -> None:
    print(f"\n## compile times (best / median of {rounds})\n")
    t0 = time.perf_counter()
    lp = compile_program(KERNEL_SOURCE)
    t_front = time.perf_counter() - t0
    front = [t_front]
    for _ in range(rounds - 1):
        t0 = time.perf_counter()
        compile_program(KERNEL_SOURCE)
        front.append(time.perf_counter() - t0)
    print(f"front end + fallback tier for the 6-function source (compile_program): "
          f"best {fmt_time(min(front))}, median {fmt_time(statistics.median(front))}\n")
    print("| function (module compiled) | functions | analysis + IR | LLVM O2 + MCJIT + wrappers "
          "| total (best) | total (median) | per function |")
    print("|---|---|---|---|---|---|---|")
    names = ["tot", "fib", "sumrep", "collatz-total", "mandel", None]  # None: all six at once
    runs: dict[str | None, list[tuple[float, float, float, int]]] = {n: [] for n in names}
    for _ in range(rounds):  # every module once per round
        for name in names:
            t0 = time.perf_counter()
            nm = compile_module(lp.program, None if name is None else [name])
            runs[name].append((time.perf_counter() - t0, nm.analysis_seconds, nm.llvm_seconds,
                               len(nm.ir.functions)))
    for name in names:
        best = min(runs[name])
        med = statistics.median(r[0] for r in runs[name])
        nfun = best[3]
        label = "all six together" if name is None else f"{name} (+escape)" if nfun > 1 else name
        print(f"| {label} | {nfun} | {fmt_time(best[1])} | {fmt_time(best[2])} | {fmt_time(best[0])} "
              f"| {fmt_time(med)} | {fmt_time(best[0] / nfun)} |")


def _jit_stages(text: str, keep: list[Any]) -> tuple[float, float]:
    """(parse + O2, MCJIT machine code) seconds for LLVM text, as JitModule.build does them."""
    tm = target.host_target_machine(2)
    t0 = time.perf_counter()
    mod = target.prepare(text, tm, 2)
    t1 = time.perf_counter()
    engine = llvm.create_mcjit_compiler(mod, tm)
    engine.finalize_object()
    t2 = time.perf_counter()
    keep += [engine, tm]  # the engine owns the target machine: both must outlive this call
    return t1 - t0, t2 - t1


def bench_compile_breakdown(rounds: int) -> None:
    """Where a JIT compile's time goes: the function alone vs with its METH_FASTCALL wrapper,
    the O2 pipeline vs MCJIT's machine code generation."""
    print(f"\n## JIT compile breakdown (best of {rounds}): the function alone vs with its Python "
          "wrapper\n")
    print("| module | LLVM IR lines (functions / wrappers) | alone: O2 | alone: machine code "
          "| with wrappers: O2 | with wrappers: machine code | wrappers, kernel call noinline: O2 "
          "| wrappers, noinline: machine code |")
    print("|---|---|---|---|---|---|---|---|")
    lp = compile_program(KERNEL_SOURCE)
    keep: list[Any] = []
    for name in ("tot", "fib", "sumrep", "collatz-total", "mandel"):
        module = analyse(lp.program, [name]).module
        wrappers, decls = pywrap.emit_wrappers(module, "ilo_b_", "b", 10001, 10000)
        alone = llvm_codegen.module_text(module, prefix="ilo_b_")
        wrapped = llvm_codegen.module_text(module, prefix="ilo_b_", extra=wrappers, extra_decls=decls)
        # The same, but the wrapper's call of the function marked noinline (an experiment: O2
        # otherwise inlines every function into its wrapper, compiling its body twice).
        no_inline = re.sub(r"(%res = call [^\n]*\))", r"\1 #7", wrapped) + "attributes #7 = { noinline }\n"
        texts = (alone, wrapped, no_inline)
        runs: list[list[tuple[float, float]]] = [[] for _ in texts]
        for _ in range(rounds):  # the three variants interleaved
            for i, text in enumerate(texts):
                runs[i].append(_jit_stages(text, keep))
        cols = []
        for r in runs:
            cols += [fmt_time(min(x[0] for x in r)), fmt_time(min(x[1] for x in r))]
        print(f"| {name} | {len(alone.splitlines())} / {len(wrapped.splitlines()) - len(alone.splitlines())} "
              f"| {' | '.join(cols)} |")
    _LEAK.extend(keep)


# Run in a fresh interpreter per sample: the JIT names a module's symbols after its content and
# a load count (jit.py), so only the first compile of a module in a process can hit the cache.
_JIT_CACHE_CHILD = r"""
import json, sys, time
sys.path[:0] = sys.argv[3:]
from bench_native import KERNEL_SOURCE, jit_hit_stages
from ilo_aot.api import compile_program
from ilo_aot.backends.llvm import compile_module
from ilo_aot.cache import CompileCache, compiler_fingerprint
lp = compile_program(KERNEL_SOURCE)
compile_module(compile_program("warm x:n>n;+x 1").program)  # LLVM initialisation, not timed
t0 = time.perf_counter(); compiler_fingerprint(); out = {"fingerprint": time.perf_counter() - t0}
cache = CompileCache(sys.argv[1])
for name in ("tot", "fib", "sumrep", "collatz-total", "mandel"):
    t0 = time.perf_counter()
    nm = compile_module(lp.program, [name], cache=cache)
    out[name] = [time.perf_counter() - t0, bool(nm.jit.cache_hit), len(nm.ir.functions)]
if sys.argv[2] == "stages":
    out["stages"] = jit_hit_stages(lp.program, "tot", cache)
print(json.dumps(out))
"""


def jit_hit_stages(program: Any, name: str, cache: Any) -> dict[str, float]:
    """The steps of a JIT cache hit for `name` (as JitModule.build takes them), timed one by one:
    analysis, LLVM text (twice: content digest, then with wrappers), target machine, key, cache
    read, parse, MCJIT load of the cached object. Call after `name` was compiled with `cache`."""
    from ilo_aot.cache import compiler_fingerprint, make_key

    t: dict[str, float] = {}
    t0 = time.perf_counter()
    module = analyse(program, [name]).module
    t1 = time.perf_counter()
    llvm_codegen.module_text(module, prefix="ilo_k_")
    wrappers, decls = pywrap.emit_wrappers(module, "ilo_s_", "s", 10001, 10000)
    text = llvm_codegen.module_text(module, prefix="ilo_s_", extra=wrappers, extra_decls=decls)
    t2 = time.perf_counter()
    tm = target.host_target_machine(2)
    t3 = time.perf_counter()
    key = make_key("jit", compiler_fingerprint(), tm.triple, llvm.get_host_cpu_name(),
                   llvm.get_host_cpu_features().flatten(), "2", text)
    t4 = time.perf_counter()
    cache.get(key)
    t5 = time.perf_counter()
    mod = target.parse(text)
    t6 = time.perf_counter()
    obj = tm.emit_object(target.prepare(text, target.host_target_machine(2), 2))  # stand-in entry
    t7 = time.perf_counter()
    engine = llvm.create_mcjit_compiler(mod, tm)
    engine.set_object_cache(getbuffer_func=lambda _m: obj)
    engine.finalize_object()
    t8 = time.perf_counter()
    _LEAK.extend([engine, tm])
    t.update({"analysis": t1 - t0, "LLVM text x2": t2 - t1, "target machine": t3 - t2,
              "key": t4 - t3, "cache read": t5 - t4, "parse": t6 - t5, "MCJIT load": t8 - t7})
    return t


def bench_jit_cache(rounds: int) -> None:
    """compile_module with a compile cache: a cold compile (miss, stored), then hits, each
    sample in a fresh interpreter."""
    import json

    print(f"\n## JIT compile cache (`compile_module(..., cache=CompileCache(dir))`), one fresh "
          f"interpreter per sample, 1 cold + {rounds} warm\n")
    env = dict(os.environ)
    paths = [str(ROOT), str(ROOT / "runtime"), str(ROOT / "bench")]
    with tempfile.TemporaryDirectory(prefix="ilo-bench-jitcache-") as tmp:
        runs = []
        for i in range(rounds + 1):
            mode = "stages" if i == rounds else "plain"
            out = subprocess.run([sys.executable, "-c", _JIT_CACHE_CHILD, tmp, mode, *paths],
                                 capture_output=True, text=True, env=env, check=True).stdout
            runs.append(json.loads(out))
    cold, warm = runs[0], runs[1:]
    print("| module | cold: miss, compile, store | hit (best) | hit (median) |")
    print("|---|---|---|---|")
    for name in ("tot", "fib", "sumrep", "collatz-total", "mandel"):
        if cold[name][1] or not all(w[name][1] for w in warm):
            raise SystemExit(f"{name}: unexpected cache behaviour {cold[name]} {[w[name] for w in warm]}")
        hits = [w[name][0] for w in warm]
        label = f"{name} (+escape)" if cold[name][2] > 1 else name
        print(f"| {label} | {fmt_time(cold[name][0])} | {fmt_time(min(hits))} "
              f"| {fmt_time(statistics.median(hits))} |")
    fp = [r["fingerprint"] for r in runs]
    print(f"\nonce per process before the first cache access: `compiler_fingerprint()` (hashes every "
          f".py file of ilo_aot) {fmt_time(min(fp))} best, {fmt_time(statistics.median(fp))} median")
    stages = runs[-1]["stages"]
    print("\nsteps of one hit (`tot`), timed separately: " + ", ".join(
        f"{k} {fmt_time(v)}" for k, v in stages.items()))


def bench_jit_cache_probe(rounds: int) -> None:
    """What a JIT code-cache hit could cost: the `tot` module's object code (function +
    wrapper, as JitModule.build compiles it) loaded into MCJIT again, into a fresh engine or
    into one long-lived engine. A measurement, not a feature: there is no JIT cache yet."""
    lp = compile_program(KERNEL_SOURCE)
    module = analyse(lp.program, ["tot"]).module
    tm = target.host_target_machine(2)
    objects = []
    for i in range(rounds):  # distinct symbols per object, one object per load
        prefix, uid = f"ilo_p{i}_", f"p{i}"
        wrappers, decls = pywrap.emit_wrappers(module, prefix, uid, 10001, 10000)
        text = llvm_codegen.module_text(module, prefix=prefix, extra=wrappers, extra_decls=decls)
        objects.append((prefix, tm.emit_object(target.prepare(text, tm, 2))))
    keep: list[Any] = [tm]
    fresh = []
    for prefix, obj in objects:
        t0 = time.perf_counter()
        tm_i = target.host_target_machine(2)
        engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), tm_i)
        engine.add_object_file(llvm.ObjectFileRef.from_data(obj))
        engine.finalize_object()
        assert engine.get_function_address(f"pyw_{prefix}tot")
        fresh.append(time.perf_counter() - t0)
        keep += [engine, tm_i]
    tm_s = target.host_target_machine(2)
    shared = llvm.create_mcjit_compiler(llvm.parse_assembly(""), tm_s)
    shared.finalize_object()
    keep += [shared, tm_s]
    reused = []
    for i, (_prefix, obj) in enumerate(objects):
        # Same symbols as in the fresh engines, so rename by re-emitting with another prefix.
        prefix, uid = f"ilo_q{i}_", f"q{i}"
        wrappers, decls = pywrap.emit_wrappers(module, prefix, uid, 10001, 10000)
        text = llvm_codegen.module_text(module, prefix=prefix, extra=wrappers, extra_decls=decls)
        obj = tm.emit_object(target.prepare(text, tm, 2))
        t0 = time.perf_counter()
        shared.add_object_file(llvm.ObjectFileRef.from_data(obj))
        shared.finalize_object()
        assert shared.get_function_address(f"pyw_{prefix}tot")
        reused.append(time.perf_counter() - t0)
    _LEAK.extend(keep)
    print(f"\nJIT cache probe (`tot` object, {len(objects[0][1])} bytes, loaded into MCJIT; best / median "
          f"of {rounds}): fresh target machine + engine per load {fmt_time(min(fresh))} / "
          f"{fmt_time(statistics.median(fresh))}; one long-lived engine {fmt_time(min(reused))} / "
          f"{fmt_time(statistics.median(reused))}")


def bench_cache(rounds: int) -> None:
    """The compile cache (ilo_aot.cache) on a hit: the AOT object path of a one-function
    module (there is no in-process JIT code cache to measure)."""
    from ilo_aot.aot.build import emit_sources
    from ilo_aot.cache import CompileCache, make_key

    print(f"\n## compile cache (ilo_aot.cache), best / median of {rounds}\n")
    with tempfile.TemporaryDirectory(prefix="ilo-bench-cache-") as tmp:
        src = Path(tmp) / "kern.ilo"
        src.write_text(KERNEL_SOURCE.splitlines()[0] + "\n")  # tot only
        cache = CompileCache(Path(tmp) / "cache")
        outs = [str(Path(tmp) / f) for f in ("kern_shim.c", "kern.o", "kern.pyi")]
        cold = emit_sources(str(src), *outs, cache=cache)
        assert not cold.cache_hit
        warm = []
        for _ in range(rounds):
            res = emit_sources(str(src), *outs, cache=cache)
            assert res.cache_hit
            warm.append(res.seconds)
        key = make_key("bench", src.read_text())
        cache.put(key, {"obj": Path(outs[1]).read_bytes()})
        lookups = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            hit = cache.get(make_key("bench", src.read_text()))
            lookups.append(time.perf_counter() - t0)
            assert hit is not None
        print("| what | best | median |")
        print("|---|---|---|")
        print(f"| `tot` module, cold: verify + LLVM object + shim + stub, stored | "
              f"{fmt_time(cold.seconds)} | |")
        print(f"| `tot` module, hit: `emit_sources` (verify the source, key, read entry, write 3 files) | "
              f"{fmt_time(min(warm))} | {fmt_time(statistics.median(warm))} |")
        print(f"| raw hit: `make_key` + `CompileCache.get` of a {len(hit['obj'])}-byte object | "
              f"{fmt_time(min(lookups))} | {fmt_time(statistics.median(lookups))} |")


# ------------------------------------------------------------------ main


def machine_facts() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"nproc {os.cpu_count()}, CPU {cpu}, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d %H:%M')}, load average {load:.2f} at start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds per kernel")
    ap.add_argument("--target-ms", type=float, default=50.0,
                    help="minimum duration of one sample of a fast tier")
    ap.add_argument("--calls", type=int, default=200_000, help="calls per call-overhead sample")
    ap.add_argument("--skip-kernels", action="store_true", help="only call overhead and compile times")
    args = ap.parse_args()
    print(machine_facts())

    t0 = time.perf_counter()
    lp = compile_program(KERNEL_SOURCE)
    t1 = time.perf_counter()
    compile_module(lp.program, ["tot"])
    t2 = time.perf_counter()
    nm = compile_module(lp.program)
    t3 = time.perf_counter()
    print(f"first compiles in this process: front end of the kernels {fmt_time(t1 - t0)}; "
          f"first compile_module (tot, LLVM initialisation included) {fmt_time(t2 - t1)}; "
          f"then all six functions {fmt_time(t3 - t2)}")
    if nm.ineligible:
        raise SystemExit(f"kernels not native: {nm.ineligible}")
    cext, note = build_cext()
    print(f"C extension: {note}")
    interp = ilo_aot.load(KERNEL_SOURCE, engine="interp")

    if not args.skip_kernels:
        bench_kernels(cext, nm.callables, interp, args.rounds, args.target_ms / 1e3)
    bench_call_overhead(cext, nm.callables["tot"], max(2 * args.rounds, 15), args.calls)
    bench_compile(max(args.rounds, 7))
    bench_compile_breakdown(max(args.rounds, 7))
    bench_jit_cache(max(args.rounds, 7))
    bench_cache(max(args.rounds, 7))
    bench_jit_cache_probe(max(args.rounds, 7))


if __name__ == "__main__":
    main()
