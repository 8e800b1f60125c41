"""Fitting FSRS to a learner's answers: started from the settings page, run by
`manage.py fit_parameters` in a process of its own, never inside a request."""

import logging
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from studyapp.notes.processes import spawn_manage

from . import optimizer
from .models import ParameterFit, ReviewLog, StudySettings

logger = logging.getLogger(__name__)


def answers_for_fitting(user):
    """The learner's answers as the optimizer reads them: mock exam answers left out, since a
    question recognised among options is not the recall FSRS models."""
    return ReviewLog.objects.filter(user=user).exclude(mode=ReviewLog.Mode.EXAM)


def start_fit(user, now: datetime) -> ParameterFit:
    fit = ParameterFit.objects.create(user=user, created_at=now)
    try:
        fit.pid = spawn_manage(["fit_parameters", "--run", str(fit.pk)],
                               Path(settings.MEDIA_ROOT) / "fits" / f"{fit.pk}.log")
        fit.save(update_fields=["pid"])
    except Exception as exc:
        logger.exception("fit %s could not be started", fit.pk)
        fail(fit, f"It could not be started ({type(exc).__name__}: {exc}).")
    return fit


def run_fit(fit: ParameterFit) -> ParameterFit:
    """Fit the learner's parameters, record how well they and the ones in use predict the answers,
    and put the fitted ones in use only if they predict better."""
    answers = answers_for_fitting(fit.user).order_by("reviewed_at", "pk").values_list("card_id", "day", "rating")
    items = optimizer.items_from_history(answers)
    current = StudySettings.objects.for_user(fit.user).parameters or list(optimizer.DEFAULT_PARAMETERS)
    result = optimizer.fit(items, current)
    with transaction.atomic():
        study = StudySettings.objects.for_user(fit.user, lock=True)
        if result.better:
            study.previous_parameters, study.parameters = list(current), list(result.parameters)
            study.save(update_fields=["previous_parameters", "parameters"])
        fit.reviews = len(items)
        fit.current_parameters, fit.fitted_parameters = list(current), list(result.parameters)
        fit.current_log_loss, fit.current_rmse = result.current.log_loss, result.current.rmse
        fit.fitted_log_loss, fit.fitted_rmse = result.fitted.log_loss, result.fitted.rmse
        fit.applied = result.better
        fit.status, fit.finished_at = ParameterFit.Status.DONE, timezone.now()
        fit.save()
    return fit


def fail(fit: ParameterFit, message: str):
    ParameterFit.objects.filter(pk=fit.pk, status=ParameterFit.Status.RUNNING).update(
        status=ParameterFit.Status.FAILED, finished_at=timezone.now(), message=message)
    fit.refresh_from_db()


def go_back(user) -> bool:
    """Put the parameters in use before the last fit back; False when there are none to go back to."""
    with transaction.atomic():
        study = StudySettings.objects.for_user(user, lock=True)
        if not study.previous_parameters:
            return False
        study.parameters, study.previous_parameters = study.previous_parameters, []
        if study.parameters == list(optimizer.DEFAULT_PARAMETERS):
            study.parameters = []
        study.save(update_fields=["parameters", "previous_parameters"])
    return True
