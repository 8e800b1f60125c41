from django.dispatch import Signal

# Sent inside an import's transaction once its notes are written: `now`, and `changed`, which
# is False when every file was unchanged. Apps that build on the notes (review cards) listen.
notes_imported = Signal()
