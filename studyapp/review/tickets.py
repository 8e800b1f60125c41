"""Tickets: which card, at which version, shown to whom and when. A form carries one, so that an
answer is taken once, for the card that was shown."""

from datetime import datetime

from django.core import signing

from .models import Card, ReviewState

TICKET_SALT = "review.ticket"


class StaleTicket(Exception):
    """The form was for a card that is no longer current: answered, buried or suspended since."""


def make_ticket(user_id: int, key: str, version: int, shown_at: datetime) -> str:
    """Signed, and naming the learner it was shown to: a form copied into another account is refused."""
    payload = {"user": user_id, "card": key, "version": version, "shown": shown_at.timestamp()}
    return signing.dumps(payload, salt=TICKET_SALT)


def read_ticket(value: str) -> dict:
    try:
        return signing.loads(value, salt=TICKET_SALT)
    except signing.BadSignature as exc:
        raise StaleTicket("That form could not be read.") from exc


def card_for_ticket(user, ticket: dict) -> tuple[Card, ReviewState | None]:
    if ticket.get("user") != user.pk:
        raise StaleTicket("That form was shown to someone else.")
    # A card in the learner's schedule is read with its schedule, in one query; only a new one alone.
    try:
        state = ReviewState.objects.select_for_update(of=("self",)).select_related("card").get(
            user=user, card__key=ticket["card"])
        card = state.card
    except ReviewState.DoesNotExist:
        state = None
        card = Card.objects.filter(key=ticket["card"]).first()
        if card is None:
            raise StaleTicket("That card no longer exists.") from None
    if (state.version if state else 0) != ticket["version"]:
        raise StaleTicket("That card was already answered, buried or suspended, in this tab or another.")
    return card, state
