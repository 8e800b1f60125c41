from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: backups and restores of the whole database. No models of its own."""

    name = "studyapp.ops"
    label = "ops"
