"""Hostile notes as large as a note may be: a short start, one piece repeated, a short end."""

MAX_BYTES = 2 * 1024 * 1024  # settings.NOTES_MAX_FILE_BYTES
ROOM = MAX_BYTES - 200  # for the heading and the few words around each run


def run(piece: str, before: str = "", after: str = "") -> str:
    """`before`, then `piece` repeated to fill the file, then `after`."""
    count = (ROOM - len(before.encode()) - len(after.encode())) // len(piece.encode())
    return before + piece * count + after
