"""What the statistics page covers: every card, or one exam, one domain or one task statement of
an exam guide, named in the address by a key that survives re-imports ("DEA-C01", "DEA-C01/2",
"DEA-C01/2.1")."""

import re
from dataclasses import dataclass

from django.db import models
from django.http import Http404

from studyapp.notes.models import Domain, Exam

from .models import Card


@dataclass(frozen=True)
class Scope:
    key: str = ""
    label: str = "All cards"
    exam: str = ""  # the exam's code
    domain: int | None = None  # the domain's primary key
    number: int | None = None  # and its number in the exam
    task: str = ""  # the task statement's number, "2.1"

    def cards(self) -> models.Q:
        """The condition on Card for the cards in scope."""
        if self.task:
            return models.Q(domains=self.domain, pattern__task=self.task)
        if self.domain:
            return models.Q(domains=self.domain)
        if self.exam:
            return models.Q(domains__exam__code=self.exam)
        return models.Q()

    def card_set(self):
        """The active cards in scope, each once."""
        active = Card.objects.active()
        return active.filter(self.cards()).distinct() if self.key else active

    def on(self, queryset):
        """`queryset`, of rows that name a card, kept to the cards in scope."""
        if not self.key:
            return queryset
        return queryset.filter(card__in=Card.objects.filter(self.cards()).values("pk"))

    def covers(self, domain: Domain) -> bool:
        """Whether the domain's row of the per-domain table belongs on the page."""
        if self.domain:
            return domain.pk == self.domain
        return not self.exam or domain.exam.code == self.exam

    def covers_task(self, number: str) -> bool:
        """Whether the task statement's row of the per-task table belongs on the page."""
        if self.task:
            return number == self.task
        if self.domain:
            return number.split(".", 1)[0] == str(self.number)
        return True  # the rows come from the cards in scope (review.stats), so no other exam's


EVERY_CARD = Scope()


# An exam's code, then a domain's number, then a task statement's: ASCII digits only, so that each
# scope has one key (its ReviewDay rows and cached page are kept under it).
KEY = re.compile(r"(?P<code>[A-Za-z0-9-]{1,20})(?:/(?P<number>[1-9][0-9]{0,2})(?:\.(?P<part>[1-9][0-9]{0,2}))?)?")


def chosen(key: str) -> Scope:
    """The scope a key names; a key that names nothing the notes hold is not found."""
    if not key:
        return EVERY_CARD
    if (match := KEY.fullmatch(key)) is None:
        raise Http404("No such exam, domain or task statement.")
    code, number, part = match["code"], match["number"], match["part"]
    if number is None:
        exam = Exam.objects.filter(code=code, domains__retired_at__isnull=True).distinct().first()
        if exam is None:
            raise Http404("No such exam.")
        return Scope(exam.code, exam.code, exam=exam.code)
    domain = Domain.objects.active().select_related("exam").filter(exam__code=code, number=int(number)).first()
    if domain is None:
        raise Http404("No such domain.")
    code = domain.exam.code
    if part is None:
        return Scope(f"{code}/{domain.number}", f"{code} {domain.number}. {domain.name}", exam=code,
                     domain=domain.pk, number=domain.number)
    task = f"{domain.number}.{part}"
    statement = next((text for text in domain.tasks if text.split(" ", 1)[0] == task), None)
    if statement is None:
        raise Http404("No such task statement.")
    return Scope(f"{code}/{task}", f"{code} {statement}", exam=code, domain=domain.pk, number=domain.number, task=task)


def choices(domains) -> list[tuple[str, list[tuple[str, str]]]]:
    """The scopes a learner can choose, per exam: the exam, each domain and each task statement."""
    groups = {}
    for domain in domains:
        code = domain.exam.code
        options = groups.setdefault(code, [(code, f"All of {code}")])
        options.append((f"{code}/{domain.number}", f"{domain.number}. {domain.name}"))
        options += [(f"{code}/{text.split(' ', 1)[0]}", f"\u2003{text}") for text in domain.tasks]
    return list(groups.items())
