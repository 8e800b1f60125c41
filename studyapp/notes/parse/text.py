"""Turning the bytes of a note into clean text lines.

Real notes arrive with byte-order marks, CRLF endings, no-break spaces and, worst, UTF-8 that
some tool once decoded as Mac Roman or Windows-1252 and saved again ("üéØ" for 🎯, "â€™" for
’). Those sequences are repaired; text that is already right is left exactly as it is.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


class NoteError(Exception):
    """The file cannot be imported at all; names the line where that is known."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in the file as the user sees it
    text: str


def decode(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise NoteError(
            f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit for one note"
        )
    if b"\x00" in data:
        raise NoteError("file is binary (it contains NUL bytes), not a text note")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise NoteError(
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            line=line,
        ) from None


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")


def _sloppy_cp1252(run: str) -> bytes:
    # Windows-1252 leaves five bytes undefined; decoders that met them kept them as the
    # matching C1 control characters, so map those straight back to their byte.
    out = bytearray()
    for char in run:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                raise
            out.append(ord(char))
    return bytes(out)


def _mac_roman(run: str) -> bytes:
    return run.encode("mac_roman")


_ENCODERS = (_sloppy_cp1252, _mac_roman)
_PLAUSIBLE_CATEGORIES = {"So", "Sm", "Sc", "Sk", "Pd", "Pi", "Pf", "Po", "Ps", "Pe", "Zs", "Mn", "Cf"}


def _plausible(text: str) -> bool:
    """Whether repaired text looks like what English notes contain.

    Correct text can by chance re-encode into valid UTF-8 ("“é" would become a Cyrillic
    letter); real repairs give symbols, emoji, punctuation or accented Latin letters.
    """
    if unicodedata.category(text[0]) == "Mn":
        return False
    for char in text:
        category = unicodedata.category(char)
        if category in _PLAUSIBLE_CATEGORIES:
            continue
        if category.startswith("L") and ord(char) <= 0x024F:
            continue
        return False
    return True


def _repair_run(run: str) -> str:
    for encode in _ENCODERS:
        try:
            fixed = encode(run).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != run and _plausible(fixed):
            return fixed
    return ""


@lru_cache(maxsize=65_536)
def _may_start_sequence(pair: str) -> bool:
    """Whether two characters, encoded back, give a UTF-8 lead byte and a continuation byte.

    Every repair starts so. Trying the fifteen stretches from each character of a long line of
    correct accented or Asian text would otherwise take a minute for a large note.
    """
    if len(pair) < 2:
        return False
    for encode in _ENCODERS:
        try:
            first, second = encode(pair)
        except UnicodeEncodeError:
            continue
        if 0xC2 <= first <= 0xF4 and 0x80 <= second <= 0xBF:
            return True
    return False


def _repair_mixed_run(run: str) -> str:
    """Repair the longest decodable stretches of a run that also holds correct characters."""
    out, i = [], 0
    while i < len(run):
        if not _may_start_sequence(run[i : i + 2]):
            out.append(run[i])
            i += 1
            continue
        for j in range(min(len(run), i + 16), i + 1, -1):
            fixed = _repair_run(run[i:j])
            if fixed:
                out.append(fixed)
                i = j
                break
        else:
            out.append(run[i])
            i += 1
    return "".join(out)


def repair_mojibake(text: str) -> str:
    def fix(match):
        run = match.group(0)
        return _repair_run(run) or _repair_mixed_run(run)

    return _NON_ASCII_RUN.sub(fix, text)


def to_lines(text: str) -> tuple[list[Line], list[int]]:
    """Split into numbered lines with endings, no-break spaces and mojibake normalised.

    Returns the lines and the numbers of those that needed a mojibake repair.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines, repaired = [], []
    for number, raw in enumerate(text.split("\n"), start=1):
        fixed = repair_mojibake(raw) if _NON_ASCII_RUN.search(raw) else raw
        if fixed != raw:
            repaired.append(number)
        fixed = fixed.replace("\u00a0", " ").replace("\uf8ff", "").rstrip()
        lines.append(Line(number, fixed))
    return lines, repaired
