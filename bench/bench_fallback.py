"""Fallback tier vs the same functions written in plain Python, as ratios in one process.

Run: python bench/bench_fallback.py   (numbers go to stdout; record them in bench/README.md)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "runtime")]

import ilo_aot  # noqa: E402

SOURCE = """
fib n:n>n;<n 2 n;+fib -n 1 fib -n 2
nested n:n>n;s=0;@i 0..n{@j 0..n{s=+s 1}};s
build n:n>L n;xs=[];@i 0..n{xs=+=xs *i 2};xs
"""


def py_fib(n):
    if n < 2:
        return n
    return py_fib(n - 1) + py_fib(n - 2)


def py_nested(n):
    s = 0.0
    for _i in range(int(n)):
        for _j in range(int(n)):
            s = s + 1
    return s


def py_build(n):
    xs = []
    for i in range(int(n)):
        xs = [*xs, i * 2.0]
    return xs


def interleaved_best(fns, arg, repeat: int = 9) -> list[float]:
    """Best time of each function, runs interleaved so load changes hit all of them alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn(arg)
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def main() -> None:
    mod = ilo_aot.load(SOURCE, engine="interp")
    cases = [
        ("fib 25", mod.fib, py_fib, 25.0),
        ("nested loop 300x300", mod.nested, py_nested, 300.0),
        ("list build 2000", mod.build, py_build, 2000.0),
    ]
    print(f"{'kernel':24} {'fallback ms':>12} {'CPython ms':>11} {'ratio':>7}")
    ratios = []
    for name, ilo_fn, py_fn, arg in cases:
        assert ilo_fn(arg) == py_fn(arg), name
        ti, tp = interleaved_best([ilo_fn, py_fn], arg)
        ratios.append(ti / tp)
        print(f"{name:24} {ti * 1e3:12.2f} {tp * 1e3:11.2f} {ti / tp:7.2f}x")
    print(f"median ratio {statistics.median(ratios):.2f}x (python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
