"""The Python boundary of `ilo_aot.load` (design.md §4), in the fallback tier."""

from __future__ import annotations

import inspect
import textwrap

import pytest

import ilo_aot
from ilo_runtime import Err, IloCompileError, IloErr, IloRuntimeError, Ok, Record

SRC = textwrap.dedent(
    """\
    type pt{x:n;y:n}
    tot p:n q:n r:n>n;s=*p q;t=*s r;+s t
    get-user id:n>t;+"user" str id
    in x:n>n;+x 1
    half x:n>R n t;=x 0 ^"zero";~/x 2
    pair x:n>L (R n t);[~x, ^"no"]
    mid a:pt b:pt>pt;pt x:(/+a.x b.x 2) y:(/+a.y b.y 2)
    norm p:pt>n;a=p.x;b=p.y;sqrt +*a a *b b
    counts xs:L t>M t n;frq xs
    keyed>M n t;m=mset mmap 2 "two";mset m 1 "one"
    apply f:F n n x:n>n;f x
    first xs:L n>n;hd xs
    """
)


@pytest.fixture(scope="module")
def mod():
    return ilo_aot.load(SRC, engine="interp")


def test_numbers_in_and_out(mod):
    assert mod.tot(10, 20, 30) == 6200.0
    assert type(mod.tot(1, 2, 3)) is float
    assert mod.tot(1.5, 2, 2) == 9.0


def test_index_and_float_protocols(mod):
    class Idx:
        def __index__(self):
            return 4

    class Flt:
        def __float__(self):
            return 0.5

    assert mod.tot(Idx(), Flt(), 1) == 4.0


def test_names_map_hyphens_and_keywords(mod):
    assert mod.get_user(7) == "user7"
    assert getattr(mod, "get-user")(7) == "user7"
    assert mod.in_(1) == 2.0


def test_wrong_arity_is_a_type_error(mod):
    with pytest.raises(TypeError, match=r"tot\(\) takes 3 arguments"):
        mod.tot(1, 2)


def test_value_with_no_ilo_counterpart_names_the_parameter(mod):
    with pytest.raises(TypeError, match="argument 'q'"):
        mod.tot(1, object(), 3)


def test_keyword_arguments(mod):
    assert mod.tot(1, 2, r=3) == 8.0
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        mod.tot(1, 2, z=3)


def test_result_ok_is_unwrapped_and_err_raises(mod):
    assert mod.half(8) == 4.0
    with pytest.raises(IloErr) as info:
        mod.half(0)
    assert info.value.value == "zero"


def test_nested_results_stay_ok_err(mod):
    assert mod.pair(3) == [Ok(3.0), Err("no")]


def test_records_from_python_and_back(mod):
    a, b = mod.pt(x=0, y=0), mod.pt(x=3, y=4)
    m = mod.mid(a, b)
    assert isinstance(m, Record) and m.x == 1.5 and m.y == 2.0
    assert m == mod.pt(x=1.5, y=2)
    assert repr(m) == "pt(x=1.5, y=2.0)"
    assert mod.norm(b) == 5.0
    with pytest.raises(TypeError, match="missing field"):
        mod.pt(x=1)


def test_maps_text_and_number_keys(mod):
    assert mod.counts(["a", "b", "a"]) == {"a": 2.0, "b": 1.0}
    keyed = mod.keyed()
    assert keyed == {1: "one", 2: "two"} and all(type(k) is int for k in keyed)


def test_python_callable_for_a_function_parameter(mod):
    assert mod.apply(lambda v: v * 10, 4) == 40.0


def test_tuples_are_lists(mod):
    assert mod.first((7, 8)) == 7.0


def test_runtime_error_has_code_message_and_location(mod):
    with pytest.raises(IloRuntimeError) as info:
        mod.first([])
    err = info.value
    assert err.code == "ILO-R009" and err.message == "hd: empty list"
    assert str(err).startswith("<inline>:12:16: ILO-R009")
    assert err.diagnostic.notes == ["called from 'first'"]


def test_help_and_signature(mod):
    assert inspect.signature(mod.tot).parameters.keys() == {"p", "q", "r"}
    assert mod.tot.__doc__ == "tot p:n q:n r:n>n"
    assert "tot p:n q:n r:n>n" in mod.__doc__
    assert "half x:n>(R n t)" in mod.__doc__


def test_compile_error_names_file_line_and_caret(tmp_path):
    bad = tmp_path / "bad.ilo"
    bad.write_text("f x:n>n;+x \"a\"\n")
    with pytest.raises(IloCompileError) as info:
        ilo_aot.load(str(bad))
    text = str(info.value)
    assert "error[ILO-T009]" in text
    assert f"{bad}:1:9" in text
    assert "^" in text
    assert info.value.diagnostics[0].code == "ILO-T009"


def test_load_from_path_object(tmp_path):
    p = tmp_path / "k.ilo"
    p.write_text("dbl x:n>n;*x 2\n")
    assert ilo_aot.load(p).dbl(4) == 8.0


def test_a_file_that_is_not_utf8_is_a_compile_error_naming_it(tmp_path):
    bad = tmp_path / "bad.ilo"
    bad.write_bytes(b"f>n;1\n\xff\xfe")
    with pytest.raises(IloCompileError, match="bad.ilo is not UTF-8 text"):
        ilo_aot.load(bad)


def test_a_python_callback_error_reaches_the_caller_unchanged(mod):
    def boom(v):
        raise KeyError("from python")

    with pytest.raises(KeyError, match="from python"):
        mod.apply(boom, 1)
