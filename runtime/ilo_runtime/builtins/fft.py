"""FFT builtins `fft ifft` (builtins.md §12): in-place iterative radix-2 with accumulated
twiddles, reproduced operation by operation for identical rounding."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ._util import got, rt009


def _next_pow2(n: int) -> int:
    size = 1
    while size < n:
        size *= 2
    return size


def transform(re: list[float], im: list[float], inverse: bool) -> None:
    """Radix-2 FFT of (re, im) in place; the length must be a power of two."""
    n = len(re)
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j ^= bit
        if i < j:
            re[i], re[j] = re[j], re[i]
            im[i], im[j] = im[j], im[i]
    sign = 1.0 if inverse else -1.0
    length = 2
    while length <= n:
        theta = sign * 2.0 * math.pi / length
        w_re, w_im = math.cos(theta), math.sin(theta)
        half = length // 2
        for start in range(0, n, length):
            cur_re, cur_im = 1.0, 0.0
            for k in range(half):
                a = start + k
                b = a + half
                t_re = re[b] * cur_re - im[b] * cur_im
                t_im = re[b] * cur_im + im[b] * cur_re
                re[b] = re[a] - t_re
                im[b] = im[a] - t_im
                re[a] = re[a] + t_re
                im[a] = im[a] + t_im
                cur_re, cur_im = cur_re * w_re - cur_im * w_im, cur_re * w_im + cur_im * w_re
        length *= 2
    if inverse:
        scale = 1.0 / n
        for i in range(n):
            re[i] *= scale
            im[i] *= scale


def fft(xs: Any) -> list[list[float]]:
    """`fft xs`: `[re, im]` pairs of the zero-padded (power of two) input."""
    if type(xs) is not list:
        raise rt009(f"fft: arg must be a list, {got(xs)}")
    if not xs:
        raise rt009("fft: input list must not be empty")
    for x in xs:
        if type(x) is not float:
            raise rt009(f"fft: list elements must be numbers, {got(x)}")
    n = _next_pow2(len(xs))
    re = list(xs) + [0.0] * (n - len(xs))
    im = [0.0] * n
    transform(re, im, False)
    return [[r, i] for r, i in zip(re, im, strict=True)]


def ifft(ps: Any) -> list[float]:
    """`ifft ps`: real parts of the inverse transform, scaled by 1/N."""
    if type(ps) is not list:
        raise rt009(f"ifft: arg must be a list, {got(ps)}")
    if not ps:
        raise rt009("ifft: input list must not be empty")
    for p in ps:
        if type(p) is not list or len(p) != 2 or any(type(c) is not float for c in p):
            raise rt009(f"ifft: each element must be a [real, imag] pair, {got(p)}")
    n = _next_pow2(len(ps))
    re = [p[0] for p in ps] + [0.0] * (n - len(ps))
    im = [p[1] for p in ps] + [0.0] * (n - len(ps))
    transform(re, im, True)
    return re


BUILTINS: dict[str, Callable[..., Any]] = {"fft": fft, "ifft": ifft}
