"""The kinds of mock exam a learner can start: a full exam, half of one, a quick quiz."""

from dataclasses import dataclass

from studyapp.notes.models import Exam


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    fraction: float  # of the exam's questions and minutes

    def size(self, exam: Exam) -> tuple[int, int]:
        count = exam.question_count or 65
        minutes = exam.minutes or 130
        if self.name == "quick":
            return 10, max(round(minutes * 10 / count), 5)
        return max(round(count * self.fraction), 1), max(round(minutes * self.fraction), 1)


PRESETS = {
    "full": Preset("full", "Full exam", 1.0),
    "half": Preset("half", "Half exam", 0.5),
    "quick": Preset("quick", "Quick quiz", 0.0),
}
