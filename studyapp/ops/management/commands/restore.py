from json import dumps

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from studyapp.ops.backup import BackupError, check_backup, restore_backup


class Command(BaseCommand):
    help = "Replace the database's contents with a backup's, after backing up what is there now."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a backup made by manage.py backup (or before an import)")
        parser.add_argument("--noinput", "--no-input", "--yes", action="store_false", dest="interactive",
                            help="do not ask for confirmation")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args, path: str, interactive: bool, json: bool, **options):
        try:
            check_backup(path)
        except BackupError as exc:
            raise CommandError(f"{exc} Nothing was changed.") from None
        if interactive:
            answer = input(
                f"This replaces everything in the database {connection.settings_dict['NAME']} with the backup "
                f"{path}.\nThe database as it is now is backed up first.\n"
                "Type 'yes' to continue, or 'no' to cancel: ")
            if answer != "yes":
                self.stdout.write("Restore cancelled; nothing was changed.")
                return
        try:
            restored = restore_backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(dumps(restored.as_dict(), indent=2))
            return
        self.stdout.write(f"Restored {restored.path}. The database as it was is in {restored.safety_backup.path}.")
        if restored.pending_migrations:
            self.stdout.write(self.style.WARNING(
                f"The backup predates {restored.pending_migrations} migrations: run manage.py migrate."))
