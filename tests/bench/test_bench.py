"""The benchmark runs end to end at a tiny size. It is measured, never timed, here."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from studyapp.bench import corpus, targets

KINDS = ["trivial", "dashboard", "statistics", "next card", "grade and next", "service page", "search", "start full exam",
         "exam answer"]


def test_the_corpus_is_the_same_for_a_seed_and_holds_the_cards_asked_for():
    first, again = corpus.generate(notes=20, cards=400), corpus.generate(notes=20, cards=400)
    assert first == again and len(first) == 21
    assert sum(note.text.count("| [[Bench Service") for note in first) == 400


@pytest.mark.django_db
def test_bench_reports_every_figure_through_gunicorn_without_touching_the_database(tmp_path):
    # On PostgreSQL the benchmark makes a database of its own on the server the tests use.
    if connection.vendor == "postgresql":
        url, before = os.environ["DATABASE_URL"], databases()
    else:
        url = f"sqlite:///{tmp_path / 'untouched.sqlite3'}"
    # Two learners, the two clients signed in as one each: a class, at the smallest size.
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--notes=30", "--cards=300", "--logs=3000", "--learners=2",
         "--seconds=0.3", "--clients=2", "--json"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": url},
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["database"] == connection.vendor
    assert figures["sizes"]["logs"] == 2 * 3000 and figures["sizes"]["learners"] == 2
    assert figures["sizes"]["notes"] == 30
    assert figures["import"]["cards"] >= 300 and figures["import"]["mb_per_s"] > 0
    assert figures["import"]["reimport_seconds"] > 0
    rows = {row["name"]: row for row in figures["requests"]}
    assert list(rows) == KINDS
    for name, row in rows.items():
        assert row["failures"] == 0, (name, row["failure_examples"])
        assert row["requests"] > 0 and row["p95_ms"] >= row["p50_ms"] > 0 and row["rps"] > 0, name
        assert isinstance(row["queries"], int)
    assert rows["trivial"]["queries"] == 0 and rows["grade and next"]["queries"] > 0
    assert len(figures["targets"]) == len(targets.P95_BUDGETS_MS) == 8 and all(isinstance(t["met"], bool) for t in figures["targets"])
    if connection.vendor == "postgresql":
        assert databases() == before  # its own database made and dropped again
    else:
        assert not (tmp_path / "untouched.sqlite3").exists()


def databases() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {name for (name,) in cursor.fetchall()}


def test_budgets_are_scaled_by_the_trivial_views_speed_in_the_same_run():
    def run(trivial_rps, grade_p95, vendor="sqlite"):
        requests = [
            {"name": "trivial", "p95_ms": 5, "rps": trivial_rps},
            {"name": "grade and next", "p95_ms": grade_p95, "rps": 100},
            {"name": "start full exam", "p95_ms": 119.9, "rps": 10},
        ]
        return {t["target"]: t["met"] for t in targets.check({"requests": requests}, vendor)}

    assert run(2500, 29.9) == {"grade and next p95 under 30.0 ms (30 ms at 2500 trivial req/s)": True,
                               "start full exam p95 under 120.0 ms (120 ms at 2500 trivial req/s)": True}
    assert run(2500, 30) == {"grade and next p95 under 30.0 ms (30 ms at 2500 trivial req/s)": False,
                             "start full exam p95 under 120.0 ms (120 ms at 2500 trivial req/s)": True}
    # On a machine half as fast, every budget is twice as long.
    assert run(1250, 59.9) == {"grade and next p95 under 60.0 ms (30 ms at 2500 trivial req/s)": True,
                               "start full exam p95 under 240.0 ms (120 ms at 2500 trivial req/s)": True}
    # PostgreSQL shares the cores with the app and the load client: its budgets are half as long again.
    assert run(2500, 44.9, "postgresql") == {
        "grade and next p95 under 45.0 ms (45 ms at 2500 trivial req/s)": True,
        "start full exam p95 under 180.0 ms (180 ms at 2500 trivial req/s)": True}
