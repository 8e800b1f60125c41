# Two commands from a fresh clone: `make run` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-postgres bench bench-postgres setup chromium clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_notes content/
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

# Browser tests need a Chromium: use one that is installed, else install one. Debian's package
# where we are root (Playwright's own download is blocked there), Playwright's build elsewhere.
chromium: setup
	@if [ -n "$$CHROMIUM" ] && [ -x "$$CHROMIUM" ]; then exit 0; fi; \
	for b in chromium chromium-browser google-chrome; do command -v $$b >/dev/null 2>&1 && exit 0; done; \
	if ls "$${PLAYWRIGHT_BROWSERS_PATH:-$$HOME/.cache/ms-playwright}"/chromium-* >/dev/null 2>&1; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else $(BIN)/playwright install chromium; fi

# One worker per core; each has its own test database (pytest-django names them apart).
PARALLEL := -n auto --dist worksteal

test: setup chromium
	$(BIN)/python -m pytest $(PARALLEL)

# The same suite on PostgreSQL: the server in DATABASE_URL, else a throwaway one in .pg/.
test-postgres: setup chromium
	bash .ci/postgres.sh $(PARALLEL)

# The benchmark (README, Performance): make bench ARGS="--json" for machine-readable figures.
bench: setup
	$(BIN)/python manage.py bench $(ARGS)

# The same on PostgreSQL, as the tests find it, with a class instead of one heavy learner.
bench-postgres: setup
	bash .ci/postgres.sh -- $(BIN)/python manage.py bench --learners=200 --notes=100 --cards=2000 --logs=20000 $(ARGS)

clean:
	rm -rf $(VENV) .pg db.sqlite3 db.sqlite3-* .test-db.sqlite3* media staticfiles
