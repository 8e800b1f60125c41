"""Charts drawn on the server as SVG: the geometry here, the markup in the templates (no chart
library in the browser, and the content security policy stays as it is)."""

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 300, 80, 1


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    day: int  # from 1, today being day 1


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    top: int  # the value a full-height bar stands for
    width: int = WIDTH
    height: int = HEIGHT


def forecast_chart(values: list[int]) -> BarChart:
    """One bar a day, scaled to the largest value."""
    top = max(values, default=0) or 1
    step = WIDTH / max(len(values), 1)
    return BarChart([Bar(round(i * step, 2), round(HEIGHT - HEIGHT * v / top, 2), round(step - GAP, 2),
                         round(HEIGHT * v / top, 2), v, i + 1) for i, v in enumerate(values)], top)
