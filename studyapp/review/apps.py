from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "studyapp.review"
    label = "review"
    verbose_name = "Review"

    def ready(self):
        from studyapp.notes.signals import notes_import_ending, notes_imported

        from .sync import on_import_ending, on_notes_imported

        notes_imported.connect(on_notes_imported, dispatch_uid="review.sync_cards")
        notes_import_ending.connect(on_import_ending, dispatch_uid="review.lower_new_card_floors")
