"""Middleware that turns two kinds of trouble into a clear answer instead of a server error."""

from django.db import OperationalError
from django.http import HttpResponseBadRequest
from django.template.response import TemplateResponse

from .web import partial_template, vary_on_htmx


def reject_null_characters(get_response):
    """A NUL in the address or its query string is refused: no page takes one, and PostgreSQL
    cannot compare it with anything (a ValueError deep in a query otherwise)."""

    def middleware(request):
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                         for key, values in request.GET.lists()):
            return HttpResponseBadRequest("The address holds a NUL character, which no page here takes.",
                                          content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def busy_database(get_response):
    """A request that waited its whole timeout for the database's write lock (an import holds it
    while it writes) is told to try again shortly: a 503 with Retry-After, never a 500."""

    def middleware(request):
        return get_response(request)

    def process_exception(request, exception):
        if not (isinstance(exception, OperationalError) and _is_lock_wait(exception)):
            return None
        response = TemplateResponse(request, partial_template(request, "busy.html", "notice"), status=503)
        response["Retry-After"] = "5"
        if getattr(request, "htmx", False):
            response["HX-Retarget"], response["HX-Reswap"] = "#busy", "innerHTML"
        return vary_on_htmx(response.render())

    middleware.process_exception = process_exception
    return middleware


def _is_lock_wait(exception: OperationalError) -> bool:
    # SQLite says "database is locked"; PostgreSQL's lock_timeout is SQLSTATE 55P03, and a deadlock
    # it broke (40P01) is as safe to try again.
    return ("database is locked" in str(exception)
            or getattr(exception.__cause__, "sqlstate", None) in {"55P03", "40P01"})
