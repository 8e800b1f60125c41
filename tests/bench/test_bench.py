"""The benchmark runs end to end at a tiny size. It is measured, never timed, here."""

import json
import subprocess
import sys

from django.conf import settings

from studyapp.bench import corpus, targets

KINDS = ["trivial", "dashboard", "next card", "grade and next", "service page", "search", "start full exam",
         "exam answer"]


def test_the_corpus_is_the_same_for_a_seed_and_holds_the_cards_asked_for():
    first, again = corpus.generate(notes=20, cards=400), corpus.generate(notes=20, cards=400)
    assert first == again and len(first) == 21
    assert sum(note.text.count("| [[Bench Service") for note in first) == 400


def test_bench_reports_every_figure_through_gunicorn_without_touching_the_database(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--notes=30", "--cards=300", "--logs=3000", "--seconds=0.3",
         "--clients=2", "--json"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'untouched.sqlite3'}"},
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["sizes"]["logs"] == 3000 and figures["sizes"]["notes"] == 30
    assert figures["import"]["cards"] >= 300 and figures["import"]["mb_per_s"] > 0
    assert figures["import"]["reimport_seconds"] > 0
    rows = {row["name"]: row for row in figures["requests"]}
    assert list(rows) == KINDS
    for name, row in rows.items():
        assert row["failures"] == 0, (name, row["failure_examples"])
        assert row["requests"] > 0 and row["p95_ms"] >= row["p50_ms"] > 0 and row["rps"] > 0, name
        assert isinstance(row["queries"], int)
    assert rows["trivial"]["queries"] == 0 and rows["grade and next"]["queries"] > 0
    assert len(figures["targets"]) == 7 and all(isinstance(t["met"], bool) for t in figures["targets"])
    assert not (tmp_path / "untouched.sqlite3").exists()


def test_budgets_are_scaled_by_the_trivial_views_speed_in_the_same_run():
    def run(trivial_rps, grade_p95):
        requests = [
            {"name": "trivial", "p95_ms": 5, "rps": trivial_rps},
            {"name": "grade and next", "p95_ms": grade_p95, "rps": 100},
            {"name": "start full exam", "p95_ms": 119.9, "rps": 10},
        ]
        return {t["target"]: t["met"] for t in targets.check({"requests": requests})}

    assert run(2500, 29.9) == {"grade and next p95 under 30.0 ms (30 ms at 2500 trivial req/s)": True,
                               "start full exam p95 under 120.0 ms (120 ms at 2500 trivial req/s)": True}
    assert run(2500, 30) == {"grade and next p95 under 30.0 ms (30 ms at 2500 trivial req/s)": False,
                             "start full exam p95 under 120.0 ms (120 ms at 2500 trivial req/s)": True}
    # On a machine half as fast, every budget is twice as long.
    assert run(1250, 59.9) == {"grade and next p95 under 60.0 ms (30 ms at 2500 trivial req/s)": True,
                               "start full exam p95 under 240.0 ms (120 ms at 2500 trivial req/s)": True}
