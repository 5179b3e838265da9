# soja-map: the two commands a newcomer needs are `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: install run test lint bench geodata clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[test,serve]'
	touch $@

run: install  ## install, then start the app on http://127.0.0.1:8050
	$(VENV)/bin/soja-map serve

lint: install
	$(VENV)/bin/ruff check soja_map tests bench scripts app.py
	$(VENV)/bin/ruff format --check soja_map tests bench scripts app.py
	$(VENV)/bin/mypy

test: install lint  ## lint, type-check, validate the shipped data and run every test (browser tests need chromium)
	$(VENV)/bin/soja-map validate
	$(PY) -m pytest

bench: install  ## speed and memory figures against the named peers (about 10 minutes)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) bench/run.py

geodata: install  ## rebuild geodata/ from ../shared/data
	$(PY) scripts/build_geodata.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
