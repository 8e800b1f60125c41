from django.core.management.base import BaseCommand, CommandError

from ...fitting import fail, run_fit
from ...models import ParameterFit


class Command(BaseCommand):
    help = "Fit FSRS's parameters to one learner's answers (started from the settings page)."

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, required=True, help="the ParameterFit to carry out")

    def handle(self, *args, run, **options):
        fit = ParameterFit.objects.filter(pk=run, status=ParameterFit.Status.RUNNING).select_related("user").first()
        if fit is None:
            raise CommandError(f"No fit {run} is waiting to run.")
        try:
            fit = run_fit(fit)
        except Exception as exc:
            fail(fit, f"The fit failed ({type(exc).__name__}: {exc}).")
            raise
        self.stdout.write(f"Fit {fit.pk}: log loss {fit.current_log_loss:.4f} -> {fit.fitted_log_loss:.4f}, "
                          f"{'applied' if fit.applied else 'not applied'}.")
