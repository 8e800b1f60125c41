"""Which imported item is which, across re-imports of an edited note. Pure.

Review history hangs on an item's identity, so an item keeps it when its text is unchanged
or changed only a little: a typo fixed, an answer edited, a row moved. Exact matches pair
first; the rest pair by similarity, best first, above a threshold.
"""

from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher

# Below this, two texts are different items: "Replay data" vs "Archive data" is 0.67.
SIMILAR_ENOUGH = 0.8
# Up to this many (new, old) pairs are all compared; past it, each new item is compared with
# the old items within WINDOW places of its own.
ALL_PAIRS = 250_000
WINDOW = 5


@dataclass(frozen=True)
class Candidate:
    ref: object  # whatever the caller uses to find the item again
    primary: str  # the text that names the item (a prompt, a title, a heading path)
    secondary: str = ""  # the rest (an answer, table rows, a section body)


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR_ENOUGH or matcher.quick_ratio() < SIMILAR_ENOUGH:
        return 0.0
    return matcher.ratio()


def _score(old: Candidate, new: Candidate) -> float:
    primary = _similarity(old.primary.lower(), new.primary.lower())
    if primary >= 0.95:
        return 1.0 + primary  # same name, edited body: the same item
    if primary >= SIMILAR_ENOUGH and old.secondary == new.secondary:
        return primary  # a typo fixed in the name, body untouched
    if primary == 0.0 and old.secondary and old.secondary == new.secondary and len(old.secondary) > 40:
        return 0.5 + SIMILAR_ENOUGH / 2  # renamed heading over an unchanged body
    return 0.0


def match(old: list[Candidate], new: list[Candidate]) -> dict[int, int]:
    """Pair new items with old ones. Returns {index in new: index in old}."""
    pairs: dict[int, int] = {}
    free_old = set(range(len(old)))
    by_text: dict[tuple[str, str], list[int]] = {}
    for index, item in enumerate(old):
        by_text.setdefault((item.primary, item.secondary), []).append(index)
    for index, item in enumerate(new):
        same = by_text.get((item.primary, item.secondary))
        if same:
            pairs[index] = same.pop(0)
            free_old.discard(pairs[index])

    unmatched = [i for i in range(len(new)) if i not in pairs]
    scored = []
    for n, o in _pairs_to_compare(old, new, pairs, unmatched, sorted(free_old)):
        score = _score(old[o], new[n])
        if score > 0:
            scored.append((score, -abs(n - o), n, o))
    for score, _, n, o in sorted(scored, reverse=True):
        if n not in pairs and o in free_old:
            pairs[n] = o
            free_old.discard(o)
    return pairs


def _pairs_to_compare(old: list[Candidate], new: list[Candidate], pairs: dict[int, int], unmatched: list[int],
                      free: list[int]):
    """Every unmatched new item with every free old one, while that is at most ALL_PAIRS.

    Past it (a note of thousands of items edited throughout, where all pairs would be billions
    of comparisons inside the import's transaction), an item is compared with the one free old
    item that has the same body, when just one has and the names are alike; else with the free
    old items near where it should be. Where it should be is read from the nearest item before
    it that kept its place (unchanged, or found by its body): rows added or removed above it
    move that item and this one alike.
    """
    if len(unmatched) * len(free) <= ALL_PAIRS:
        yield from ((n, o) for n in unmatched for o in free)
        return
    by_body: dict[str, list[int]] = {}
    for o in free:
        by_body.setdefault(old[o].secondary, []).append(o)
    anchors = dict(pairs)
    placed_by_body, rest = [], []
    for n in unmatched:
        same_body = by_body.get(new[n].secondary, [])
        if len(same_body) == 1 and _score(old[same_body[0]], new[n]) > 0:
            anchors[n] = same_body[0]
            placed_by_body.append((n, same_body[0]))
        else:
            rest.append(n)
    yield from placed_by_body
    anchored = sorted(anchors)
    for n in rest:
        after = bisect_left(anchored, n)
        # The rows kept in place just before and just after it: rows added or removed between
        # the two move it along with one of them.
        neighbours = anchored[max(after - 1, 0):after + 1] or [n]
        near = {}
        for anchor in neighbours:
            at = bisect_left(free, n + anchors.get(anchor, anchor) - anchor)
            near.update(dict.fromkeys(free[max(at - WINDOW, 0):at + WINDOW + 1]))
        yield from ((n, o) for o in near)
