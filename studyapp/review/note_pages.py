"""The notes' pages as a learner reads them: each service's figures on /notes/ (weakest first on
request), "Review this service" and "Quiz me on this service" on its page, and under each section
the cards it made.

The notes app knows nothing of cards or learners, so these views call its own and add to what its
templates are given; the project's URLconf reaches them first, and the pages keep their addresses."""

from django.core.cache import cache
from django.utils import timezone
from django.views.decorators.http import require_safe

from studyapp.notes import views as notes_views

from . import daily
from .models import Card, ReviewState, StudySettings
from .scheduler import Phase
from .scopes import EVERY_CARD
from .stats import CACHE_SECONDS, Figures, by_service, cache_key

NOTHING_YET = Figures(0, 0, 0, None)


@require_safe
def notes_index(request):
    response = notes_views.notes_index(request)
    if not request.user.is_authenticated:
        return response
    context = response.context_data
    figures = _every_services_figures(request.user)
    weakest = request.GET.get("sort") == "weakest"
    domains, unassigned = list(context["domains"]), list(context["unassigned"])
    for services in [*(domain.active_services for domain in domains), unassigned]:
        for service in services:
            service.study = figures.get(service.pk, NOTHING_YET)
        if weakest:
            services.sort(key=lambda service: service.study.weakness)
    context.update(domains=domains, unassigned=unassigned, weakest=weakest)
    return response


def _every_services_figures(user) -> dict:
    """Every service's figures: a pass over all the learner's schedules, so kept in the cache under
    what they depend on, as the statistics page keeps its own (review.stats.cache_key)."""
    sitting = daily.start(user, timezone.now())
    key = f"service-figures:{cache_key(sitting, EVERY_CARD)}"
    if (figures := cache.get(key)) is None:
        figures = by_service(user, sitting.now, sitting.study.memory_model())
        cache.set(key, figures, CACHE_SECONDS)
    return figures


@require_safe
def service_page(request, slug):
    response = notes_views.service_detail(request, slug)
    context = response.context_data
    service = context["service"]
    _attach_cards(request.user, service.source_id, context["sections"])
    if request.user.is_authenticated:
        model = StudySettings.objects.for_user(request.user).memory_model()
        context["study"] = by_service(request.user, timezone.now(), model, [service.pk]).get(service.pk, NOTHING_YET)
    return response


@require_safe
def document_page(request, slug):
    response = notes_views.document_detail(request, slug)
    if getattr(response, "context_data", None) is None:  # a service's note: sent to its page
        return response
    context = response.context_data
    _attach_cards(request.user, context["source"].pk, context["sections"])
    return response


def _attach_cards(user, source_id: int | None, sections: list):
    """Each section's `cards`: the active cards it made, in the order they are introduced, each
    with whether the learner has met it. Two queries, one for a visitor."""
    for section in sections:
        section.cards = []
    if source_id is None:
        return
    cards = list(Card.objects.active().filter(source_id=source_id).values_list("pk", "key", "front", "anchor"))
    met = set()
    if user.is_authenticated and cards:
        # By the note's cards' ids, which the learner's (user, card) index finds one by one. `reps`
        # is read though unused: with only the card and its phase, SQLite answers from the queue's
        # index, which holds both, by reading every schedule of a learner with a long history.
        met = {card_id for card_id, _ in ReviewState.objects.filter(
            user=user, card_id__in=[card[0] for card in cards]).exclude(phase=Phase.NEW).values_list("card_id", "reps")}
    by_anchor = {section.anchor: section for section in sections}
    for pk, key, front, anchor in cards:
        if anchor in by_anchor:
            by_anchor[anchor].cards.append((key, front, pk in met))
