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
    assert len(figures["targets"]) == 12 and all(isinstance(t["met"], bool) for t in figures["targets"])
    assert not (tmp_path / "untouched.sqlite3").exists()


def test_targets_are_met_only_inside_their_limits():
    def run(grade_p95, page_ratio, mb_per_s):
        requests = [
            {"name": "trivial", "kind": "trivial", "p95_ms": 5, "rps_ratio": 1.0},
            {"name": "dashboard", "kind": "page", "p95_ms": 49.9, "rps_ratio": page_ratio},
            {"name": "grade and next", "kind": "partial", "p95_ms": grade_p95, "rps_ratio": 0.25},
            {"name": "start full exam", "kind": "page", "p95_ms": 150, "rps_ratio": 0.15},
        ]
        checked = targets.check({"requests": requests, "import": {"mb_per_s": mb_per_s, "reimport_speedup": 5}})
        return {t["target"]: t["met"] for t in checked}

    assert run(24.9, 0.15, 1.0) == {
        "grade-and-next p95 under 25 ms": True, "dashboard p95 under 50 ms": True,
        "start a full mock exam p95 under 150 ms": False,
        "dashboard × trivial req/s at least 0.15": True, "grade and next × trivial req/s at least 0.25": True,
        "start full exam × trivial req/s at least 0.15": True,
        "import MB/s at least 1.0 MB/s": True, "unchanged re-import speed-up at least 5 ×": True,
    }
    missed = run(25, 0.149, 0.99)
    assert not missed["grade-and-next p95 under 25 ms"] and not missed["dashboard × trivial req/s at least 0.15"]
    assert not missed["import MB/s at least 1.0 MB/s"]
