"""Linear algebra builtins (builtins.md §11)."""

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS


def raises(message: str, name: str, *args: object) -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == ("ILO-R009", message)


def test_transpose():
    assert B["transpose"]([]) == []
    assert B["transpose"]([[1.0, "a"], [2.0, "b"]]) == [[1.0, 2.0], ["a", "b"]]
    raises("transpose: ragged rows (expected 2 cols, got 1)", "transpose", [[1.0, 2.0], [3.0]])


def test_matmul_dot():
    a = [[1.0, 2.0], [3.0, 4.0]]
    assert B["matmul"](a, [[5.0], [6.0]]) == [[17.0], [39.0]]
    raises("matmul: shape mismatch (a is 2x2, b is 1x1)", "matmul", a, [[1.0]])
    raises("matmul: ragged rows in second arg (expected 1 cols, got 2)", "matmul", a,
           [[1.0], [2.0, 3.0]])
    raises("matmul: matrix cells must be numbers", "matmul", [["x"]], [[1.0]])
    assert B["dot"]([1.0, 2.0], [3.0, 4.0]) == 11.0
    raises("dot: length mismatch (xs has 1, ys has 2)", "dot", [1.0], [1.0, 2.0])


def test_det_lu():
    assert B["det"]([[1.0, 2.0], [3.0, 4.0]]) == -2.0  # pivoted: sign flips
    # 3 * (2 - (1/3) * 4) after pivoting; not the cofactor formula 4 - 6 * ...
    assert B["det"]([[0.1, 0.2], [0.3, 0.4]]) == -1.0 * 0.3 * (0.2 - (0.1 / 0.3) * 0.4)
    assert B["det"]([[1e-13]]) == 0.0
    assert B["det"]([[2.0, 0.0], [0.0, 3.0]]) == 6.0
    assert B["det"]([[1.0, 2.0], [2.0, 4.0]]) == 0.0
    raises("det: empty matrix", "det", [])
    raises("det: matrix must be square", "det", [[1.0, 2.0]])


def test_inv_solve():
    assert B["inv"]([[4.0, 7.0], [2.0, 6.0]]) == [
        [0.6000000000000001, -0.7000000000000001], [-0.2, 0.4]
    ]
    assert B["solve"]([[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0]) == [0.8, 1.4]
    raises("inv: matrix is singular", "inv", [[1.0, 2.0], [2.0, 4.0]])
    raises("solve: matrix is singular", "solve", [[0.0]], [1.0])
    raises("solve: vector length must match matrix size", "solve", [[1.0]], [1.0, 2.0])
