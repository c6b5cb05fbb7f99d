# The two commands: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install migrate seed serve lint messages bench worker beat prod clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --no-logins

## make run: set up everything and serve the seeded help desk on http://$(HOST):$(PORT)
run: seed
	$(PY) manage.py show_demo_logins
	$(VENV)/bin/uvicorn helpdesk.asgi:application --host $(HOST) --port $(PORT) \
		--ws websockets-sansio --ws-per-message-deflate false --lifespan on

serve: install
	$(VENV)/bin/uvicorn helpdesk.asgi:application --host $(HOST) --port $(PORT) \
		--ws websockets-sansio --ws-per-message-deflate false --lifespan on

## make lint: style, import contracts, dead code (vulture), types (mypy, pyproject [tool.mypy])
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/vulture
	$(VENV)/bin/mypy

## make test: set up everything, lint, and run the whole suite
test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## Regenerate the translation catalogs (needs GNU gettext); the compiled .mo files are committed.
messages: install
	$(PY) manage.py makemessages -l ru -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*'
	$(PY) manage.py makemessages -d djangojs -l ru -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'static/vendor/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

bench: install
	$(PY) -m tests.benchmarks.run_all

## Production processes (need DATABASE_URL and REDIS_URL): see README "Production".
worker: install
	$(VENV)/bin/celery -A helpdesk worker --loglevel INFO
beat: install
	$(VENV)/bin/celery -A helpdesk beat --loglevel INFO
prod: install
	$(VENV)/bin/honcho start

clean:
	rm -rf var/ .pytest_cache .ruff_cache
