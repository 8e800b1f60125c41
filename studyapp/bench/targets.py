"""The speed budgets (issue 19), checked against one run's figures.

Each budget is a p95 latency under the benchmark's load, set for a run in which the trivial view
serves REFERENCE_RPS requests per second. The machine is shared and its speed drifts, so each
budget is scaled by REFERENCE_RPS divided by the trivial view's requests per second in the same run.
Whether query counts stay the same at another size takes a second run; the tests pin them instead.

On PostgreSQL (`make bench-postgres`) the database server shares the two cores with the app and
the load client, so its budgets are VENDOR_FACTOR times SQLite's, scaled the same way.
"""

REFERENCE_RPS = 2500
P95_BUDGETS_MS = {
    "grade and next": 30,
    "next card": 25,
    "exam answer": 25,
    "dashboard": 40,
    "statistics": 60,
    "service page": 40,
    "search": 40,
    "start full exam": 120,
}


VENDOR_FACTOR = {"sqlite": 1.0, "postgresql": 1.5}


def check(figures: dict, vendor: str = "sqlite") -> list[dict]:
    rows = {row["name"]: row for row in figures["requests"]}
    trivial_rps = rows["trivial"]["rps"]
    scale = (REFERENCE_RPS / trivial_rps if trivial_rps else 1.0) * VENDOR_FACTOR[vendor]
    results = []
    for name, budget in P95_BUDGETS_MS.items():
        if name in rows:
            limit = round(budget * scale, 1)
            value = rows[name]["p95_ms"]
            stated = budget * VENDOR_FACTOR[vendor]
            results.append({"target": f"{name} p95 under {limit} ms ({stated:g} ms at {REFERENCE_RPS} trivial req/s)",
                            "value": value, "met": value < limit})
    return results
