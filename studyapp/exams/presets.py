"""The kinds of mock exam a learner can start: a full exam, half of one, a quick quiz, a recall drill."""

from dataclasses import dataclass

from studyapp.notes.models import Exam


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    fraction: float  # of the exam's questions and minutes
    count: int | None = None  # a fixed number of questions instead, at the exam's pace
    # Shaped like the real exam (mostly scenario items, some "choose two"), or one-line recall
    # questions only.
    scenarios: bool = True
    about: str = ""

    def size(self, exam: Exam) -> tuple[int, int]:
        count = exam.question_count or 65
        minutes = exam.minutes or 130
        if self.count:
            return self.count, max(round(minutes * self.count / count), 5)
        return max(round(count * self.fraction), 1), max(round(minutes * self.fraction), 1)


PRESETS = {
    "full": Preset("full", "Full exam", 1.0, about="Shaped like the real exam: scenario questions, some “choose two”."),
    "half": Preset("half", "Half exam", 0.5, about="The same mix, in half the time."),
    "quick": Preset("quick", "Quick quiz", 0.0, count=10, about="Ten questions in the real exam’s mix."),
    "drill": Preset("drill", "Recall drill", 0.0, count=20, scenarios=False,
                    about="One-line recall questions generated from your cards, your weakest first: quick practice, rougher than the scenarios."),
}
