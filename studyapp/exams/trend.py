"""A learner's scores over time, one line per kind of exam: a full mock is compared with full
mocks, a 10-question quiz with quizzes. Drawn as an SVG on the server (no chart library in the
browser), with the same numbers in a table beside it."""

from dataclasses import dataclass

from .models import Attempt, AttemptQuestion

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


def lines(finished: list[Attempt], last: int = 10) -> list[Line]:
    """A line for each kind of exam the learner has finished at least twice, custom exams by the
    domains they were drawn from, each with its `last` attempts."""
    domains_of = _custom_domains(finished)
    grouped: dict[str, list[Attempt]] = {}
    for attempt in sorted(finished, key=lambda a: (a.started_at, a.pk)):
        grouped.setdefault(_label(attempt, domains_of.get(attempt.pk)), []).append(attempt)
    return [Line(label, attempts[-last:]) for label, attempts in grouped.items() if len(attempts) >= 2]


def _label(attempt: Attempt, domains: list[int] | None) -> str:
    """The line an attempt belongs to: its kind, review mode apart from timed attempts."""
    if attempt.preset != Attempt.Preset.CUSTOM or not domains:
        return attempt.label
    label = f"Custom, domain{'s' if len(domains) > 1 else ''} {', '.join(map(str, domains))}"
    return f"{label}, review mode" if attempt.review else label


def _custom_domains(finished: list[Attempt]) -> dict[int, list[int]]:
    """The domain numbers each custom attempt drew its questions from: one query."""
    domains: dict[int, list[int]] = {}
    for attempt_id, number in (AttemptQuestion.objects.filter(attempt__in=[a.pk for a in finished],
                                                              attempt__preset=Attempt.Preset.CUSTOM)
                               .exclude(domain=None).values_list("attempt_id", "domain__number")
                               .distinct().order_by("attempt_id", "domain__number")):
        domains.setdefault(attempt_id, []).append(number)
    return domains


@dataclass
class Calibration:
    """Each timed mock's share of questions right beside the share forecast for it as it was
    finished (review.readiness.mock_forecast): how far the readiness forecast can be trusted."""

    attempts: list[Attempt]  # oldest first, each with a forecast

    def _points(self, shares) -> list[tuple[float, float]]:
        step = (WIDTH - 2 * PAD) / max(len(self.attempts) - 1, 1)
        return [(round(PAD + i * step, 1), round(PAD + (HEIGHT - 2 * PAD) * (1 - share), 1))
                for i, share in enumerate(shares)]

    @property
    def actual(self) -> list[tuple[float, float]]:
        return self._points(a.percent / 100 for a in self.attempts)

    @property
    def forecast(self) -> list[tuple[float, float]]:
        return self._points(a.forecast for a in self.attempts)

    @property
    def actual_points(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.actual)

    @property
    def forecast_points(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.forecast)

    @property
    def mean_gap(self) -> int:
        """The mean distance between forecast and score, in percentage points."""
        return round(sum(abs(a.forecast * 100 - a.percent) for a in self.attempts) / len(self.attempts))


CALIBRATION_ATTEMPTS = 12


def calibration(finished: list[Attempt], last: int = CALIBRATION_ATTEMPTS) -> Calibration | None:
    """The learner's last timed attempts that have a forecast; None before the first."""
    forecast = sorted((a for a in finished if a.forecast is not None and not a.review),
                      key=lambda a: (a.started_at, a.pk))
    return Calibration(forecast[-last:]) if forecast else None
