"""Random numbers and time: `rnd rndn now sleep` (builtins.md §16). No seeding is exposed."""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from ._util import MISSING, rt009, trunc_i64

_rng = random.Random()
_SMALLEST_NORMAL = sys.float_info.min


def rnd(a: Any = MISSING, b: Any = MISSING) -> float:
    """`rnd` (uniform in [0, 1)) or `rnd a b` (uniform integer in [trunc a, trunc b])."""
    if a is MISSING:
        return _rng.random()
    if type(a) is not float or type(b) is not float:
        raise rt009("rnd requires two numbers")
    lo, hi = trunc_i64(a), trunc_i64(b)
    if lo > hi:
        raise rt009(f"rnd: lower bound {lo} > upper bound {hi}")
    return float(_rng.randint(lo, hi))


def rndn(mu: Any, sigma: Any) -> float:
    """`rndn mu sigma`: one normal sample by Box-Muller."""
    if type(mu) is not float or type(sigma) is not float:
        raise rt009("rndn requires two numbers")
    if sigma == 0.0:
        return mu
    u1 = _rng.random()
    while u1 <= _SMALLEST_NORMAL:
        u1 = _rng.random()
    u2 = _rng.random()
    z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
    return mu + sigma * z


def now() -> float:
    """`now`: Unix time in seconds, with fraction."""
    return time.time()


def sleep(ms: Any) -> None:
    """`sleep ms`: block `trunc(ms)` milliseconds (nothing for <= 0, NaN or inf); nil."""
    if type(ms) is not float:
        raise rt009("sleep requires a number")
    if math.isfinite(ms) and ms > 0:
        millis = math.trunc(ms)
        if millis > 0:
            time.sleep(millis / 1000.0)
    return None


BUILTINS: dict[str, Callable[..., Any]] = {"rnd": rnd, "rndn": rndn, "now": now, "sleep": sleep}
