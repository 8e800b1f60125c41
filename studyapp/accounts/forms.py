from django import forms
from django.contrib.auth.forms import UserCreationForm

from studyapp.review.days import TIME_ZONES


class SignupForm(UserCreationForm):
    # Filled in by the browser (static/js/timezone.js); without JavaScript the day follows UTC
    # until the learner picks a zone in their settings.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"]
        return zone if zone in TIME_ZONES else "UTC"
