# Tavle: `make run` serves the app with demo data; `make test` runs the whole suite.
# Both install everything they need first (a virtual environment, npm packages, catalogues).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make
STATIC_VENDOR := app/static/htmx.min.js app/static/sse.js app/static/Sortable.min.js

.PHONY: run test lint typecheck unit setup messages bench clean

run: setup
	$(BIN)/python -m app serve

test: setup lint typecheck
	bash scripts/ensure-chromium
	$(BIN)/pytest -n 2

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy app tests

bench: setup
	$(BIN)/python -m bench

setup: $(STAMP)/python $(STAMP)/npm $(STATIC_VENDOR) $(STAMP)/locales $(STAMP)/vapid

$(STAMP)/python: requirements-dev.lock
	@mkdir -p $(STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

$(STAMP)/npm: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

app/static/htmx.min.js: $(STAMP)/npm
	cp node_modules/htmx.org/dist/htmx.min.js $@
app/static/sse.js: $(STAMP)/npm
	cp node_modules/htmx-ext-sse/dist/sse.min.js $@
app/static/Sortable.min.js: $(STAMP)/npm
	cp node_modules/sortablejs/Sortable.min.js $@

$(STAMP)/locales: $(STAMP)/python $(wildcard locales/*/LC_MESSAGES/messages.po)
	$(BIN)/pybabel compile -d locales -D messages >/dev/null
	@touch $@

# The Web Push key pair, made once and kept in data/ (outside git); production sets it instead.
$(STAMP)/vapid: $(STAMP)/python
	$(BIN)/python -m app vapid-keys --keep
	@touch $@

# For developers after changing user-facing text: extract, merge, then translate the new entries.
messages: $(STAMP)/python
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/check_catalogues.py --fill-english

clean:
	rm -rf $(VENV) node_modules $(STAMP) $(STATIC_VENDOR) data
