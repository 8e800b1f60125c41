from django import forms

from studyapp.notes.models import Domain, Exam, Service

from . import scheduler
from .days import TIME_ZONES
from .models import StudySettings


class StepsField(forms.CharField):
    """Learning steps written as Anki writes them: '1m 10m'. Empty is allowed: no steps."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return scheduler.format_steps(tuple(scheduler.timedelta(seconds=s) for s in value))
        return value

    def to_python(self, value):
        text = super().to_python(value)
        try:
            steps = scheduler.parse_steps(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if len(steps) > 10:
            raise forms.ValidationError("Use at most 10 steps.")
        if any(step.total_seconds() > 86400 * 7 for step in steps):
            raise forms.ValidationError("Keep each step under a week; longer gaps are FSRS's job.")
        return [int(step.total_seconds()) for step in steps]


class StudySettingsForm(forms.ModelForm):
    learning_steps = StepsField(help_text="Waits between the first answers to a new card, e.g. “1m 10m”.")
    relearning_steps = StepsField(help_text="Waits after forgetting a card, e.g. “10m”.")
    time_zone = forms.ChoiceField(choices=[(z, z) for z in TIME_ZONES],
                                  help_text="Your study day starts at 04:00 in this time zone.")
    exams = forms.ModelMultipleChoiceField(Exam.objects.all(), required=False, widget=forms.CheckboxSelectMultiple)
    domains = forms.ModelMultipleChoiceField(Domain.objects.active().select_related("exam"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    services = forms.ModelMultipleChoiceField(Service.objects.active(), required=False,
                                              widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = StudySettings
        fields = ["exam_date", "review_budget", "new_per_day", "reviews_per_day", "learning_steps", "relearning_steps",
                  "desired_retention", "time_zone", "exams", "domains", "services"]
        labels = {"new_per_day": "New cards a day", "reviews_per_day": "Reviews a day",
                  "desired_retention": "Desired retention", "exam_date": "Exam date",
                  "review_budget": "Reviews a day until the exam, at most"}
        help_texts = {
            "desired_retention": "The chance of remembering a card when it comes due: higher means more reviews.",
            "exam_date": "If you have booked the exam: the home page counts down to it and says how many new "
                         "cards a day meet every card a week before it.",
            "review_budget": "Reviews of cards you have learnt, learning steps not counted. Leave it empty for the "
                             "busiest day plain FSRS would give you.",
        }
        widgets = {"desired_retention": forms.NumberInput(attrs={"step": "0.01", "min": "0.70", "max": "0.99"}),
                   "exam_date": forms.DateInput(attrs={"type": "date"})}

    # Only what the notes hold now is offered. A domain or service the learner chose that has since
    # been retired stays chosen, so the choice is there again when it comes back (a retired domain
    # offers no cards meanwhile: see review.queue).
    def clean_domains(self):
        return [*self.cleaned_data["domains"], *self.retired_chosen("domains")]

    def clean_services(self):
        return [*self.cleaned_data["services"], *self.retired_chosen("services")]

    def retired_chosen(self, name):
        if not self.instance.pk:
            return []
        return list(getattr(self.instance, name).filter(retired_at__isnull=False))

    def retired_choices(self):
        return [*self.retired_chosen("domains"), *self.retired_chosen("services")]


class WorkloadForm(forms.Form):
    """A pace and a desired retention to see the workload of, before saving them."""

    new_per_day = forms.IntegerField(min_value=0, max_value=9999, label="New cards a day")
    desired_retention = forms.FloatField(min_value=0.70, max_value=0.99, label="Desired retention",
                                         widget=forms.NumberInput(attrs={"step": "0.01"}))
