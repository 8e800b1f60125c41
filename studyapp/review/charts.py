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


@dataclass(frozen=True)
class Segment:
    y: float
    height: float
    value: int
    kind: int  # which series: 0, 1, 2


@dataclass(frozen=True)
class Column:
    x: float
    width: float
    segments: list[Segment]
    total: int


@dataclass(frozen=True)
class StackedChart:
    columns: list[Column]
    top: int
    width: int = WIDTH
    height: int = HEIGHT


def stacked_chart(values: list[tuple[int, ...]]) -> StackedChart:
    """A column a day, each stacked from its series, bottom first, scaled to the tallest column."""
    top = max((sum(v) for v in values), default=0) or 1
    step = WIDTH / max(len(values), 1)
    columns = []
    for i, parts in enumerate(values):
        segments, base = [], HEIGHT
        for kind, value in enumerate(parts):
            height = HEIGHT * value / top
            base -= height
            if value:
                segments.append(Segment(round(base, 2), round(height, 2), value, kind))
        columns.append(Column(round(i * step, 2), round(step - GAP, 2), segments, sum(parts)))
    return StackedChart(columns, top)


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    day: object  # a date
    count: int
    level: int  # 0 for none, then 1 to 4 by the learner's own busier days

    @property
    def label(self) -> str:
        # Formatted here rather than with the template's date filter: a year is 365 of them.
        return f"{self.day:%a} {self.day.day} {self.day:%b %Y}: {self.count}"


@dataclass(frozen=True)
class Heatmap:
    cells: list[Cell]
    weeks: int
    size: int = 10


def heatmap(days: list[tuple[object, int]]) -> Heatmap:
    """A year as weeks of seven days, Monday at the top, each day shaded by its count against the
    learner's own busiest days (quartiles of the days studied)."""
    studied = sorted(count for _, count in days if count)
    cuts = [studied[len(studied) * q // 4] for q in (1, 2, 3)] if studied else []
    first = days[0][0] if days else None
    offset = first.weekday() if first else 0
    cells = []
    for index, (day, count) in enumerate(days):
        position = index + offset
        level = 0 if not count else 1 + sum(count > cut for cut in cuts)
        cells.append(Cell((position // 7) * 12, (position % 7) * 12, day, count, level))
    return Heatmap(cells, (len(days) + offset + 6) // 7)
