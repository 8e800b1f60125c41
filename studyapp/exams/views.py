import random

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from studyapp.notes.models import Exam, Service
from studyapp.review import daily, grading
from studyapp.review.models import ReviewLog, StudySettings
from studyapp.review.scheduler import Rating
from studyapp.review.tickets import StaleTicket, read_ticket
from studyapp.web import partial_template, vary_on_htmx

from . import attempts, drawing, scoring, trend
from .forms import CustomExamForm
from .models import Attempt, AttemptQuestion, BankQuestion, answered
from .presets import PRESETS


def _exam():
    exam = Exam.objects.filter(declared=True).first() or Exam.objects.first()
    if exam is None:
        raise Http404("No exam is imported yet.")
    return exam


def _attempt_for_user(request, pk) -> Attempt:
    return get_object_or_404(Attempt.objects.for_user(request.user).select_related("exam"), pk=pk)


def _go(request, url):
    """Leave the page: a full navigation for htmx requests too."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
def index(request):
    exam = _exam()
    now = timezone.now()
    recent = list(Attempt.objects.for_user(request.user).filter(exam=exam)[:30])
    ongoing = [a for a in recent if a.open_at(now)]
    # The open attempt of each kind, which starting that kind again resumes or abandons.
    open_by_kind = {}
    for attempt in ongoing:
        if not attempt.review:  # an untimed one is resumed from the list of open attempts
            open_by_kind.setdefault(attempt.preset, attempt)
    finished = [a for a in recent if a.finished]
    return TemplateResponse(request, "exams/index.html", {
        "time_zone": StudySettings.objects.for_user(request.user).time_zone,
        "trend_lines": trend.lines(finished), "calibration": trend.calibration(finished),
        "exam": exam, "presets": [(p, *p.size(exam), open_by_kind.get(p.name)) for p in PRESETS.values()],
        "form": CustomExamForm(exam=exam), "ongoing": ongoing,
        "ongoing_custom": open_by_kind.get(Attempt.Preset.CUSTOM), "history": finished,
        "available": BankQuestion.objects.filter(exam=exam, retired_at__isnull=True).count(),
    })


@login_required
@require_safe
def calibration(request):
    """Forecast beside score for the learner's mock exams, for the statistics page to show."""
    finished = Attempt.objects.for_user(request.user).filter(finished_at__isnull=False, forecast__isnull=False,
                                                             review=False)[:trend.CALIBRATION_ATTEMPTS]
    return TemplateResponse(request, "exams/_calibration.html", {
        "calibration": trend.calibration(list(finished)),
        "time_zone": StudySettings.objects.for_user(request.user).time_zone})


@login_required
@require_POST
def start(request):
    exam = _exam()
    name = request.POST.get("preset", "")
    review = request.POST.get("review") == "1"
    if name in PRESETS:
        count, minutes = PRESETS[name].size(exam)
        domains = None
    else:
        form = CustomExamForm(request.POST, exam=exam)
        if not form.is_valid():
            messages.error(request, "Choose between 1 and 130 questions and between 1 and 300 minutes.")
            return redirect("exams:index")
        name, count, minutes = "custom", form.cleaned_data["questions"], form.cleaned_data["minutes"]
        domains = list(form.cleaned_data["domains"]) or None
        review = form.cleaned_data["review"]
        if form.cleaned_data["scenarios_only"]:
            keys = drawing.draw_scenarios(request.user, exam, count, domains or list(exam.domains.active()),
                                       timezone.now(), random.SystemRandom().randrange(2**62))
            if not keys:
                messages.error(request, "There are no scenario items for those domains yet.")
                return redirect("exams:index")
            return _start_or_resume(request, name, "abandon" in request.POST, exam=exam, count=len(keys),
                                    minutes=minutes, only_keys=keys, review=review)
    return _start_or_resume(request, name, "abandon" in request.POST, exam=exam, count=count, minutes=minutes,
                            domains=domains, review=review)


@login_required
@require_POST
def service_quiz(request, slug):
    """"Quiz me on this service": a short untimed exam (review mode) from the service's questions.
    Always a new one: an open quiz on another service is not this one, and one on this service
    stays in the list of open attempts."""
    service = get_object_or_404(Service.objects.active().only("name", "slug"), slug=slug)
    exam = _exam()
    seed = random.SystemRandom().randrange(2**62)
    keys = drawing.draw_service(exam, service, seed)
    if not keys:
        messages.error(request, f"There are no questions on {service.name} yet.")
        return redirect(service)
    count, minutes = PRESETS["quick"].size(exam)
    with transaction.atomic():
        StudySettings.objects.for_user(request.user, lock=True)  # one learner's starts one at a time
        attempt = attempts.start(request.user, exam, Attempt.Preset.SERVICE, timezone.now(), len(keys),
                                 minutes, only_keys=keys, seed=seed, review=True)
    return redirect(attempt.get_absolute_url())


def _start_or_resume(request, preset: str, abandon: bool, **drawn):
    """Start an attempt, unless one of the same kind is still open: that one is resumed, or, when
    the learner chose to abandon it, finished as it stands before the new one starts."""
    now = timezone.now()
    if "only_keys" not in drawn:
        # Drawn before the lock below is taken: the draw only reads, and on SQLite that lock is the
        # database's one write lock, which every other learner's answer would wait behind.
        exam, domains = drawn["exam"], drawn.pop("domains", None)
        drawn["seed"] = seed = random.SystemRandom().randrange(2**62)
        domains = domains or list(exam.domains.active())
        if preset in PRESETS and PRESETS[preset].scenarios:
            keys = drawing.draw_mock(request.user, exam, drawn["count"], domains, now, seed)
        elif preset in PRESETS:
            keys = drawing.draw(request.user, exam, drawn["count"], domains, now, seed,
                                kinds=(BankQuestion.Kind.SINGLE, BankQuestion.Kind.MULTIPLE))
        else:
            keys = drawing.draw(request.user, exam, drawn["count"], domains, now, seed)
        drawn["only_keys"] = keys
    with transaction.atomic():
        # One learner's starts are taken one at a time, so that two clicks cannot open two attempts.
        StudySettings.objects.for_user(request.user, lock=True)
        # A retake is of one attempt: the open retake of another is not this one.
        ongoing = (Attempt.objects.for_user(request.user).open_at(now)
                   .filter(preset=preset, retake_of=drawn.get("retake_of"), review=drawn.get("review", False))
                   .first())
        if ongoing and not abandon:
            messages.info(request, f"You already have this {ongoing.label.lower()} in progress, so "
                                   "here it is. To start a new one, finish this one first.")
            return redirect(ongoing.get_absolute_url())
        if ongoing:
            attempts.finish(ongoing, now)
        attempt = attempts.start(request.user, preset=preset, now=now, **drawn)
    return redirect(attempt.get_absolute_url())


@login_required
def question(request, pk, number):
    attempt = attempts.finish_if_over(_attempt_for_user(request, pk), timezone.now())
    if attempt.finished:
        return _go(request, reverse("exams:results", args=[attempt.pk]))
    # Every question's progress, and the one shown in full: the others' stems and options are
    # not read on each click.
    progress = list(attempt.questions.values_list("chosen", "choose", "flagged"))
    if (current := attempt.questions.filter(position=number).first()) is None:
        raise Http404("No such question.")
    if current.shown_at is None:
        # The first time it is shown: the clock of the time this question takes starts here.
        current.shown_at = timezone.now()
        AttemptQuestion.objects.filter(pk=current.pk, shown_at=None).update(shown_at=current.shown_at)
    if request.method == "POST":
        try:
            if "flag" in request.POST:
                attempts.flag(attempt, current, timezone.now())
            else:
                attempts.answer(attempt, current, _choices(request.POST.getlist("choice"), len(current.options)),
                            timezone.now())
        except attempts.AnswerShown:
            messages.info(request, "In review mode an answer stays as it was when its reason was shown.")
            return _go(request, reverse("exams:question", args=[attempt.pk, number]))
        except attempts.ExamClosed:
            now = timezone.now()
            attempt = attempts.finish(attempt, now)
            why = "Time was up" if now >= attempt.deadline else "The attempt was finished"
            messages.info(request, f"{why}, so that answer was not saved. Here is how you did.")
            return _go(request, reverse("exams:results", args=[attempt.pk]))
        except UnreadableChoice as problem:
            return _bad_choice(problem)
        if not request.htmx:
            target = number + 1 if "next" in request.POST and number < len(progress) else number
            return redirect("exams:question", pk=attempt.pk, number=target)
        progress[number - 1] = (current.chosen, current.choose, current.flagged)
    remaining = attempt.seconds_left(timezone.now())
    template = partial_template(request, "exams/question.html", "progress")
    navigator = _navigator(attempt, progress, number)
    return vary_on_htmx(TemplateResponse(request, template, {
        "attempt": attempt, "total": len(progress), "current": current, "number": number, "navigator": navigator,
        "remaining": remaining, "clock": _clock(remaining), "answered": sum(q["answered"] for q in navigator),
    }))


class UnreadableChoice(Exception):
    """A choice that names no option of the question: only a forged or garbled form sends one."""


def _bad_choice(problem: UnreadableChoice):
    return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")


def _choices(values: list[str], options: int) -> list[int]:
    """The option numbers chosen; UnreadableChoice names what is not one of them."""
    # Compared as text: int() also reads " 1", "1_0" and other digits ("٣"), and raises on others.
    numbers = {str(n) for n in range(options)}
    chosen = []
    for value in values:
        if value not in numbers:
            raise UnreadableChoice(f"“{value[:20]}” is not one of the options: choose from 0 to {options - 1}.")
        chosen.append(int(value))
    return chosen


def _navigator(attempt: Attempt, progress: list[tuple], number: int) -> list[dict]:
    """A link to each question, with its state."""
    # Question addresses differ only in their number: one reverse() serves them all.
    prefix = reverse("exams:question", args=[attempt.pk, 1]).removesuffix("1/")
    return [{"number": n, "url": f"{prefix}{n}/", "answered": answered(chosen, choose), "flagged": flagged,
             "current": n == number,
             "classes": " ".join(name for name, on in (("answered", answered(chosen, choose)), ("flagged", flagged)) if on)}
            for n, (chosen, choose, flagged) in enumerate(progress, 1)]


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02}:{rest % 60:02}"


@login_required
@require_POST
def finish(request, pk):
    """Finish and score the attempt; first ask, when questions are unanswered or flagged."""
    attempt = attempts.finish_if_over(_attempt_for_user(request, pk), timezone.now())
    if not attempt.finished and "confirm" not in request.POST:
        links = _navigator(attempt, list(attempt.questions.values_list("chosen", "choose", "flagged")), 0)
        unanswered = [link["number"] for link in links if not link["answered"]]
        flagged = [link["number"] for link in links if link["flagged"]]
        if unanswered or flagged:
            return TemplateResponse(request, "exams/finish.html", {
                "attempt": attempt, "unanswered": unanswered, "flagged": flagged,
                "back_to": (unanswered or flagged)[0], "clock": _clock(attempt.seconds_left(timezone.now())),
            })
    attempt = attempts.finish(attempt, timezone.now())
    return redirect("exams:results", pk=attempt.pk)


@login_required
def results(request, pk):
    attempt = attempts.finish_if_over(_attempt_for_user(request, pk), timezone.now())
    if not attempt.finished:
        return redirect("exams:question", pk=attempt.pk, number=1)
    questions = list(attempt.questions.select_related("domain"))
    used = attempt.finished_at - attempt.started_at
    filters = _result_filters(questions)
    show = request.GET.get("show", "all")
    show = show if show in filters else "all"
    return TemplateResponse(request, "exams/results.html", {
        "attempt": attempt, "questions": [q for q in questions if filters[show]["test"](q)],
        "domains": scoring.by_domain(attempt, questions),
        "filters": filters, "show": show, "time_zone": StudySettings.objects.for_user(request.user).time_zone,
        "minutes_used": int(used.total_seconds() // 60), "seconds_used": int(used.total_seconds() % 60),
        "missed": sum(not q.is_correct for q in questions),
    })


def _result_filters(questions) -> dict[str, dict]:
    """The views of an attempt's questions the results page offers, each with how many it holds."""
    filters = {
        "all": {"label": "All", "test": lambda q: True},
        "wrong": {"label": "Wrong or unanswered", "test": lambda q: not q.is_correct},
        "flagged": {"label": "Flagged", "test": lambda q: q.flagged},
    }
    for number in sorted({q.domain.number for q in questions if q.domain}):
        filters[f"domain-{number}"] = {"label": f"Domain {number}",
                                       "test": lambda q, n=number: q.domain is not None and q.domain.number == n}
    for entry in filters.values():
        entry["count"] = sum(map(entry["test"], questions))
    return filters


@login_required
@require_POST
def retake(request, pk):
    attempt = _attempt_for_user(request, pk)
    missed = [q.bank_key for q in attempt.questions.all() if not q.is_correct]
    if not attempt.finished or not missed:
        return redirect("exams:results", pk=attempt.pk)
    exam = attempt.exam
    minutes = max(round(len(missed) * (exam.minutes or 130) / (exam.question_count or 65)), 1)
    return _start_or_resume(request, Attempt.Preset.RETAKE, "abandon" in request.POST, exam=exam,
                            count=len(missed), minutes=minutes, only_keys=missed, retake_of=attempt)


@login_required
@require_http_methods(["GET", "POST"])
def practice(request):
    """The daily review as multiple choice: the same queue, the exam questions of its cards."""
    now = timezone.now()
    outcome = None
    if request.method == "POST":
        try:
            current, outcome, notice = daily.act(request.user, now, lambda current: _choose(request, current))
        except UnreadableChoice as problem:
            return _bad_choice(problem)
        if notice:
            messages.info(request, notice)
        if not request.htmx:
            if outcome:
                messages.info(request, outcome.summary)
            return redirect("exams:practice")
    else:
        current = daily.start(request.user, now)
    daily.fill(current)
    question = None
    if current.card:
        question = BankQuestion.objects.filter(key=current.card.key, kind=BankQuestion.Kind.SINGLE,
                                               retired_at__isnull=True).first()
    template = partial_template(request, "exams/practice.html", "practice")
    return vary_on_htmx(TemplateResponse(request, template, {
        "sitting": current, "question": question, "outcome": outcome,
        "options": _shuffled(question, current) if question else [],
    }))


class Outcome:
    """What the learner chose in a multiple-choice review, for the feedback above the next card."""

    def __init__(self, card, options: list[dict], chosen: int):
        self.card = card
        self.chosen = options[chosen]
        self.right = next(o for o in options if o["correct"])
        self.correct = self.chosen["correct"]

    @property
    def summary(self) -> str:
        return f"Right: {self.right['text']}." if self.correct else f"The answer was {self.right['text']}."


def _shuffled(question, session) -> list[tuple[int, dict]]:
    # The order changes from one showing to the next, but not when the page is reloaded.
    order = list(enumerate(question.options))
    random.Random(f"{question.key}:{session.state.version if session.state else 0}").shuffle(order)
    return order


def _choose(request, current):
    ticket = read_ticket(request.POST.get("ticket", ""))
    question = BankQuestion.objects.filter(key=ticket["card"], kind=BankQuestion.Kind.SINGLE).first()
    if question is None:
        raise StaleTicket("That card has no question to answer now.")
    [choice] = _choices(request.POST.getlist("choice")[:1] or [""], len(question.options))
    rating = Rating.GOOD if question.options[choice]["correct"] else Rating.AGAIN
    graded = grading.answer(request.user, current, request.POST["ticket"], rating, mode=ReviewLog.Mode.CHOICE)
    return Outcome(graded.card, question.options, choice)
