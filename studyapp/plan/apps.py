from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "studyapp.plan"
    verbose_name = "Exam planning"
