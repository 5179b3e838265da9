# soja-map: the two commands a newcomer needs are `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# The lock (requirements/*.txt, with hashes) is what CI and `make install` install; `make lock`
# re-resolves it from pyproject.toml with uv (installed into the venv on demand).
UV := $(VENV)/bin/uv
LOCK := $(UV) pip compile pyproject.toml --generate-hashes --python-version 3.11.7 --upgrade \
	--custom-compile-command "make lock" --annotation-style line

.PHONY: install run test lint lock bench geodata clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/dev.txt tests/js/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --require-hashes -r requirements/dev.txt
	$(PY) -m pip install --no-deps --no-build-isolation -e .
	# axe-core for the accessibility tests, pinned by tests/js/package-lock.json (npm registry)
	npm ci --prefix tests/js --no-audit --no-fund
	touch $@

run: install  ## install, then start the app on http://127.0.0.1:8050
	$(VENV)/bin/soja-map serve

lint: install  ## ruff, mypy (strict) and the import contracts (pyproject's [tool.importlinter])
	$(VENV)/bin/ruff check soja_map tests bench scripts app.py
	$(VENV)/bin/ruff format --check soja_map tests bench scripts app.py
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: install lint  ## lint, type-check, validate the shipped data and run every test (browser tests need chromium)
	$(VENV)/bin/soja-map validate
	$(PY) -m pytest

lock: install  ## re-resolve requirements/*.txt to the newest versions pyproject.toml allows
	$(PY) -m pip install -q uv
	$(LOCK) --extra test --extra serve --extra render -o requirements/dev.txt
	$(LOCK) --extra serve --extra render -o requirements/app.txt

bench: install  ## speed and memory figures against the named peers (about 10 minutes)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) bench/run.py

geodata: install  ## rebuild geodata/ from ../shared/data
	$(PY) scripts/build_geodata.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache *.egg-info
