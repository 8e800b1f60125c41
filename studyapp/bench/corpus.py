"""A synthetic corpus of study notes, shaped like content/: pure, deterministic per seed.

One exam note, then service notes, each with prose sections that link to other services, a list,
now and then a comparison table, and a table of question patterns whose answers are other
services. Every cue is unique, so every pattern becomes a card of its own.
"""

import random
from dataclasses import dataclass

CATEGORIES = ["Storage", "Database", "Analytics", "Streaming", "Messaging", "Orchestration", "Integration",
              "Compute", "Security and identity", "Governance", "Networking", "Monitoring"]
WORDS = ("data stream batch table partition schema query index replica shard cluster bucket object "
         "encryption key policy role audit lineage catalog crawler job trigger workflow queue topic "
         "consumer producer latency throughput retention archive snapshot backup restore region "
         "failover cache column row file format compression cost budget alarm metric log event rule "
         "pipeline transform join filter aggregate window late duplicate ordered exactly once secure "
         "private public endpoint network subnet gateway tenant account quota limit burst steady").split()
DOMAINS = [(1, "Ingestion and transformation", 34), (2, "Data store management", 26),
           (3, "Operations and support", 22), (4, "Security and governance", 18)]


@dataclass(frozen=True)
class Note:
    path: str
    text: str


def service_name(index: int) -> str:
    return f"Bench Service {index:05d}"


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def exam_note() -> Note:
    domains = "\n".join(
        f"  - number: {number}\n    name: {name}\n    weight: {weight}\n    tasks: [\"{number}.1 {name}\"]"
        for number, name, weight in DOMAINS)
    text = (f"---\ntype: exam\ntitle: Benchmark Exam\ncode: BENCH-01\nquestions: 65\nscored_questions: 50\n"
            f"minutes: 130\npassing_score: 720\nscore_min: 100\nscore_max: 1000\ndomains:\n{domains}\n---\n"
            "# Benchmark Exam\n\nA synthetic exam for measuring the app at scale.\n")
    return Note("exam/bench-exam.md", text)


def service_note(index: int, notes: int, patterns: int, rng: random.Random) -> Note:
    name = service_name(index)
    domain = index % len(DOMAINS) + 1
    others = [service_name(rng.randrange(notes)) for _ in range(2)]
    lines = [
        "---", "type: service", f"title: {name}", f"aliases: [BS{index:05d}]",
        f"category: {CATEGORIES[index % len(CATEGORIES)]}", "exam: BENCH-01", f"domains: [{domain}]", "---",
        f"# {name}", "",
        "## Overview",
        f"{name} keeps {_words(rng, 8)}. It works with [[{others[0]}]] for {_words(rng, 6)}, "
        f"and with [[{others[1]}]] when {_words(rng, 6)}.", "",
        "## How it works",
        *(f"- **{_words(rng, 2)}**: {_words(rng, 6)}" for _ in range(2)), "",
    ]
    if index % 10 == 0:
        lines += [f"### {name} tiers", "| Tier | Durability | Minimum duration | Fits |", "|---|---|---|---|",
                  *(f"| Tier {index}-{t} | {9 + t} nines | {30 * (t + 1)} days | {_words(rng, 3)} |" for t in range(4)),
                  ""]
    lines += ["## Question patterns", "| Question pattern | Answer | Explanation |", "|---|---|---|"]
    for number in range(patterns):
        answer = service_name(rng.randrange(notes))
        lines.append(f"| {_words(rng, 3)} ({index}.{number}) | [[{answer}]] | {_words(rng, 2)} |")
    return Note(f"services/bench-service-{index:05d}.md", "\n".join(lines) + "\n")


def generate(notes: int = 5000, cards: int = 100_000, seed: int = 0) -> list[Note]:
    """The exam note and `notes` service notes holding about `cards` question patterns in all."""
    rng = random.Random(seed)
    per_note = max(cards // max(notes, 1), 1)
    return [exam_note(), *(service_note(i, notes, per_note, rng) for i in range(notes))]
