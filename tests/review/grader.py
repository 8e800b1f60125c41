"""A learner grading cards in a process of its own, for test_concurrency.

Reads a job from the JSON file its argument names: the learner, the time, the cards (key and
the version its ticket names) and two files, one to say it is ready and one to wait for. Each
card is graded Easy as the review view grades it. Prints how many answers counted and how many
were refused as stale; anything else that goes wrong ends the process with exit code 1.
"""

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path


def main():
    job = json.loads(Path(sys.argv[1]).read_text())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from studyapp.review import daily, grading
    from studyapp.review.tickets import StaleTicket, make_ticket
    from studyapp.review.scheduler import Rating

    now = datetime.fromisoformat(job["now"])
    # Connected and ready before the start, so that all the graders begin at once.
    user = get_user_model().objects.get(username=job["user"])
    tickets = [make_ticket(user.pk, key, version, now) for key, version in job["cards"]]
    Path(job["ready"]).touch()
    go = Path(job["go"])
    deadline = time.monotonic() + 120
    while not go.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the start file never appeared")
        time.sleep(0.001)

    graded = refused = 0
    for ticket in tickets:
        try:
            with daily.answering(user, now) as current:
                grading.answer(user, current, ticket, Rating.EASY)
            graded += 1
        except StaleTicket:
            refused += 1
    print(json.dumps({"graded": graded, "refused": refused}))


if __name__ == "__main__":
    main()
