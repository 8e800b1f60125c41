"""The Content Security Policy and the production settings."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from studyapp.notes.processes import database_url

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


def test_pages_carry_a_strict_policy_with_a_fresh_nonce_for_our_own_scripts(client):
    first, second = client.get("/notes/"), client.get("/accounts/signup/")
    rules = policy(second)
    nonce = re.fullmatch(r"'nonce-([^']+)'", rules["script-src"][1]).group(1)
    assert rules["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert rules["style-src"] == ["'self'"] and rules["default-src"] == ["'self'"]
    assert rules["frame-ancestors"] == ["'none'"] and rules["object-src"] == ["'none'"]
    assert rules["base-uri"] == ["'none'"] and rules["form-action"] == ["'self'"]
    assert policy(first)["script-src"] != rules["script-src"]
    html = second.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 2  # htmx and the time zone reader
    for tag in scripts:
        assert re.search(r'src="/static/[^"]+\.js"', tag) and f'nonce="{nonce}"' in tag
    assert second["X-Frame-Options"] == "DENY"


def test_htmx_is_kept_within_the_policy(client):
    html = client.get("/notes/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html).group(1)
    for setting in ('"includeIndicatorStyles": false', '"allowEval": false', '"allowScriptTags": false'):
        assert setting in config
    assert re.search(r'<body hx-headers=\'\{"X-CSRFToken": "[^"]+"\}\'>', html)


def test_no_template_has_inline_script_or_style():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"<style|\sstyle=|\shx-on|\son[a-z]+=", text), template


PRODUCTION = {
    "DEBUG": "0", "SECRET_KEY": "k3$-production-only-" + "x7Qp9zL2mV8rT4wY6uB1nC5" * 2,
    "ALLOWED_HOSTS": "study.example.com", "HTTPS": "1", "CSRF_TRUSTED_ORIGINS": "https://study.example.com",
}


def server_environment(**overrides):
    """This process's environment without its test-only switches, as a server would start."""
    ours = set(PRODUCTION) | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**{key: value for key, value in os.environ.items() if key not in ours}, **overrides}


def deploy_check(environment):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=server_environment(**environment), capture_output=True, text=True, timeout=120,
    )


def test_the_production_configuration_passes_the_deployment_check():
    result = deploy_check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_fails_without_https_or_with_the_development_key():
    without_https = deploy_check({**PRODUCTION, "HTTPS": "0"})
    assert without_https.returncode != 0 and "security.W004" in without_https.stderr  # no HSTS
    default_key = deploy_check({key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"})
    assert default_key.returncode != 0 and "security.W009" in default_key.stderr


def test_gunicorn_behind_a_tls_proxy_serves_the_production_configuration(transactional_db, tmp_path):
    """The README's deployment: gunicorn on loopback, the proxy saying the request came over HTTPS."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = server_environment(**PRODUCTION, DATABASE_URL=database_url())
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "studyapp.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1"], cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirects)

    def fetch(headers):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/notes/", headers={"Host": "study.example.com", **headers})
        try:
            return opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            return error

    try:
        for _ in range(100):
            try:
                plain = fetch({})
                break
            except urllib.error.URLError:
                time.sleep(0.1)
        assert plain.status == 301 and plain.headers["Location"] == "https://study.example.com/notes/"
        secure = fetch({"X-Forwarded-Proto": "https"})
        assert secure.status == 200
        assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert "frame-ancestors 'none'" in secure.headers["Content-Security-Policy"]
        assert fetch({"Host": "evil.example", "X-Forwarded-Proto": "https"}).status == 400
    finally:
        server.terminate()
        server.wait(timeout=10)
