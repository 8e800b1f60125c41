from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "studyapp.bench"
    verbose_name = "Benchmark"
