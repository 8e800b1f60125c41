"""Names that can be mistaken for one another: a skeleton in the manner of Unicode's UTS #39. Pure.

UTS #39 maps every character to the one it can be mistaken for, through a table of thousands of
entries. The notes' names are English service names, so this keeps to what makes one of them
look like another: NFKC first (fullwidth, mathematical and ligature forms fold to plain letters),
invisible format characters dropped, then the Greek and Cyrillic letters drawn like Latin ones.
Last, names compare as wikilinks do (`normalise_name`): two names with one skeleton either look
the same or lead to the same place.
"""

import unicodedata

from .render import normalise_name

# Greek and Cyrillic letters that share their shape with a Latin letter or digit.
LOOKALIKES = {
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "υ": "u", "ϲ": "c", "Ϲ": "C", "ϳ": "j",
    "А": "A", "В": "B", "Е": "E", "З": "3", "І": "I", "Ј": "J", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Ѕ": "S", "Т": "T", "У": "Y", "Х": "X", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "в": "b", "е": "e", "з": "3", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "ѕ": "s", "т": "t", "у": "y", "х": "x", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ӏ": "l", "Ӏ": "I", "ү": "y",
}
_TABLE = str.maketrans(LOOKALIKES)


def _folded(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def skeleton(name: str) -> str:
    """Equal for two names that look alike or compare equal as wikilinks."""
    return normalise_name(_folded(name).translate(_TABLE))


def lookalike_letters(name: str) -> list[str]:
    """The characters of `name` drawn like a Latin letter they are not, each with its Unicode name."""
    folded = _folded(name)
    odd = [char for char in dict.fromkeys(folded) if char in LOOKALIKES]
    odd += [char for char in dict.fromkeys(name) if char not in odd and (
        unicodedata.category(char) == "Cf" or unicodedata.normalize("NFKC", char) != char)]
    return [f"{char} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})" for char in odd]
