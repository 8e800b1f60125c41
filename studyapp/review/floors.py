"""A learner's new-card floor: every active card placed before it has been answered, so the
search for new cards starts there instead of walking past a year of answered ones."""

from django.db.models import Exists, OuterRef

from .models import Card, ReviewState, StudySettings
from .scheduler import Phase

# Past the last position a card can have (positions are 32-bit): no new card is left.
PAST_EVERY_CARD = 2**32


def raise_new_from(user, study: StudySettings):
    """Move the learner's new-card floor past the answered cards at its front: two queries."""
    answered = ReviewState.objects.filter(user=user, card=OuterRef("pk")).exclude(phase=Phase.NEW)
    first_open = (Card.objects.active().filter(position__gte=study.new_from).exclude(Exists(answered))
                  .order_by("position").values_list("position", flat=True).first())
    study.new_from = PAST_EVERY_CARD if first_open is None else first_open
    StudySettings.objects.filter(pk=study.pk).update(new_from=study.new_from)


def lower_new_from(position: int, user=None):
    """A card at `position` may be new again (for one learner, or for all): search from there."""
    learners = StudySettings.objects.filter(new_from__gt=position)
    (learners.filter(user=user) if user is not None else learners).update(new_from=position)


def cards_new_to(user) -> int:
    """How many active cards the learner has not yet answered."""
    answered = ReviewState.objects.filter(user=user, card=OuterRef("pk")).exclude(phase=Phase.NEW)
    return Card.objects.active().exclude(Exists(answered)).count()
