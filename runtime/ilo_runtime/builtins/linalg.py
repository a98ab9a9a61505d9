"""Linear algebra builtins (builtins.md §11). Matrices are row-major lists of rows.

The LU decomposition (partial pivoting, first maximum wins, 1e-12 singularity threshold) and the
substitution loops follow the specified order of operations exactly, so results are
bit-identical to the reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._util import rt009

_SINGULAR = 1e-12


def _matrix(op: str, m: Any) -> list[list[float]]:
    if type(m) is not list:
        raise rt009(f"{op}: expected a list of lists")
    for row in m:
        if type(row) is not list:
            raise rt009(f"{op}: each row must be a list")
        for cell in row:
            if type(cell) is not float:
                raise rt009(f"{op}: matrix cells must be numbers")
    return m


def _vector(op: str, v: Any) -> list[float]:
    if type(v) is not list:
        raise rt009(f"{op}: expected a list of numbers")
    for x in v:
        if type(x) is not float:
            raise rt009(f"{op}: vector items must be numbers")
    return v


def transpose(m: Any) -> list[list]:
    """`transpose m`: rows become columns; cells may be any values."""
    if type(m) is not list:
        raise rt009("transpose: expected a list of lists")
    if not m:
        return []
    for row in m:
        if type(row) is not list:
            raise rt009("transpose: each row must be a list")
    cols = len(m[0])
    for row in m:
        if len(row) != cols:
            raise rt009(f"transpose: ragged rows (expected {cols} cols, got {len(row)})")
    return [[row[j] for row in m] for j in range(cols)]


def _cols(op: str, m: list[list[float]], which: str) -> int:
    cols = len(m[0]) if m else 0
    for row in m:
        if len(row) != cols:
            raise rt009(f"{op}: ragged rows in {which} arg (expected {cols} cols, got {len(row)})")
    return cols


def matmul(a: Any, b: Any) -> list[list[float]]:
    """`matmul a b`: each cell sums `a[i][k]*b[k][j]` for ascending k, starting from 0."""
    a = _matrix("matmul", a)
    b = _matrix("matmul", b)
    k = _cols("matmul", a, "first")
    c = _cols("matmul", b, "second")
    if k != len(b):
        raise rt009(f"matmul: shape mismatch (a is {len(a)}x{k}, b is {len(b)}x{c})")
    out = []
    for row in a:
        new_row = []
        for j in range(c):
            total = 0.0
            for t in range(k):
                total += row[t] * b[t][j]
            new_row.append(total)
        out.append(new_row)
    return out


def dot(x: Any, y: Any) -> float:
    """`dot x y`: sum of products in order, starting from 0."""
    x = _vector("dot", x)
    y = _vector("dot", y)
    if len(x) != len(y):
        raise rt009(f"dot: length mismatch (xs has {len(x)}, ys has {len(y)})")
    total = 0.0
    for a, b in zip(x, y, strict=True):
        total += a * b
    return total


class _LU:
    """In-place LU decomposition with partial pivoting of a copy of a square matrix."""

    def __init__(self, m: list[list[float]]) -> None:
        n = len(m)
        a = [list(row) for row in m]
        perm = list(range(n))
        sign = 1.0
        singular = False
        for k in range(n):
            p = k
            best = abs(a[k][k])
            for i in range(k + 1, n):
                v = abs(a[i][k])
                if v > best:
                    best = v
                    p = i
            if best < _SINGULAR:
                singular = True
                continue
            if p != k:
                a[k], a[p] = a[p], a[k]
                perm[k], perm[p] = perm[p], perm[k]
                sign = -sign
            pivot_row = a[k]
            for i in range(k + 1, n):
                row = a[i]
                row[k] /= pivot_row[k]
                f = row[k]
                for j in range(k + 1, n):
                    row[j] -= f * pivot_row[j]
        self.a = a
        self.perm = perm
        self.sign = sign
        self.singular = singular

    def det(self) -> float:
        if self.singular:
            return 0.0
        d = self.sign
        for i in range(len(self.a)):
            d *= self.a[i][i]
        return d

    def solve(self, b: list[float]) -> list[float]:
        a = self.a
        n = len(a)
        x = [b[self.perm[i]] for i in range(n)]
        for i in range(n):
            for j in range(i):
                x[i] -= a[i][j] * x[j]
        for i in range(n - 1, -1, -1):
            for j in range(i + 1, n):
                x[i] -= a[i][j] * x[j]
            x[i] /= a[i][i]
        return x


def _square(op: str, m: Any) -> list[list[float]]:
    m = _matrix(op, m)
    if not m:
        raise rt009(f"{op}: empty matrix")
    if any(len(row) != len(m) for row in m):
        raise rt009(f"{op}: matrix must be square")
    return m


def det(m: Any) -> float:
    """`det m`: determinant by LU (0 when singular)."""
    return _LU(_square("det", m)).det()


def inv(m: Any) -> list[list[float]]:
    """`inv m`: column j of the result is `solve(m, e_j)`."""
    m = _square("inv", m)
    lu = _LU(m)
    if lu.singular:
        raise rt009("inv: matrix is singular")
    n = len(m)
    cols = [lu.solve([1.0 if i == j else 0.0 for i in range(n)]) for j in range(n)]
    return [[cols[j][i] for j in range(n)] for i in range(n)]


def solve(m: Any, b: Any) -> list[float]:
    """`solve a b`: x with a·x = b."""
    m = _square("solve", m)
    b = _vector("solve", b)
    if len(b) != len(m):
        raise rt009("solve: vector length must match matrix size")
    lu = _LU(m)
    if lu.singular:
        raise rt009("solve: matrix is singular")
    return lu.solve(b)


BUILTINS: dict[str, Callable[..., Any]] = {
    "transpose": transpose,
    "matmul": matmul,
    "dot": dot,
    "det": det,
    "inv": inv,
    "solve": solve,
}
