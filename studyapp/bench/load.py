"""The load client: concurrent HTTP requests from a process of its own, with their latencies.

Run as `python -m studyapp.bench.load` with a plan as JSON on stdin; prints results as JSON. It
imports nothing from Django, so the server's two workers and this client do not share a process.

A plan names the server, the number of concurrent clients and, for each scenario, the requests to
send, in order: every request is sent once, unless the scenario cycles through them until its time
is up. The first requests of each scenario warm the server up and are not counted.
"""

import http.client
import json
import sys
import threading
import time
from statistics import quantiles


def _send(host, port, request) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        body = request.get("body")
        headers = dict(request.get("headers", {}))
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(request["method"], request["path"], body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class Requests:
    """The scenario's requests, handed out one at a time to whichever client asks first."""

    def __init__(self, scenario: dict):
        self.requests, self.cycle = scenario["requests"], scenario.get("cycle", True)
        self.position, self.lock = 0, threading.Lock()

    def take(self):
        with self.lock:
            if not self.cycle and self.position >= len(self.requests):
                return None
            request = self.requests[self.position % len(self.requests)]
            self.position += 1
            return request


def drive(plan: dict, requests: Requests, stop_at: float, limit: int | None = None):
    """Send requests from `plan["clients"]` threads until the time or the request limit is reached."""
    latencies, failures, lock, sent = [], [], threading.Lock(), [0]

    def client():
        while time.perf_counter() < stop_at:
            with lock:
                if limit is not None and sent[0] >= limit:
                    return
                sent[0] += 1
            request = requests.take()
            if request is None:
                return
            started = time.perf_counter()
            try:
                status = _send(plan["host"], plan["port"], request)
            except OSError as error:
                status = f"{type(error).__name__}: {error}"
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != request.get("expect", 200):
                    failures.append({"path": request["path"], "status": status})

    threads = [threading.Thread(target=client) for _ in range(plan["clients"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures


def run_scenario(plan: dict, scenario: dict) -> dict:
    requests = Requests(scenario)
    warmup = plan.get("warmup", 16)
    if not requests.cycle:  # requests that are used up (tickets): keep most of them for measuring
        warmup = min(warmup, len(requests.requests) // 4)
    _, warm_failures = drive(plan, requests, time.perf_counter() + 30, limit=warmup)
    started = time.perf_counter()
    latencies, failures = drive(plan, requests, started + plan["seconds"])
    return summarise(scenario["name"], latencies, time.perf_counter() - started, warm_failures + failures)


def summarise(name: str, latencies: list[float], seconds: float, failures: list) -> dict:
    if len(latencies) >= 2:
        cuts = quantiles(latencies, n=100, method="inclusive")
        p50, p95 = cuts[49], cuts[94]
    else:
        p50 = p95 = latencies[0] if latencies else 0.0
    return {
        "name": name, "requests": len(latencies), "p50_ms": round(p50 * 1000, 2), "p95_ms": round(p95 * 1000, 2),
        "rps": round(len(latencies) / seconds, 1) if seconds else 0.0,
        "failures": len(failures), "failure_examples": failures[:3],
    }


def main():
    plan = json.load(sys.stdin)
    results = [run_scenario(plan, scenario) for scenario in plan["scenarios"]]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
