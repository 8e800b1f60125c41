from json import dumps

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from studyapp.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a consistent copy of the live database; safe while the site is running."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="a new file, or a folder for a timestamped one (default: BACKUP_DIR)")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args, path, json: bool, **options):
        try:
            backup = create_backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(dumps(backup.as_dict(), indent=2))
        else:
            size = filesizeformat(backup.bytes).replace("\xa0", " ")
            self.stdout.write(f"Backed up the database to {backup.path} ({size}, {backup.seconds:.1f} s); "
                              f"it reads back whole.")
