# Loopwright: `make run` brings the app up with demo data, `make test` runs every test.
#
# Needs only Python 3.12+. Overrides: PYTHON=/path/to/python3.12 (the interpreter the
# virtualenv is made with), PORT=8000, VENV=.venv, PYTEST_ARGS="-x -k login",
# TEST_WORKERS=2 (pytest-xdist processes; 0 runs in this process).
# DATABASE_URL / REDIS_URL, when set, are used as they are; unset, SQLite and inline tasks.
SHELL := /bin/bash
VENV ?= .venv
PORT ?= 8000
TEST_WORKERS ?= 2
PYTEST_ARGS ?=
PY := $(VENV)/bin/python
# A local run: DEBUG on (so demo users may exist), unless the caller said otherwise.
LOCAL_ENV := DEBUG=$${DEBUG:-true}
IS_312 := import sys; sys.exit(sys.version_info < (3, 12))
# How many packages pyproject.toml names (the project's and its test extra's), for the
# install's progress line.
COUNT_DEPENDENCIES := import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	print(len(p["dependencies"]) + len(p.get("optional-dependencies", {}).get("test", [])))
# Where to look for Python 3.12+ when PYTHON is not given. pyenv's builds go by full
# path because its shims fail for versions that are not the selected one.
PY_CANDIDATES := python3.14 python3.13 python3.12 \
	$$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) \
	python3 python

.PHONY: run test venv setup lint clean

# The virtualenv, rebuilt when pyproject.toml changes. uv installs in seconds; when uv
# itself cannot be installed (no index), plain pip does the same more slowly. Each step
# says what it does before it starts (a first install can take minutes on a busy machine);
# uv's per-package lines are left out, its summary lines (resolved, installed) kept. The
# image sets PYTHONDONTWRITEBYTECODE, so the bytecode is compiled here, once (pip does
# it as it installs).
$(VENV)/.installed: pyproject.toml
	@if ! { [ -x $(PY) ] && $(PY) -c '$(IS_312)' 2>/dev/null; }; then \
		py="$(PYTHON)"; \
		if [ -n "$$py" ]; then \
			$$py -c '$(IS_312)' 2>/dev/null || { echo "PYTHON=$$py is not a working Python 3.12+." >&2; exit 1; }; \
		else \
			for p in $(PY_CANDIDATES); do \
				if command -v $$p >/dev/null 2>&1 && $$p -c '$(IS_312)' 2>/dev/null; then py=$$(command -v $$p); break; fi; \
			done; \
		fi; \
		[ -n "$$py" ] || { echo "Loopwright needs Python 3.12 or newer: install it, or pass PYTHON=/path/to/python3.12" >&2; exit 1; }; \
		echo "==> Creating the virtualenv $(VENV) with $$py (Python $$($$py -c 'import platform; print(platform.python_version())'))"; \
		rm -rf $(VENV) && $$py -m venv $(VENV); \
	fi
	@set -o pipefail; started=$$SECONDS; \
	wanted=$$($(PY) -c '$(COUNT_DEPENDENCIES)'); \
	echo "==> Installing Loopwright's dependencies into $(VENV): $$wanted packages named in pyproject.toml, with what they need"; \
	echo "    getting uv, the fast installer"; \
	if $(PY) -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1; then \
		echo "    installing with uv (seconds)"; \
		$(VENV)/bin/uv pip install --python $(PY) -e '.[test]' 2>&1 \
			| sed -u -e '/^ [-+~] /d' -e 's/^/    /'; \
		echo "    compiling their bytecode, so that every process starts fast (the longest part)"; \
		$(PY) -m compileall -q -j 0 "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null; \
	else \
		echo "    uv unavailable: installing with pip (a minute or more)"; \
		$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'; \
	fi; \
	echo "    $$($(PY) -m pip list --disable-pip-version-check --format=freeze 2>/dev/null | wc -l) packages in $(VENV), $$((SECONDS - started))s"
	@touch $@

venv: $(VENV)/.installed

setup: venv
	@echo "==> Migrating the database ($$([ -n "$$DATABASE_URL" ] && echo "the one DATABASE_URL names" || echo "SQLite, db.sqlite3"))"
	@$(LOCAL_ENV) $(PY) manage.py migrate --no-input -v 0
	@echo "==> Loading the demo: built-in banks, two loops, people, candidates and scorecards"
	@$(LOCAL_ENV) $(PY) manage.py load_demo

run: setup
	@echo ""
	@echo "Loopwright is at http://127.0.0.1:$(PORT)/  (sign in with a demo login above; Ctrl-C stops it)"
	@echo "The API's docs: http://127.0.0.1:$(PORT)/api/v1/docs/  (tokens: your profile, API tokens)"
	@$(LOCAL_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# pytest's exit code 5 means it ran no test: that is a failure, never a pass. --durations=30
# lists the slowest tests, for keeping CI under its 20 minutes.
test: venv
	@workers=$$([ "$(TEST_WORKERS)" -gt 0 ] 2>/dev/null && echo "-n $(TEST_WORKERS)"); \
	$(PY) -m pytest $$workers --durations=30 $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest ran no test: failing." >&2; exit 1; fi; \
	exit $$status

lint: venv
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3* test_db.sqlite3* staticfiles
