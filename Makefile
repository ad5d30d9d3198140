# Every target creates .venv and installs the pinned dependencies first when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench migrate check clean

# Without any Slack configuration (env or .env) this opens the local playground instead.
run: $(STAMP)
	$(BIN)/wishbot run --or-playground

# Tests run on every core; worksteal keeps both busy until the last slow test. The browser test
# runs alone afterwards: Chromium's processes would take the CPU that the timing-sensitive
# end-to-end tests beside it need (-rs prints why it was skipped, when it is).
test: $(STAMP)
	$(BIN)/pytest -n auto --dist worksteal -m "not browser"
	$(BIN)/pytest -m browser -rs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict bot slack_emulator tests bench

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

migrate: $(STAMP)
	$(BIN)/wishbot migrate

check: $(STAMP)
	$(BIN)/wishbot check

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
