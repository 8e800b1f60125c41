from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "studyapp.exams"
    label = "exams"

    def ready(self):
        from studyapp.notes.signals import notes_imported

        from .sync import on_notes_imported

        # Connected after the review app's receiver (INSTALLED_APPS order), so the cards exist.
        notes_imported.connect(on_notes_imported, dispatch_uid="exams.sync_questions")
