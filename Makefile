# Consortium Planner: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
OUT    := out

.PHONY: run test bench screenshots lint demo clean package package-smoke

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Opens the GUI on the bundled demo workspace; with no display it says so and exports headless.
run: $(STAMP)
	@mkdir -p $(OUT)
	@test -f $(OUT)/demo.cplan || $(PY) -m consortium_planner demo $(OUT)/demo.cplan
	$(PY) -m consortium_planner run-demo $(OUT)/demo.cplan --out $(OUT)

test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run_all.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m consortium_planner screenshots docs/images

# A one-folder application for this machine (PyInstaller; packaging/README.md), in dist/ConsortiumPlanner.
package: $(STAMP)
	$(PY) -m pip install --quiet -e '.[package]'
	$(PY) -m PyInstaller packaging/consortium_planner.spec --noconfirm --distpath dist --workpath build/pyinstaller --log-level WARN
	@if [ "$$(uname)" = Linux ]; then cp packaging/linux/* dist/; fi
	@echo "Built dist/ConsortiumPlanner"

# Runs the built application with no Python on the path: the demo, its investment case, the window offscreen.
package-smoke:
	packaging/smoke-test.sh dist/ConsortiumPlanner

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache build dist
