"""Helpers every app's views share."""

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers


def partial_template(request, template: str, name: str) -> str:
    """The server picks the fragment: htmx requests get it, full loads and boosts the page."""
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return f"{template}#{name}"
    return template


def vary_on_htmx(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


def csp_nonce(request):
    """The nonce under the name django-htmx's `{% htmx_script %}` and our script tags read."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


def health(request):
    """The trivial page: a proxy's health check, and the yardstick the benchmark measures against."""
    return HttpResponse("ok", content_type="text/plain")
