"""`manage.py bench`: the app at the scale of a heavy user, or of a class, measured through gunicorn.

The command runs itself again in a child process pointed at a throwaway database, so the
configured database is never touched: an SQLite file, or, when the configured database is
PostgreSQL, a database of its own on the same server (`make bench-postgres`). The child builds the
collection (a generated corpus imported for real, then a year of reviews for each learner), starts
gunicorn, and drives it from a load client in a process of its own, each client signed in as a
learner of its own where there are several.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from itertools import zip_longest
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from studyapp.bench import corpus, history, targets
from studyapp.exams import attempts
from studyapp.notes.models import Exam, Service
from studyapp.ops.importing import import_notes
from studyapp.review.tickets import make_ticket
from studyapp.review.models import Card, ReviewState, StudySettings

THROWAWAY = "STUDYAPP_BENCH_DATABASE"
PARTIALS = {"next card", "grade and next", "exam answer"}
# In a class, each learner the clients sign in as has this many reviews due: enough to grade for
# the measured time without running out.
CLASS_DUE = 700
SEARCH_WORDS = ["stream", "replica", "encryption", "bench service 004", "lineage catalog", "queue", "cost", "archive"]


class Command(BaseCommand):
    help = "Benchmark the app at scale through gunicorn (2 workers) in a throwaway database."

    def add_arguments(self, parser):
        parser.add_argument("--notes", type=int, default=5_000)
        parser.add_argument("--cards", type=int, default=100_000)
        parser.add_argument("--logs", type=int, default=1_000_000, help="review log entries per learner")
        parser.add_argument("--learners", type=int, default=1,
                            help="learners, each with the logs asked for; the clients sign in as different ones")
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--clients", type=int, default=8, help="concurrent load clients")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--seconds", type=float, default=5.0, help="measured time per request kind")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--keep", action="store_true", help="keep the throwaway database and say where")

    def handle(self, *args, **options):
        if os.environ.get(THROWAWAY):
            figures = Bench(options, self.stderr).run()
            self.stdout.write(json.dumps(figures, indent=2) if options["json"] else table(figures))
            return
        folder = Path(tempfile.mkdtemp(prefix="studyapp-bench-"))
        if connection.vendor == "postgresql":
            database = f"studyapp_bench_{os.getpid()}"
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {database}")
            url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}").geturl()
        else:
            database = folder / "bench.sqlite3"
            url = f"sqlite:///{database}"
        env = {**os.environ, THROWAWAY: str(folder), "DATABASE_URL": url, "DEBUG": "0",
               "HTTPS": "0", "BACKUP_DIR": str(folder / "backups")}
        arguments = [f"--{name}={options[name]}" for name in ("notes", "cards", "logs", "learners", "days",
                                                              "clients", "workers", "seconds")]
        try:
            result = subprocess.run(
                [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench", *arguments,
                 *(["--json"] if options["json"] else [])],
                cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
        finally:
            if options["keep"]:
                self.stderr.write(f"bench: kept {database}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        self.stderr.write(result.stderr, ending="")
        self.stdout.write(result.stdout, ending="")
        if result.returncode:
            sys.exit(result.returncode)


class Bench:
    def __init__(self, options, log):
        self.options, self.log = options, log
        self.folder = Path(os.environ[THROWAWAY])

    def say(self, message):
        self.log.write(f"bench: {message}")

    def run(self) -> dict:
        call_command("migrate", verbosity=0)
        figures = {"sizes": {}, "import": self.measure_import()}
        now = timezone.now()
        learners = self.make_learners(now, figures)
        if connection.vendor == "postgresql":
            # A database in use has its planner statistics (autovacuum gathers them); one loaded a
            # moment ago has none yet, and its plans would be those of an empty database.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        clients, token = [], None
        for user in learners[: self.options["clients"]]:
            client = Client(SERVER_NAME="127.0.0.1")
            client.force_login(user)
            if token is None:
                client.get("/")  # sets the CSRF cookie
                token = client.cookies["csrftoken"].value
            # One CSRF cookie and token for every learner: the token is not tied to a session.
            client.cookies["csrftoken"] = token
            clients.append((user, client))
        cookies = {user.pk: "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
                   for user, client in clients}
        scenarios = self.scenarios([user for user, _ in clients], now, token)
        figures["queries"] = self.count_queries({user.pk: client for user, client in clients}, scenarios)
        figures["requests"] = self.load(scenarios, cookies)
        trivial = next(r for r in figures["requests"] if r["name"] == "trivial")
        for row in figures["requests"]:
            row["queries"] = figures["queries"].get(row["name"])
            row["rps_ratio"] = round(row["rps"] / trivial["rps"], 3) if trivial["rps"] else None
            row["kind"] = "partial" if row["name"] in PARTIALS else "trivial" if row["name"] == "trivial" else "page"
        figures["database"] = connection.vendor
        figures["targets"] = targets.check(figures, connection.vendor)
        return figures

    def make_learners(self, now, figures) -> list:
        """The learners and their histories. With one learner (the heavy user), a day's reviews are
        due; in a class, the learners the clients sign in as have enough due for the measured time."""
        count, logs = self.options["learners"], self.options["logs"]
        self.say(f"writing {logs:,} review log entries for each of {count:,} learners")
        learners, made = [], []
        for n in range(count):
            # No password (the clients are signed in directly): hashing one takes longer than the history.
            user = get_user_model().objects.create_user("bench" if n == 0 else f"bench-{n}")
            # A heavy user's limits: the benchmark grades thousands of cards in a day.
            StudySettings.objects.create(user=user, new_per_day=20, reviews_per_day=9999)
            measured = count > 1 and n < self.options["clients"]
            made.append(history.synthesise(user, now, logs=logs, days=self.options["days"], seed=n,
                                           due_now=CLASS_DUE if measured else None))
            learners.append(user)
        figures["sizes"] = {"cards": made[0]["cards"], "learners": count, "states": sum(m["states"] for m in made),
                            "logs": sum(m["logs"] for m in made), "due_now": made[0]["due_now"],
                            "notes": self.options["notes"], "services": Service.objects.count()}
        return learners

    def measure_import(self) -> dict:
        notes = corpus.generate(self.options["notes"], self.options["cards"])
        folder = self.folder / "corpus"
        for note in notes:
            path = folder / note.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(note.text, encoding="utf-8")
        size = sum(len(note.text.encode()) for note in notes)
        self.say(f"importing {len(notes):,} generated notes ({size / 1e6:.1f} MB)")
        started = time.perf_counter()
        report = import_notes([str(folder)])
        first = time.perf_counter() - started
        if report.errors:
            raise RuntimeError(f"the generated corpus did not import: {report.as_dict()['errors'][:3]}")
        started = time.perf_counter()
        import_notes([str(folder)])
        again = time.perf_counter() - started
        return {"megabytes": round(size / 1e6, 2), "files": len(notes), "cards": Card.objects.count(),
                "seconds": round(first, 2), "mb_per_s": round(size / 1e6 / first, 2),
                "reimport_seconds": round(again, 2), "reimport_speedup": round(first / again, 1)}

    def scenarios(self, learners, now, token) -> list[dict]:
        """Each kind of request, with enough distinct requests for the measured time. Each request
        names its learner; consecutive ones belong to different learners where there are several."""
        htmx = {"HX-Request": "true"}
        post = {"X-CSRFToken": token}

        def each(request):
            return [{**request, "learner": user.pk} for user in learners]

        tickets = []
        for user in learners:
            due = (ReviewState.objects.filter(user=user, due__lte=now, suspended=False).select_related("card")
                   .order_by("due")[: 5_000 // len(learners)])
            tickets.append([(user.pk, make_ticket(user.pk, state.card.key, state.version, now)) for state in due])
        exam = Exam.objects.get(code="BENCH-01")
        # Custom attempts, open for the answers: each full exam the load starts abandons the open full exam.
        open_attempts = [attempts.start(learners[n % len(learners)], exam, "custom", now, 65, 130, seed=n)
                         for n in range(self.options["clients"])]
        answers = [{"method": "POST", "path": f"/exams/{attempt.pk}/{n}/", "body": f"choice={n % 4}",
                    "headers": {**htmx, **post}, "learner": attempt.user_id}
                   for n in range(1, 66) for attempt in open_attempts]
        slugs = list(Service.objects.order_by("slug").values_list("slug", flat=True)[:500])
        return [
            {"name": "trivial", "requests": [{"method": "GET", "path": "/healthz/"}]},
            {"name": "dashboard", "requests": each({"method": "GET", "path": "/"})},
            {"name": "statistics", "requests": each({"method": "GET", "path": "/stats/"})},
            {"name": "next card", "requests": each({"method": "GET", "path": "/review/", "headers": htmx})},
            {"name": "grade and next", "cycle": False, "requests": [
                {"method": "POST", "path": "/review/", "body": f"ticket={ticket}&grade=3",
                 "headers": {**htmx, **post}, "learner": learner}
                for round_ in zip_longest(*tickets) for learner, ticket in filter(None, round_)]},
            {"name": "service page", "requests": [
                {"method": "GET", "path": f"/notes/services/{slug}/", "learner": learners[n % len(learners)].pk}
                for n, slug in enumerate(slugs)]},
            {"name": "search", "requests": [
                {"method": "GET", "path": f"/search/?q={word.replace(' ', '+')}", "learner": user.pk}
                for word in SEARCH_WORDS for user in learners]},
            {"name": "start full exam", "requests": each(
                {"method": "POST", "path": "/exams/start/", "body": "preset=full&abandon=1", "headers": post,
                 "expect": 302})},
            {"name": "exam answer", "requests": answers},
        ]

    def count_queries(self, clients: dict, scenarios) -> dict:
        """Queries per request, counted in this process on the same database, each request sent by
        its own learner's client."""
        anyone = next(iter(clients.values()))
        counts = {}
        for scenario in scenarios:
            request = scenario["requests"][-1]  # the last: the load itself starts from the first
            headers = {key: value for key, value in request.get("headers", {}).items() if key != "X-CSRFToken"}
            client = clients.get(request.get("learner"), anyone)
            with CaptureQueriesContext(connection) as queries:
                if request["method"] == "GET":
                    client.get(request["path"], headers=headers)
                else:
                    client.post(request["path"], request["body"], content_type="application/x-www-form-urlencoded",
                                headers=headers)
            counts[scenario["name"]] = len(queries)
            if not scenario.get("cycle", True):
                scenario["requests"].pop()  # a single-use request (a ticket) is spent
        return counts

    def load(self, scenarios, cookies: dict) -> list[dict]:
        port = _free_port()
        env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1"}
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "studyapp.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(self.options["workers"]), "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=env)
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz/")
            for scenario in scenarios:
                for request in scenario["requests"]:
                    if "learner" in request:
                        request["headers"] = {**request.get("headers", {}), "Cookie": cookies[request.pop("learner")]}
            plan = {"host": "127.0.0.1", "port": port, "clients": self.options["clients"],
                    "seconds": self.options["seconds"], "scenarios": scenarios}
            self.say(f"driving gunicorn ({self.options['workers']} workers) with {self.options['clients']} clients")
            result = subprocess.run([sys.executable, "-m", "studyapp.bench.load"], input=json.dumps(plan),
                                    capture_output=True, text=True, cwd=settings.BASE_DIR, check=True)
            return json.loads(result.stdout)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, seconds: float = 30):
    stop = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > stop:
                raise
            time.sleep(0.1)


def table(figures: dict) -> str:
    imported = figures["import"]
    sizes = figures["sizes"]
    lines = [
        f"Collection ({figures['database']}): {sizes['cards']:,} cards, {sizes['learners']:,} learners, "
        f"{sizes['logs']:,} review log entries, {sizes['notes']:,} notes, {sizes['due_now']:,} cards due "
        f"for the first learner.",
        f"Import: {imported['megabytes']} MB in {imported['seconds']} s = {imported['mb_per_s']} MB/s; "
        f"unchanged re-import {imported['reimport_seconds']} s ({imported['reimport_speedup']}x faster).",
        "",
        f"{'request':<18}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}{'x trivial':>11}{'queries':>9}{'failed':>8}",
    ]
    for row in figures["requests"]:
        lines.append(f"{row['name']:<18}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['rps']:>9}"
                     f"{row['rps_ratio']:>11}{row['queries']:>9}{row['failures']:>8}")
    lines += ["", "Targets:"]
    for target in figures["targets"]:
        lines.append(f"  {'met   ' if target['met'] else 'missed'} {target['target']}: {target['value']}")
    return "\n".join(lines) + "\n"
