"""Plain Python code calling the ilo kernels."""

from __future__ import annotations

from dataclasses import dataclass

from . import kernels


@dataclass
class Path:
    """A polyline through (x, y) points."""

    points: list[tuple[float, float]]

    def as_records(self) -> list:
        return [kernels.pt(x=x, y=y) for x, y in self.points]


def perimeter(path: Path) -> float:
    """Length of the polyline: `dist` (fallback tier, records) between neighbours, summed by
    `total`; `hyp` (native) checks the first segment."""
    pts = path.as_records()
    segments = [kernels.dist(a, b) for a, b in zip(pts, pts[1:], strict=False)]
    if path.points[1:]:
        (x0, y0), (x1, y1) = path.points[0], path.points[1]
        assert abs(kernels.hyp(x1 - x0, y1 - y0) - segments[0]) < 1e-12
    return kernels.total(segments)
