from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "studyapp.review"
    label = "review"
    verbose_name = "Review"

    def ready(self):
        from studyapp.notes.signals import notes_imported

        from .sync import on_notes_imported

        notes_imported.connect(on_notes_imported, dispatch_uid="review.sync_cards")
