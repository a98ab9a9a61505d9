"""Date and time builtins `dtfmt dtparse` (builtins.md §15), UTC only.

The reference formats and parses with chrono's strftime dialect, which differs from Python's
(`%e`, `%k`, `%P`, `%.3f`, `%:z`, padding modifiers, `%+`, years beyond 9999, and chrono's parse
error reasons), and Python's `datetime` only covers years 1..9999 where chrono covers about
±262 000 years, so both directions are emulated here on a proleptic Gregorian calendar.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..values import Err, Ok
from ._util import mnum, rt009

_MIN_YEAR = -262144
_MAX_YEAR = 262143
_TWO_63 = 9223372036854775808.0

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# ---- calendar ----------------------------------------------------------------------------


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count since 1970-01-01."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def _is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _month_days(y: int, m: int) -> int:
    if m == 2:
        return 29 if _is_leap(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


_MIN_DAYS = days_from_civil(_MIN_YEAR, 1, 1)
_MAX_DAYS = days_from_civil(_MAX_YEAR, 12, 31)


@dataclass
class _Moment:
    """A UTC date-time with the derived fields strftime needs."""

    secs: int
    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    weekday: int  # 0 = Monday
    ordinal: int
    iso_year: int
    iso_week: int

    @classmethod
    def from_timestamp(cls, secs: int) -> _Moment | None:
        days, rem = divmod(secs, 86400)
        if not _MIN_DAYS <= days <= _MAX_DAYS:
            return None
        y, m, d = civil_from_days(days)
        weekday = (days + 3) % 7
        ordinal = days - days_from_civil(y, 1, 1) + 1
        thursday = days - weekday + 3
        iso_year = civil_from_days(thursday)[0]
        iso_week = (thursday - days_from_civil(iso_year, 1, 1)) // 7 + 1
        return cls(secs, y, m, d, rem // 3600, rem // 60 % 60, rem % 60, weekday, ordinal,
                   iso_year, iso_week)


# ---- strftime items ------------------------------------------------------------------------

# numeric specifier -> (width, default pad); pad is "0", " " or ""
_NUMERIC: dict[str, tuple[int, str]] = {
    "Y": (4, "0"), "C": (2, "0"), "y": (2, "0"), "m": (2, "0"), "d": (2, "0"), "e": (2, " "),
    "w": (1, "0"), "u": (1, "0"), "j": (3, "0"), "U": (2, "0"), "W": (2, "0"), "G": (4, "0"),
    "g": (2, "0"), "V": (2, "0"), "H": (2, "0"), "k": (2, " "), "I": (2, "0"), "l": (2, " "),
    "M": (2, "0"), "S": (2, "0"), "f": (9, "0"), "s": (1, ""),
}
_COMPOSITE = {
    "D": "%m/%d/%y", "x": "%m/%d/%y", "F": "%Y-%m-%d", "v": "%e-%b-%Y", "R": "%H:%M",
    "T": "%H:%M:%S", "X": "%H:%M:%S", "r": "%I:%M:%S %p", "c": "%a %b %e %H:%M:%S %Y",
    "+": "%Y-%m-%dT%H:%M:%S%.f%:z",
}
_FIXED = set("aAbBhpPZz") | {".f", ".3f", ".6f", ".9f", "3f", "6f", "9f", ":z", "::z", ":::z"}


class FormatError(Exception):
    """A strftime format chrono rejects (`bad or unsupported format string`)."""


def strftime_items(fmt: str) -> list[tuple[str, str, str | None]]:
    """Split a format into items: ("lit", text, None), ("space", text, None),
    ("num", spec, pad) or ("fixed", spec, None)."""
    items: list[tuple[str, str, str | None]] = []
    i = 0
    n = len(fmt)
    while i < n:
        c = fmt[i]
        if c != "%":
            j = i
            space = c.isspace()
            while j < n and fmt[j] != "%" and fmt[j].isspace() == space:
                j += 1
            items.append(("space" if space else "lit", fmt[i:j], None))
            i = j
            continue
        i += 1
        pad: str | None = None
        if i < n and fmt[i] in "-_0":
            pad = {"-": "", "_": " ", "0": "0"}[fmt[i]]
            i += 1
        spec = None
        for candidate in (":::z", "::z", ":z", ".3f", ".6f", ".9f", ".f", "3f", "6f", "9f"):
            if fmt.startswith(candidate, i):
                spec = candidate
                break
        if spec is None:
            if i >= n:
                raise FormatError("format ends with %")
            spec = fmt[i]
        i += len(spec)
        if spec in _NUMERIC:
            items.append(("num", spec, _NUMERIC[spec][1] if pad is None else pad))
        elif pad is not None:
            raise FormatError("padding modifier on a non-numeric specifier")
        elif spec in _COMPOSITE:
            items.extend(strftime_items(_COMPOSITE[spec]))
        elif spec in _FIXED:
            items.append(("fixed", spec, None))
        elif spec == "t":
            items.append(("space", "\t", None))
        elif spec == "n":
            items.append(("space", "\n", None))
        elif spec == "%":
            items.append(("lit", "%", None))
        else:
            raise FormatError(f"unknown specifier %{spec}")
    return items


def _numeric_value(t: _Moment, spec: str) -> int:
    hour12 = t.hour % 12 or 12
    return {
        "Y": t.year, "C": t.year // 100, "y": t.year % 100, "m": t.month, "d": t.day,
        "e": t.day, "w": (t.weekday + 1) % 7, "u": t.weekday + 1, "j": t.ordinal,
        "U": (t.ordinal - (t.weekday + 1) % 7 + 6) // 7, "W": (t.ordinal - t.weekday + 6) // 7,
        "G": t.iso_year, "g": t.iso_year % 100, "V": t.iso_week, "H": t.hour, "k": t.hour,
        "I": hour12, "l": hour12, "M": t.minute, "S": t.second, "f": 0, "s": t.secs,
    }[spec]


def _format_numeric(spec: str, value: int, pad: str) -> str:
    width = _NUMERIC[spec][0]
    if spec in ("Y", "G") and not 0 <= value < 10000:
        # years outside 0..9999 carry an explicit sign (ISO 8601), one column wider
        if pad == "":
            return f"{value:+d}"
        return f"{value:+0{width + 1}d}" if pad == "0" else f"{value:+{width + 1}d}"
    if pad == "":
        return str(value)
    return f"{value:0{width}d}" if pad == "0" else f"{value:{width}d}"


def _format_fixed(t: _Moment, spec: str) -> str:
    if spec == "a":
        return _WEEKDAYS[t.weekday][:3]
    if spec == "A":
        return _WEEKDAYS[t.weekday]
    if spec in ("b", "h"):
        return _MONTHS[t.month - 1][:3]
    if spec == "B":
        return _MONTHS[t.month - 1]
    if spec == "p":
        return "PM" if t.hour >= 12 else "AM"
    if spec == "P":
        return "pm" if t.hour >= 12 else "am"
    if spec == "Z":
        return "UTC"
    if spec == "z":
        return "+0000"
    if spec == ":z":
        return "+00:00"
    if spec == "::z":
        return "+00:00:00"
    if spec == ":::z":
        return "+00"
    if spec == ".f":
        return ""  # whole seconds: no fraction
    if spec.startswith("."):
        return "." + "0" * int(spec[1])
    return "0" * int(spec[0])  # 3f 6f 9f


def strftime(t: _Moment, fmt: str) -> str:
    """chrono-compatible strftime of a UTC moment (raises FormatError)."""
    out = []
    for kind, spec, pad in strftime_items(fmt):
        if kind in ("lit", "space"):
            out.append(spec)
        elif kind == "num":
            assert pad is not None
            out.append(_format_numeric(spec, _numeric_value(t, spec), pad))
        else:
            out.append(_format_fixed(t, spec))
    return "".join(out)


def dtfmt(e: Any, f: Any) -> Ok | Err:
    """`dtfmt e f`: format epoch seconds `e` (truncated) with strftime format `f`."""
    if type(e) is not float or type(f) is not str:
        raise rt009("dtfmt requires a number (epoch) and text (format)")
    if not math.isfinite(e):
        return Err(f"dtfmt: epoch is not finite ({mnum(e)})")
    if e >= _TWO_63 or e < -_TWO_63:
        return Err(f"dtfmt: epoch out of range ({mnum(e)})")
    secs = int(e)
    moment = _Moment.from_timestamp(secs)
    if moment is None:
        return Err(f"dtfmt: timestamp out of range ({secs})")
    try:
        return Ok(strftime(moment, f))
    except FormatError as err:
        # The reference aborts abnormally here (builtins.md §23); a clear R009 instead.
        raise rt009(f"dtfmt: invalid format string '{f}': {err}") from None


# ---- parsing -----------------------------------------------------------------------------

INVALID = "input contains invalid characters"
TOO_SHORT = "premature end of input"
TOO_LONG = "trailing input"
NOT_ENOUGH = "input is not enough for unique date and time"
OUT_OF_RANGE = "input is out of range"
IMPOSSIBLE = "no possible date and time matching input"
BAD_FORMAT = "bad or unsupported format string"


class ParseFailure(Exception):
    """A chrono parse error; the message is the reason."""


@dataclass
class _Parsed:
    """The fields chrono's `Parsed` collects while scanning the input."""

    year: int | None = None
    year_div_100: int | None = None
    year_mod_100: int | None = None
    isoyear: int | None = None
    isoyear_div_100: int | None = None
    isoyear_mod_100: int | None = None
    month: int | None = None
    week_from_sun: int | None = None
    week_from_mon: int | None = None
    isoweek: int | None = None
    weekday: int | None = None  # 0 = Monday
    ordinal: int | None = None
    day: int | None = None
    hour_div_12: int | None = None
    hour_mod_12: int | None = None
    minute: int | None = None
    second: int | None = None
    nanosecond: int | None = None
    timestamp: int | None = None

    def set(self, name: str, value: int) -> None:
        old = getattr(self, name)
        if old is not None and old != value:
            raise ParseFailure(IMPOSSIBLE)
        setattr(self, name, value)


_RANGES = {
    "month": (1, 12), "day": (1, 31), "ordinal": (1, 366), "minute": (0, 59),
    "second": (0, 60), "isoweek": (1, 53), "week_from_sun": (0, 53), "week_from_mon": (0, 53),
    "nanosecond": (0, 999_999_999), "year_div_100": (0, 2**31 - 1),
    "year_mod_100": (0, 99), "isoyear_div_100": (0, 2**31 - 1), "isoyear_mod_100": (0, 99),
    "year": (-(2**31), 2**31 - 1), "isoyear": (-(2**31), 2**31 - 1),
}


def _set_numeric(p: _Parsed, spec: str, v: int) -> None:
    field = {
        "Y": "year", "C": "year_div_100", "y": "year_mod_100", "G": "isoyear",
        "g": "isoyear_mod_100", "m": "month", "d": "day", "e": "day", "U": "week_from_sun",
        "W": "week_from_mon", "V": "isoweek", "j": "ordinal", "M": "minute", "S": "second",
        "f": "nanosecond",
    }.get(spec)
    if field is not None:
        lo, hi = _RANGES[field]
        if not lo <= v <= hi:
            raise ParseFailure(OUT_OF_RANGE)
        p.set(field, v)
    elif spec in ("H", "k"):
        if not 0 <= v <= 23:
            raise ParseFailure(OUT_OF_RANGE)
        p.set("hour_div_12", v // 12)
        p.set("hour_mod_12", v % 12)
    elif spec in ("I", "l"):
        if not 1 <= v <= 12:
            raise ParseFailure(OUT_OF_RANGE)
        p.set("hour_mod_12", v % 12)
    elif spec == "w":
        if not 0 <= v <= 6:
            raise ParseFailure(OUT_OF_RANGE)
        p.set("weekday", (v + 6) % 7)
    elif spec == "u":
        if not 1 <= v <= 7:
            raise ParseFailure(OUT_OF_RANGE)
        p.set("weekday", v - 1)
    elif spec == "s":
        p.set("timestamp", v)


def _scan_number(s: str, lo: int, hi: int) -> tuple[str, int]:
    """chrono `scan::number`: between `lo` and `hi` ASCII digits."""
    if len(s.encode()) < lo:
        raise ParseFailure(TOO_SHORT)
    count = 0
    while count < hi and count < len(s) and "0" <= s[count] <= "9":
        count += 1
    if count < lo:
        raise ParseFailure(INVALID)
    value = int(s[:count])
    if value > 2**63 - 1:
        raise ParseFailure(OUT_OF_RANGE)
    return s[count:], value


_SIGNED = {"Y", "G"}
_WIDE = 10**9


def _parse_name(s: str, names: list[str], long_form: bool) -> tuple[str, int]:
    if len(s) < 3:
        raise ParseFailure(TOO_SHORT)
    head = s[:3].lower()
    for index, name in enumerate(names):
        if name[:3].lower() == head:
            rest = s[3:]
            tail = name[3:].lower()
            if long_form and rest[: len(tail)].lower() == tail:
                rest = rest[len(tail):]
            return rest, index
    raise ParseFailure(INVALID)


def _parse_offset(s: str, colon: bool) -> str:
    s = s.lstrip()
    if not s:
        raise ParseFailure(TOO_SHORT)
    if s[0] not in "+-":
        raise ParseFailure(INVALID)
    s = s[1:]
    s, _ = _scan_two(s)
    if colon or s.startswith(":"):
        if s.startswith(":"):
            s = s[1:]
    if len(s) >= 2 and s[:2].isdigit():
        s = s[2:]
    elif s and s[0].isdigit():
        raise ParseFailure(INVALID)
    return s


def _scan_two(s: str) -> tuple[str, int]:
    if len(s) < 2:
        raise ParseFailure(TOO_SHORT)
    if not (s[0].isascii() and s[0].isdigit() and s[1].isascii() and s[1].isdigit()):
        raise ParseFailure(INVALID)
    return s[2:], int(s[:2])


def _parse_fixed(p: _Parsed, spec: str, s: str) -> str:
    if spec in ("b", "h", "B"):
        s, month0 = _parse_name(s, _MONTHS, spec == "B")
        p.set("month", month0 + 1)
        return s
    if spec in ("a", "A"):
        s, wd = _parse_name(s, _WEEKDAYS, spec == "A")
        p.set("weekday", wd)
        return s
    if spec in ("p", "P"):
        if len(s) < 2:
            raise ParseFailure(TOO_SHORT)
        pair = s[:2].lower()
        if pair not in ("am", "pm"):
            raise ParseFailure(INVALID)
        p.set("hour_div_12", 1 if pair == "pm" else 0)
        return s[2:]
    if spec == "Z":
        i = 0
        while i < len(s) and not s[i].isspace():
            i += 1
        return s[i:]
    if spec in ("z", ":z", "::z", ":::z"):
        return _parse_offset(s, spec != "z")
    if spec == ".f":
        if s.startswith("."):
            return _parse_fraction(p, s[1:], None)
        return s
    if spec in (".3f", ".6f", ".9f"):
        if not s.startswith("."):
            raise ParseFailure(TOO_SHORT if not s else INVALID)
        return _parse_fraction(p, s[1:], int(spec[1]))
    return _parse_fraction(p, s, int(spec[0]))  # 3f 6f 9f


def _parse_fraction(p: _Parsed, s: str, digits: int | None) -> str:
    if digits is None:
        count = 0
        while count < len(s) and "0" <= s[count] <= "9":
            count += 1
        if count == 0:
            raise ParseFailure(TOO_SHORT if not s else INVALID)
        text = s[:count]
        rest = s[count:]
    else:
        if len(s) < digits:
            raise ParseFailure(TOO_SHORT)
        text = s[:digits]
        if not all("0" <= c <= "9" for c in text):
            raise ParseFailure(INVALID)
        rest = s[digits:]
    nanos = int((text + "000000000")[:9])
    p.set("nanosecond", nanos)
    return rest


def parse_items(s: str, fmt: str) -> _Parsed:
    """Scan `s` against format `fmt` (chrono `format::parse`), raising ParseFailure."""
    try:
        items = strftime_items(fmt)
    except FormatError:
        raise ParseFailure(BAD_FORMAT) from None
    p = _Parsed()
    for kind, spec, _pad in items:
        if kind == "space":
            s = s.lstrip()
        elif kind == "lit":
            if len(s.encode()) < len(spec.encode()):
                raise ParseFailure(TOO_SHORT)
            if not s.startswith(spec):
                raise ParseFailure(INVALID)
            s = s[len(spec):]
        elif kind == "num":
            s = s.lstrip()
            width = _NUMERIC[spec][0] if spec != "s" else _WIDE
            if spec in _SIGNED and s[:1] in ("-", "+"):
                negative = s[0] == "-"
                s, v = _scan_number(s[1:], 1, _WIDE)
                v = -v if negative else v
            else:
                s, v = _scan_number(s, 1, width)
            _set_numeric(p, spec, v)
        else:
            s = _parse_fixed(p, spec, s)
    if s:
        raise ParseFailure(TOO_LONG)
    return p


def _resolve_year(y: int | None, q: int | None, r: int | None) -> int | None:
    if q is None and r is None:
        return y
    if y is not None:
        if y < 0:
            raise ParseFailure(OUT_OF_RANGE)
        if (q if q is not None else y // 100) != y // 100 or (
            r if r is not None else y % 100
        ) != y % 100:
            raise ParseFailure(IMPOSSIBLE)
        return y
    if q is not None and r is not None:
        return q * 100 + r
    if r is not None:
        return r + (2000 if r < 70 else 1900)
    raise ParseFailure(NOT_ENOUGH)


def _date_days(y: int, m: int, d: int) -> int:
    if not _MIN_YEAR <= y <= _MAX_YEAR or not 1 <= m <= 12 or not 1 <= d <= _month_days(y, m):
        raise ParseFailure(OUT_OF_RANGE)
    return days_from_civil(y, m, d)


def _to_days(p: _Parsed) -> int:
    """chrono `Parsed::to_naive_date` as days since the epoch."""
    year = _resolve_year(p.year, p.year_div_100, p.year_mod_100)
    isoyear = _resolve_year(p.isoyear, p.isoyear_div_100, p.isoyear_mod_100)
    if year is not None and p.month is not None and p.day is not None:
        days = _date_days(year, p.month, p.day)
    elif year is not None and p.ordinal is not None:
        if not _MIN_YEAR <= year <= _MAX_YEAR or p.ordinal > (366 if _is_leap(year) else 365):
            raise ParseFailure(OUT_OF_RANGE)
        days = days_from_civil(year, 1, 1) + p.ordinal - 1
    elif year is not None and p.weekday is not None and (
        p.week_from_sun is not None or p.week_from_mon is not None
    ):
        jan1 = _date_days(year, 1, 1)
        jan1_wd = (jan1 + 3) % 7  # Monday = 0
        if p.week_from_sun is not None:
            first = (7 - (jan1_wd + 1) % 7) % 7  # first Sunday
            days = jan1 + first + (p.week_from_sun - 1) * 7 + (p.weekday + 1) % 7
        else:
            first = (7 - jan1_wd) % 7  # first Monday
            assert p.week_from_mon is not None
            days = jan1 + first + (p.week_from_mon - 1) * 7 + p.weekday
        if civil_from_days(days)[0] != year:
            raise ParseFailure(OUT_OF_RANGE)
    elif isoyear is not None and p.isoweek is not None and p.weekday is not None:
        jan4 = _date_days(isoyear, 1, 4)
        week1_monday = jan4 - (jan4 + 3) % 7
        days = week1_monday + (p.isoweek - 1) * 7 + p.weekday
    else:
        raise ParseFailure(NOT_ENOUGH)
    moment = _Moment.from_timestamp(days * 86400)
    if moment is None:
        raise ParseFailure(OUT_OF_RANGE)
    checks = [
        (year, moment.year), (p.month, moment.month), (p.day, moment.day),
        (p.ordinal, moment.ordinal), (p.weekday, moment.weekday),
        (isoyear, moment.iso_year), (p.isoweek, moment.iso_week),
        (p.week_from_sun, _numeric_value(moment, "U")),
        (p.week_from_mon, _numeric_value(moment, "W")),
    ]
    if any(given is not None and given != actual for given, actual in checks):
        raise ParseFailure(IMPOSSIBLE)
    return days


def _to_seconds_of_day(p: _Parsed) -> int:
    """chrono `Parsed::to_naive_time`, as whole seconds (leap second 60 -> 59)."""
    if p.hour_div_12 is None or p.hour_mod_12 is None or p.minute is None:
        raise ParseFailure(NOT_ENOUGH)
    second = 0 if p.second is None else min(p.second, 59)
    if p.nanosecond is not None and p.second is None:
        raise ParseFailure(NOT_ENOUGH)
    return (p.hour_div_12 * 12 + p.hour_mod_12) * 3600 + p.minute * 60 + second


def _datetime_epoch(s: str, f: str) -> int:
    p = parse_items(s, f)
    try:
        days = _to_days(p)
        secs = _to_seconds_of_day(p)
    except ParseFailure:
        if p.timestamp is None:
            raise
        return p.timestamp
    epoch = days * 86400 + secs
    if p.timestamp is not None and p.timestamp != epoch:
        raise ParseFailure(IMPOSSIBLE)
    return epoch


def dtparse(s: Any, f: Any) -> Ok | Err:
    """`dtparse s f`: epoch seconds of `s` read with format `f` (date alone at midnight)."""
    if type(s) is not str or type(f) is not str:
        raise rt009("dtparse requires two text args")
    try:
        return Ok(float(_datetime_epoch(s, f)))
    except ParseFailure:
        pass
    try:
        return Ok(float(_to_days(parse_items(s, f)) * 86400))
    except ParseFailure as e:
        return Err(f"dtparse: {e}")


BUILTINS: dict[str, Callable[..., Any]] = {"dtfmt": dtfmt, "dtparse": dtparse}
