import csv
import json
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studyapp.notes import views as notes_views
from studyapp.notes.models import Service
from studyapp.spreadsheet import inert
from studyapp.web import partial_template, vary_on_htmx

from . import daily, fitting, grading, optimizer, scopes
from . import stats as stats_figures
from .charts import forecast_chart
from .days import study_day
from .forms import StudySettingsForm, WorkloadForm
from .models import ParameterFit, ReviewLog, ReviewState, StudySettings
from .overview import overview
from .scheduler import Rating
from .workload import learner_workload

WORKLOAD_DAYS = 30
MAX_WORKLOAD_DAYS = 180


def dashboard(request):
    """The learner's day at a glance; visitors get the notes' front page."""
    if not request.user.is_authenticated:
        return notes_views.home(request)
    return TemplateResponse(request, "review/dashboard.html", {
        "overview": overview(request.user, timezone.now()),
    })


@login_required
@require_http_methods(["GET", "POST"])
def session(request):
    """One card at a time. POST grades, undoes, buries or suspends, then shows the next card."""
    now = timezone.now()
    prefer, notice = None, ""
    ahead = request.GET.get("ahead") == "1"
    service = _focus(request)
    if request.method == "POST":
        try:
            current, done, notice = daily.act(request.user, now, lambda current: _act(request, current), ahead,
                                              service)
        except UnknownAction:
            return HttpResponseBadRequest("Unknown action.")
        prefer, notice = done or (None, notice)
        if not request.htmx:
            if notice:
                messages.info(request, notice)
            return redirect(_session_url(prefer, ahead, service))
    else:
        current = daily.start(request.user, now, ahead=ahead, service=service)
        if key := request.GET.get("card"):
            prefer = _preferred(request.user, key)
    daily.fill(current, prefer)
    current.notice = notice
    template = partial_template(request, "review/session.html", "session")
    return vary_on_htmx(TemplateResponse(request, template, {"sitting": current,
                                                             "review_url": _session_url(None, ahead, service)}))


def _focus(request) -> Service | None:
    """The service the learner chose to review alone ("Review this service"), if any."""
    slug = request.GET.get("service")
    return get_object_or_404(Service.objects.active().only("name", "slug"), slug=slug) if slug else None


class UnknownAction(Exception):
    pass


def _rating(value: str) -> Rating:
    try:
        return Rating(int(value))
    except ValueError:
        raise UnknownAction(value) from None


def _act(request, current):
    """Apply the button that was pressed; returns the card to show next, if not the queue's, and a notice."""
    ticket = request.POST.get("ticket", "")
    if "grade" in request.POST:
        graded = grading.answer(request.user, current, ticket, _rating(request.POST["grade"]))
        if graded.became_leech:
            return None, (f"“{graded.card.front}” has now been forgotten {graded.state.lapses} times, so it is "
                          "suspended as a leech. Rewrite it in your own words, then unsuspend it.")
        return None, ""
    if "undo" in request.POST:
        undone = grading.undo(request.user, current)
        return (undone, "Undone.") if undone else (None, "There is nothing from today to undo.")
    if "bury" in request.POST or "suspend" in request.POST:
        how = "bury" if "bury" in request.POST else "suspend"
        card = grading.set_aside(request.user, current, ticket, how)
        return None, f"Buried until tomorrow: “{card.front}”." if how == "bury" else f"Suspended: “{card.front}”."
    raise UnknownAction("no action")


def _preferred(user, key):
    state = ReviewState.objects.filter(user=user, card__key=key).select_related("card__source", "card__table").first()
    return (state.card, state) if state else None


def _session_url(prefer, ahead: bool = False, service: Service | None = None) -> str:
    query = {**({"card": prefer[0].key} if prefer else {}), **({"ahead": "1"} if ahead else {}),
             **({"service": service.slug} if service else {})}
    url = reverse("review:session")
    return f"{url}?{urlencode(query)}" if query else url


@login_required
@require_safe
def stats(request):
    scope = scopes.chosen(request.GET.get("cards", ""))
    sitting = daily.start(request.user, timezone.now())
    # Read only when the page's cached body is stale: the template calls it inside {% cache %}.
    return TemplateResponse(request, "review/stats.html", {
        "stats": partial(stats_figures.statistics, request.user, sitting, scope), "scope": scope,
        "stats_key": stats_figures.cache_key(sitting, scope), "stats_seconds": stats_figures.CACHE_SECONDS})


@login_required
def study_settings(request):
    study = StudySettings.objects.for_user(request.user)
    form = StudySettingsForm(request.POST or None, instance=study)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("review:settings")
    return TemplateResponse(request, "review/settings.html", {
        "form": form, **_memory(request.user, study), "workload": _workload(request, study)})


@login_required
@require_safe
def workload_forecast(request):
    """The workload for other settings than the saved ones, as the settings page asks for it."""
    study = StudySettings.objects.for_user(request.user)
    return TemplateResponse(request, "review/settings.html#workload", {"workload": _workload(request, study)})


def _workload(request, study: StudySettings) -> dict:
    """About how many reviews a day, for the next days, at the pace and retention asked (else saved)."""
    # Prefixed: the settings form on the same page has fields of the same names.
    form = WorkloadForm(request.GET or None, prefix="workload", initial={
        "new_per_day": study.new_per_day, "desired_retention": study.desired_retention})
    pace = form.cleaned_data if form.is_valid() else form.initial
    today = study_day(timezone.now(), study.time_zone)
    # Until the exam, while one is ahead (up to the simulator's longest run), else the next 30 days.
    exam = study.exam_ahead(today.date)
    days = max(min((study.exam_date - today.date).days, MAX_WORKLOAD_DAYS), 2) if exam else WORKLOAD_DAYS
    forecast = learner_workload(request.user, study, today, days, pace["new_per_day"], pace["desired_retention"])
    return {"form": form, "forecast": forecast, "days": days, "until_exam": exam and days < MAX_WORKLOAD_DAYS,
            "chart": forecast_chart(forecast.per_day)}


def _memory(user, study: StudySettings) -> dict:
    """What the settings page says of the learner's own FSRS parameters."""
    return {
        "study": study, "fit": ParameterFit.objects.filter(user=user).first(),
        "answers": fitting.answers_for_fitting(user).count(), "min_answers": optimizer.MIN_REVIEWS,
    }


@login_required
@require_POST
def fit_parameters(request):
    study = StudySettings.objects.for_user(request.user)
    context = _memory(request.user, study)
    if context["fit"] and not context["fit"].finished:
        messages.info(request, "A fit is already running.")
    elif context["answers"] < optimizer.MIN_REVIEWS:
        messages.error(request, f"Fitting needs {optimizer.MIN_REVIEWS} answers; you have given {context['answers']}.")
    else:
        fitting.start_fit(request.user, timezone.now())
    return redirect(reverse("review:settings") + "#memory")


@login_required
@require_safe
def fit_status(request, pk):
    """The fit's progress, polled by the settings page while it runs."""
    fit = get_object_or_404(ParameterFit, pk=pk, user=request.user)
    study = StudySettings.objects.for_user(request.user)
    return TemplateResponse(request, "review/settings.html#memory", {**_memory(request.user, study), "fit": fit})


@login_required
@require_POST
def previous_parameters(request):
    if fitting.go_back(request.user):
        messages.success(request, "The parameters in use before the last fit are back in use.")
    return redirect(reverse("review:settings") + "#memory")


@login_required
def suspended(request):
    states = (ReviewState.objects.filter(user=request.user, suspended=True)
              .select_related("card__source", "card__table").order_by("-leech", "card__front"))
    return TemplateResponse(request, "review/suspended.html", {"states": states})


@login_required
@require_POST
def unsuspend(request, pk):
    state = get_object_or_404(ReviewState, pk=pk, user=request.user)
    state.suspended = False
    state.version += 1
    state.save(update_fields=["suspended", "version"])
    messages.success(request, f"Unsuspended: “{state.card.front}”.")
    return redirect("review:suspended")


@login_required
@require_safe
def history(request, fmt):
    """The learner's own review log, CSV or JSON, streamed as it is read from the database."""
    rows = ReviewLog.objects.filter(user=request.user).exported()
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(_json_array(rows), content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(
        True, f"review-history-{timezone.now():%Y-%m-%d}.{fmt}")
    return response


class _Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def _csv_lines(rows):
    writer = csv.DictWriter(_Echo(), fieldnames=ReviewLog.EXPORT_COLUMNS)
    yield writer.writeheader()
    for row in rows:
        row = {**row, "state_before": json.dumps(row["state_before"], sort_keys=True)}
        yield writer.writerow({column: inert(value) for column, value in row.items()})


def _json_array(rows):
    yield "["
    for index, row in enumerate(rows):
        yield ("\n" if index == 0 else ",\n") + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"
