"""Sessions started while the model backend was `studyapp.accounts.backends` (0001) name ours;
it is Django's own again, and Django signs out a session whose backend is no longer configured, so
they are renamed back."""

from importlib import import_module

from django.db import migrations

renaming = import_module("studyapp.accounts.migrations.0001_sessions_name_our_backend")


class Migration(migrations.Migration):

    dependencies = [("accounts", "0001_sessions_name_our_backend")]

    operations = [migrations.RunPython(renaming.rename(renaming.OURS, renaming.DJANGOS),
                                       renaming.rename(renaming.DJANGOS, renaming.OURS))]
