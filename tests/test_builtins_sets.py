"""Set builtins (builtins.md §10)."""

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS


def test_numbers_order_as_strings():
    assert B["setunion"]([10.0, 2.0, -1.0, -3.0], []) == [-1.0, -3.0, 10.0, 2.0]
    assert B["setunion"]([9.0, 10.0], [100.0]) == [10.0, 100.0, 9.0]


def test_typed_keys():
    assert B["setunion"]([1.0], ["1"]) == [1.0, "1"]
    assert B["setunion"](["b", True, 1.0, "a"], [False]) == [False, True, 1.0, "a", "b"]
    out = B["setunion"]([0.0], [-0.0])
    assert len(out) == 1


def test_inter_and_diff():
    assert B["setinter"]([1.0, 2.0, 2.0, 3.0], [3.0, 2.0]) == [2.0, 3.0]
    assert B["setdiff"]([1.0, 2.0, 3.0, 1.0], [2.0]) == [1.0, 3.0]


def test_errors():
    with pytest.raises(IloRuntimeError) as info:
        B["setinter"]([1.0], "x")
    assert info.value.message == 'setinter arg 2 requires a list, got Text("x")'
    with pytest.raises(IloRuntimeError) as info:
        B["setdiff"]([None], [])
    assert info.value.message == "setdiff: elements must be text, number, or bool, got Nil"
