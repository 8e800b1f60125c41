"""Keeps the question bank in step with the cards: the third step of an import (studyapp.ops.importing)."""

import hashlib

from studyapp.notes.bulk import sync_rows
from studyapp.notes.models import Domain, Exam
from studyapp.notes.progress import Callback, Phase

from .bank import load_bank
from .models import BankQuestion

# Options are shuffled again for every attempt; this seed only fixes which wrong options a
# question offers, so that the bank does not change from one import to the next.
BANK_SEED = 0
FIELDS = ["exam_id", "domain_id", "kind", "stem", "context", "options", "choose", "card_keys", "source_url",
          "content_hash"]


def bank_key(question_key: str) -> str:
    return question_key if len(question_key) <= 200 else "h:" + hashlib.sha256(question_key.encode()).hexdigest()


def sync_questions(now, progress: Callback | None = None) -> dict:
    """Create, update and retire questions so that they match the cards and scenario items;
    `progress` hears of its three steps."""
    step = Phase(progress, "questions", 3).advance
    bank = load_bank()
    step("cards and scenario items")
    exam_of = dict(Domain.objects.values_list("pk", "exam_id"))
    exams = list(Exam.objects.values_list("pk", flat=True)[:2])
    only_exam = exams[0] if len(exams) == 1 else None
    existing = {key: (pk, content_hash, retired_at) for key, pk, content_hash, retired_at
                in BankQuestion.objects.values_list("key", "pk", "content_hash", "retired_at")}
    rows = {}
    for question in bank.all_questions(BANK_SEED):
        domain_id = question.domain_ids[0] if question.domain_ids else None
        options = [{"text": o.text, "correct": o.correct, "explanation": o.explanation} for o in question.options]
        values = dict(
            exam_id=exam_of.get(domain_id, only_exam), domain_id=domain_id, kind=question.kind, stem=question.stem,
            context=question.context[:300], options=options, card_keys=list(question.card_keys),
            source_url=question.source_url[:500], retired_at=None,
        )
        values["content_hash"] = hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()
        values["choose"] = sum(o.correct for o in question.options) or 1  # follows from the options hashed
        rows[bank_key(question.key)] = ([values[name] for name in FIELDS], values["content_hash"])
    step("questions")
    synced = sync_rows(BankQuestion, FIELDS, rows, existing, now)
    step("bank")
    return {"questions": len(rows), "created": len(synced.created), "changed": len(synced.changed),
            "retired": len(synced.retired)}
