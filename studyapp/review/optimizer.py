"""FSRS parameters fitted to one learner's own answers, as Anki's "Optimize" does: pure, with
fsrs-rs-python (the FSRS project's Rust optimizer) doing the fitting.

A review history is read as one sequence of (day, rating) per card. Each answer after a card's
first is a prediction FSRS can be scored on: the answers before it say how well the card should
be remembered, and the answer says whether it was. Log loss and RMSE (binned, as fsrs-rs reports
it) say how well a set of parameters predicted them all: lower is better.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

import fsrs_rs_python as rs

# Below this many answers a fit follows the noise of a few cards more than the learner's memory;
# Anki's optimizer asks for about as many before it departs from the defaults.
MIN_REVIEWS = 400
DEFAULT_PARAMETERS = tuple(rs.DEFAULT_PARAMETERS)


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse: float


@dataclass(frozen=True)
class Fit:
    parameters: tuple[float, ...]
    current: Evaluation  # how the parameters in use predicted the history
    fitted: Evaluation  # how the fitted ones do

    @property
    def better(self) -> bool:
        return self.fitted.log_loss < self.current.log_loss


def items_from_history(answers: Iterable[tuple[int, date, int]]) -> list[rs.FSRSItem]:
    """(card id, study day, rating) in the order they were given, grouped by card: for each card,
    one item per answer after the first, holding the card's answers up to it with the days between
    them (0 for a second answer the same day). Items with no earlier answer on another day teach
    the long-term model nothing, and fsrs-rs leaves them out itself."""
    items = []
    for _, answered in groupby(sorted(answers, key=lambda a: a[0]), key=lambda a: a[0]):
        reviews, previous = [], None
        for _, day, rating in answered:
            reviews.append(rs.FSRSReview(rating, (day - previous).days if previous else 0))
            previous = day
            if len(reviews) > 1:
                items.append(rs.FSRSItem(list(reviews)))
    return items


def evaluate(parameters: Sequence[float], items: Sequence[rs.FSRSItem]) -> Evaluation:
    result = rs.FSRS(list(parameters)).evaluate(list(items))
    return Evaluation(result.log_loss, result.rmse_bins)


def fit(items: Sequence[rs.FSRSItem], current: Sequence[float] = DEFAULT_PARAMETERS, seed: int = 2023) -> Fit:
    """Parameters fitted to the items, and how they and the current ones predict the items."""
    config = rs.TrainingConfig(seed=seed)
    fitted = rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(list(items), training_config=config)
    return Fit(tuple(fitted), evaluate(current, items), evaluate(fitted, items))
