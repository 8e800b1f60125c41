from django.contrib.auth import login
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from studyapp.review.models import StudySettings

from .forms import SignupForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("/")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        StudySettings.objects.create(user=user, time_zone=form.cleaned_data["time_zone"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("/")
    return TemplateResponse(request, "accounts/signup.html", {"form": form})
