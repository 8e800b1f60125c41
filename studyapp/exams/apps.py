from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "studyapp.exams"
    label = "exams"
