from django import forms

from studyapp.notes.models import Domain


class CustomExamForm(forms.Form):
    questions = forms.IntegerField(min_value=1, max_value=130, initial=20, label="Questions")
    minutes = forms.IntegerField(min_value=1, max_value=300, initial=40, label="Minutes")
    domains = forms.ModelMultipleChoiceField(Domain.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text="Leave all unticked for every domain.")
    scenarios_only = forms.BooleanField(required=False, label="Scenario items only",
                                        help_text="Only the exam-style stories, no one-line recall questions.")
    review = forms.BooleanField(required=False, label="Review mode",
                                help_text="Untimed, with the answer and every option's reason shown after each question.")

    def __init__(self, *args, exam=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = Domain.objects.active().filter(exam=exam)
