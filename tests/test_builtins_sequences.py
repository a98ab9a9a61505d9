"""Builtins on lists and texts (builtins.md §3)."""

import math

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS
NAN = math.nan


def raises(message: str, name: str, *args: object, code: str = "ILO-R009") -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == (code, message)


def test_len_counts_utf8_bytes_for_text():
    assert B["len"]("é") == 2.0
    assert B["len"]("naïve") == 6.0
    assert B["len"]([1.0, 2.0]) == 2.0
    assert B["len"]({"a": 1.0}) == 1.0
    raises("len requires string, list, or map, got Number(3.0)", "len", 3.0)
    raises("len: expected 1 arg, got 2", "len", "a", "b")


def test_hd_tl():
    assert B["hd"]([1.0, 2.0]) == 1.0
    assert B["hd"]("héllo") == "h"
    assert B["tl"]("héllo") == "éllo"
    assert B["tl"]([1.0]) == []
    raises("hd: empty list", "hd", [])
    raises("hd: empty text", "hd", "")
    raises("tl: empty list", "tl", [])
    raises("tl: empty text", "tl", "")
    raises("hd requires a list or text, got Number(1.0)", "hd", 1.0)


def test_at_floors_and_counts_from_end():
    xs = [10.0, 20.0, 30.0]
    assert B["at"](xs, 1.7) == 20.0
    assert B["at"](xs, -0.5) == 30.0
    assert B["at"](xs, -1.5) == 20.0
    assert B["at"](xs, NAN) == 10.0
    assert B["at"]("naïve", 2.0) == "ï"
    raises("at: index 9 out of range for list of length 1", "at", [3.0], 9.0)
    raises("at: index -9 out of range for text of length 5", "at", "naïve", -9.0)
    raises("at: index -9 out of range for text of length 0", "at", "", -9.0)
    raises(
        "at: index 9223372036854775807 out of range for list of length 1", "at", [1.0], math.inf
    )


def test_slc_take_drop():
    assert B["slc"]("(ab)", 1.0, -1.0) == "ab"
    assert B["slc"]([1.0, 2.0, 3.0], -10.0, 10.0) == [1.0, 2.0, 3.0]
    assert B["slc"]([1.0, 2.0, 3.0], 2.0, 1.0) == []
    assert B["take"](2.0, "héllo") == "hé"
    assert B["take"](-1.0, [1.0, 2.0, 3.0]) == [1.0, 2.0]
    assert B["drop"](-1.0, [1.0, 2.0, 3.0]) == [3.0]
    assert B["drop"](10.0, [1.0]) == []
    raises("slc: start index must be an integer", "slc", [1.0], 0.5, 1.0)
    raises("slc: end index must be an integer", "slc", [1.0], 0.0, 2.5)
    raises("take: count must be an integer", "take", 1.5, [1.0])
    raises("drop: count must be an integer", "drop", NAN, [1.0])


def test_rev_reverses_code_points():
    assert B["rev"]("abé") == "éba"
    assert B["rev"]([1.0, 2.0]) == [2.0, 1.0]


def test_srt_plain():
    assert B["srt"]([3.0, 1.0, 2.0]) == [1.0, 2.0, 3.0]
    assert B["srt"](["b", "a", "É"]) == ["a", "b", "É"]
    assert B["srt"]("cab") == "abc"
    assert B["srt"]([]) == []
    assert B["rsrt"]([1.0, 3.0, 2.0]) == [3.0, 2.0, 1.0]
    raises("srt: list must contain all numbers or all text", "srt", [1.0, "a"])
    raises("rsrt: list must contain all numbers or all text", "rsrt", [True])
    raises("rsrt requires a list or text, got Number(5.0)", "rsrt", 5.0)


def test_srt_with_nan_is_deterministic_merge_sort():
    out = B["srt"]([3.0, NAN, 1.0, 2.0])
    assert len(out) == 4 and sum(1 for x in out if x != x) == 1


def test_unq():
    assert B["unq"]("banana") == "ban"
    out = B["unq"]([0.0, -0.0, NAN, NAN, 1.0, [1.0], [1.0]])
    assert len(out) == 5  # 0 and -0 distinct, NaNs coincide, lists structural
    assert math.copysign(1, out[1]) == -1.0


def test_has():
    assert B["has"]("abc", "") is True
    assert B["has"]("abc", "bc") is True
    assert B["has"]([1.0, [2.0]], [2.0]) is True
    assert B["has"]([1.0], "1") is False
    assert B["has"]([True], 1.0) is False
    assert B["has"]([NAN], NAN) is False
    assert B["has"]([0.0], -0.0) is True
    raises('has: text search requires text needle, got Number(1.0)', "has", "abc", 1.0)
    raises("has requires a list or text, got Map({})", "has", {}, 1.0)
