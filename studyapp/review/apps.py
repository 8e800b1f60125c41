from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "studyapp.review"
    label = "review"
    verbose_name = "Review"
