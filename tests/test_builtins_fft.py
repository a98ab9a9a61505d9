"""FFT builtins (builtins.md §12)."""

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS


def test_fft_pads_to_power_of_two():
    out = B["fft"]([1.0, 2.0, 3.0])
    assert len(out) == 4
    assert out[0] == [6.0, 0.0]
    assert out[2] == [2.0, 0.0]
    assert out[1] == [-1.9999999999999998, -2.0]  # accumulated twiddles, as specified
    assert B["fft"]([5.0]) == [[5.0, 0.0]]


def test_ifft_roundtrip():
    back = B["ifft"](B["fft"]([5.0, 6.0, 7.0]))
    assert back == [5.0, 6.0, 7.0, 0.0]


def test_errors():
    with pytest.raises(IloRuntimeError) as info:
        B["fft"]([])
    assert info.value.message == "fft: input list must not be empty"
    with pytest.raises(IloRuntimeError) as info:
        B["ifft"]([[1.0]])
    assert info.value.message == "ifft: each element must be a [real, imag] pair, got " \
        "List([Number(1.0)])"
