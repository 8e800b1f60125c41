"""A regular expression that finds any of many names in text. Pure.

An alternation of thousands of names is tried name by name at every position of the text;
the same names as a trie let the regex engine follow one branch per character. Where names
share a beginning, the longer is tried first, so a match is the longest name there, as with
an alternation sorted longest first.
"""

import re


def any_of(names) -> str:
    """A pattern (without anchors or boundaries) matching any of `names`; "" when there are none."""
    trie: dict = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}  # a name ends here
    return _pattern(trie) if trie else ""


def _pattern(node: dict) -> str:
    branches = [re.escape(char) + _pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a shorter name ends here: try the longer ones first, then stop
        return f"(?:{body})?"
    return body
