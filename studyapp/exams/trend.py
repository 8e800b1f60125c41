"""A learner's scores over time, one line per kind of exam: a full mock is compared with full
mocks, a 10-question quiz with quizzes. Drawn as an SVG on the server (no chart library in the
browser), with the same numbers in a table beside it."""

from dataclasses import dataclass

from .models import Attempt

WIDTH, HEIGHT, PAD = 320, 120, 8
SCALE = (100, 1000)  # the exam's scaled-score range
PASS_LINE = 720


@dataclass
class Line:
    label: str
    attempts: list[Attempt]  # oldest first

    @property
    def points(self) -> str:
        """The polyline's points, x by attempt order, y by scaled score."""
        low, high = SCALE
        step = (WIDTH - 2 * PAD) / max(len(self.attempts) - 1, 1)
        return " ".join(
            f"{PAD + i * step:.1f},{PAD + (HEIGHT - 2 * PAD) * (high - a.scaled_score) / (high - low):.1f}"
            for i, a in enumerate(self.attempts))

    @property
    def pass_y(self) -> float:
        low, high = SCALE
        return round(PAD + (HEIGHT - 2 * PAD) * (high - PASS_LINE) / (high - low), 1)

    @property
    def pass_label_y(self) -> float:
        return self.pass_y - 3


def lines(finished: list[Attempt], domains_of: dict[int, list[int]], last: int = 10) -> list[Line]:
    """A line for each kind of exam the learner has finished at least twice, custom exams by the
    domains they were drawn from, each with its `last` attempts."""
    grouped: dict[str, list[Attempt]] = {}
    for attempt in sorted(finished, key=lambda a: (a.started_at, a.pk)):
        label = attempt.get_preset_display()
        if attempt.preset == Attempt.Preset.CUSTOM:
            numbers = domains_of.get(attempt.pk) or []
            label = f"Custom, domain{'s' if len(numbers) != 1 else ''} {', '.join(map(str, numbers))}" if numbers \
                else "Custom"
        grouped.setdefault(label, []).append(attempt)
    return [Line(label, attempts[-last:]) for label, attempts in grouped.items() if len(attempts) >= 2]
