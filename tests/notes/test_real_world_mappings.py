"""Recall and precision of the mappings read from notes written as learners write them.

tests/fixtures/real-world/ holds notes in the shapes the importer meets (Obsidian callouts and
wikilinks, Foam, Logseq outlines, PDF, HTML, Notion and OneNote exports, cheat sheets, a long
course guide), and expected.json the "cue → answer" mappings a reader would take from each,
written before the reader was tuned. Everything else in them (titles, steps, diagrams, plain
comparisons) must not become a mapping.
"""

import json
import re

import pytest

from studyapp.notes.parse import parse_note

from tests.conftest import FIXTURES

CORPUS = FIXTURES / "real-world"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
LIMIT = 2 * 1024 * 1024
RECALL, PRECISION = 0.90, 0.98


def normalised(text: str) -> str:
    """Quotes, case and punctuation aside: `"Replay" data` and `replay data` are one cue."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def taken(name: str) -> set[tuple[str, str]]:
    draft = parse_note(name, (CORPUS / name).read_bytes(), LIMIT)
    return {(normalised(p.prompt), normalised(p.answer)) for p in draft.patterns}


def expected(name: str) -> set[tuple[str, str]]:
    return {(normalised(cue), normalised(answer)) for cue, answer in EXPECTED[name]}


def test_the_corpus_has_twenty_notes_each_with_its_expected_mappings():
    notes = sorted(p.name for p in CORPUS.glob("*.md"))
    assert len(notes) >= 20
    assert sorted(EXPECTED) == notes


def test_mappings_are_read_from_real_world_notes_with_high_recall_and_precision():
    found = wrong = wanted = 0
    misses, false = [], []
    for name in sorted(EXPECTED):
        got, want = taken(name), expected(name)
        found += len(got & want)
        wrong += len(got - want)
        wanted += len(want)
        misses += [f"{name}: {cue} → {answer}" for cue, answer in sorted(want - got)]
        false += [f"{name}: {cue} → {answer}" for cue, answer in sorted(got - want)]
    recall = found / wanted
    precision = found / (found + wrong) if found + wrong else 1.0
    print(f"recall {recall:.3f} ({found}/{wanted}), precision {precision:.3f} ({found}/{found + wrong})")
    print("missed:", *misses, sep="\n  ")
    print("taken wrongly:", *false, sep="\n  ")
    assert recall >= RECALL, "\n".join(misses)
    assert precision >= PRECISION, "\n".join(false)


@pytest.mark.parametrize("name", ["comparison-only.md", "steps-and-diagrams.md", "blog-copy-paste.md"])
def test_comparisons_steps_diagrams_and_titles_give_no_mappings(name):
    assert taken(name) == set()
