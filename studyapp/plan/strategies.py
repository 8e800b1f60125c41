"""What a simulated learner reviews each day, and when a reviewed card is due again.

S1 is plain FSRS at desired retention 0.90; S3 adds Anki's exam workaround, a cram of every
card predicted below 0.90 on the exam's last two days; the plan is the exam planner.
"""

from studyapp.plan.cards import REVIEW
from studyapp.plan.memory import fuzz
from studyapp.plan.planner import BASE_RETENTION, HEADROOM, TARGET, PlanCard, next_due, plan_day


class Plain:
    name = "S1"

    def __init__(self, retention=0.90):
        self.retention = retention

    def morning(self, study, day):
        due = study.due
        return [index for index in range(study.introduced) if due[index] <= day]

    def schedule(self, study, index, day):
        days = study.model.interval(study.cards[index].stability, self.retention)
        return day + fuzz(days, study.fuzz_rng)

    def evening(self, study, day):
        return ()


class Cram(Plain):
    name = "S3"

    def __init__(self, retention=0.90, threshold=0.90, days=2):
        super().__init__(retention)
        self.threshold = threshold
        self.days = days

    def evening(self, study, day):
        if day < study.exam_day - self.days:
            return []
        return [index for index in range(study.introduced)
                if study.cards[index].state == REVIEW and study.last_day(index) != day
                and study.predicted_recall(index, study.exam_day) < self.threshold]


class Plan:
    name = "plan"

    def __init__(self, budget, base_retention=BASE_RETENTION, target=TARGET, headroom=HEADROOM, overbook=False):
        self.budget = budget
        self.base_retention = base_retention
        self.target = target
        self.headroom = headroom
        self.overbook = overbook

    def morning(self, study, day):
        mine = (PlanCard(index, card.stability, card.difficulty, study.last_day(index), card.state, study.due[index])
                for index, card in enumerate(study.cards[:study.introduced]))
        return plan_day(mine, day, study.exam_day, self.budget, target=self.target, headroom=self.headroom,
                        overbook=self.overbook, model=study.model).today

    def schedule(self, study, index, day):
        card = study.cards[index]
        return next_due(card.stability, card.difficulty, day, study.exam_day, base_retention=self.base_retention,
                        target=self.target, model=study.model, rng=study.fuzz_rng)

    def evening(self, study, day):
        return ()
