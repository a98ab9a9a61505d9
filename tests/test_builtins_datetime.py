"""Datetime builtins (builtins.md §15): chrono strftime/parse emulation, UTC."""

import math

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError
from ilo_runtime.values import Err, Ok

B = BUILTINS


@pytest.mark.parametrize(
    ("fmt", "out"),
    [("%c", "Thu Jan  1 00:00:00 1970"), ("%+", "1970-01-01T00:00:00+00:00"),
     ("%F %T", "1970-01-01 00:00:00"), ("%D|%x", "01/01/70|01/01/70"), ("%e|%-d|%_m", " 1|1| 1"),
     ("%f|%.f|%.3f|%6f", "000000000||.000|000000"), ("%Z %z %:z", "UTC +0000 +00:00"),
     ("%a %A %b %B %h", "Thu Thursday Jan January Jan"), ("%p %P %I %l %k", "AM am 12 12  0"),
     ("%j %U %W %G %V %u %w", "001 00 00 1970 01 4 4"), ("%s%t%n%%", "0\t\n%"),
     ("%v %R %r", " 1-Jan-1970 00:00 12:00:00 AM")],
)
def test_dtfmt_epoch_zero(fmt, out):
    assert B["dtfmt"](0.0, fmt) == Ok(out)


def test_dtfmt_truncates_and_ranges():
    assert B["dtfmt"](-0.9, "%T") == Ok("00:00:00")
    assert B["dtfmt"](-1.0, "%F %T") == Ok("1969-12-31 23:59:59")
    assert B["dtfmt"](1709164800.0, "%F %a") == Ok("2024-02-29 Thu")
    assert B["dtfmt"](253402300800.0, "%Y") == Ok("+10000")
    assert B["dtfmt"](-62198755200.0, "%Y") == Ok("-0001")
    assert B["dtfmt"](math.nan, "%F") == Err("dtfmt: epoch is not finite (NaN)")
    assert B["dtfmt"](1e19, "%F") == Err("dtfmt: epoch out of range (10000000000000000000)")
    assert B["dtfmt"](1e16, "%F") == Err("dtfmt: timestamp out of range (10000000000000000)")


def test_dtfmt_errors():
    with pytest.raises(IloRuntimeError) as info:
        B["dtfmt"]("0", "%F")
    assert info.value.message == "dtfmt requires a number (epoch) and text (format)"
    with pytest.raises(IloRuntimeError) as info:
        B["dtfmt"](0.0, "%Q")
    assert info.value.code == "ILO-R009"


@pytest.mark.parametrize(
    ("s", "fmt", "out"),
    [("2024-02-29", "%Y-%m-%d", Ok(1709164800.0)),
     ("2024-02-29 12:34:56", "%Y-%m-%d %H:%M:%S", Ok(1709210096.0)),
     ("2024-02-29    12:34", "%Y-%m-%d %H:%M", Ok(1709210040.0)),
     ("1700000000", "%s", Ok(1700000000.0)),
     ("12/31/99", "%D", Ok(946598400.0)),
     ("Thu, 01 Jan 1970 01:00:00 +0100", "%a, %d %b %Y %H:%M:%S %z", Ok(3600.0)),
     ("01 March 2021 03:04 pm", "%d %B %Y %I:%M %P", Ok(1614611040.0)),
     ("2024-02-30", "%Y-%m-%d", Err("dtparse: input is out of range")),
     ("2024-02", "%Y-%m-%d", Err("dtparse: premature end of input")),
     ("2024-02-29x", "%Y-%m-%d", Err("dtparse: trailing input")),
     ("x", "%Y", Err("dtparse: input contains invalid characters")),
     ("2024", "%Y", Err("dtparse: input is not enough for unique date and time")),
     ("Fri, 01 Jan 1970", "%a, %d %b %Y", Err("dtparse: no possible date and time matching input")),
     ("a", "%Q", Err("dtparse: bad or unsupported format string"))],
)
def test_dtparse(s, fmt, out):
    assert B["dtparse"](s, fmt) == out
