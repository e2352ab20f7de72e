# The front door of the project: `make help` lists the targets.
# `make report` and `make test` create the virtual environment when it is missing.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
QUARTER ?= 2017Q2

.DEFAULT_GOAL := help
.PHONY: help venv report pdf test test-py310 browser lab lint bench import-official data check-data clean-venv

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# As pip does for every package it installs (not for an editable one): the library's bytecode,
	@# so that a command's start-up does not compile it, even where PYTHONDONTWRITEBYTECODE is set.
	$(BIN)/python -m compileall -q lib/bulletin
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the project (done by the other targets when needed)

report: $(STAMP) ## Render the default issue (QUARTER=2017Q2) into reports/
	$(BIN)/bulletin render --quarter $(QUARTER)

pdf: $(STAMP) ## Render the issue (QUARTER=2017Q2) and print it to reports/<issue>/milestones-<issue>.pdf (needs make browser)
	$(BIN)/bulletin render --quarter $(QUARTER) --pdf

# On every core (pytest-xdist); prints the suite's wall time and keeps it in .make-test-time
# (bench/bench_render.py prints it).
test: $(STAMP) ## Run the test suite (prints its time)
	@start=$$(date +%s); $(BIN)/python -m pytest -n auto --dist worksteal; status=$$?; seconds=$$(( $$(date +%s) - start )); \
	echo "make test: $$seconds s, exit $$status"; \
	echo "$$seconds s, exit $$status, $$(date -u +%Y-%m-%dT%H:%MZ), $$(nproc) cores, load $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" > .make-test-time; \
	exit $$status

# The oldest Python the README promises (3.10), in a venv of its own: the tests that run no
# notebook (the render tests run on the main venv's Python). Skipped, saying so, on a machine
# without a python3.10 (pyenv's is found too).
PY310 ?= $(shell for p in $$(command -v python3.10) $$HOME/.pyenv/versions/3.10*/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && echo "$$p" && break; done)
VENV310 := .venv-py310

test-py310: ## Run the tests that execute no notebook on Python 3.10, in .venv-py310
	@if [ -z "$(PY310)" ]; then echo "no python3.10 on this machine: the Python 3.10 tests are skipped"; exit 0; fi; \
	test -x $(VENV310)/bin/python || $(PY310) -m venv $(VENV310); \
	$(VENV310)/bin/python -m pip install --quiet --upgrade pip && \
	$(VENV310)/bin/python -m pip install --quiet -e '.[dev]' && \
	$(VENV310)/bin/python -m pytest -q -n auto -m "not slow" --deselect tests/test_browser.py -p no:cacheprovider

browser: ## Install Chromium (Debian's package) for the browser tests, when it is missing
	@if [ -x /usr/bin/chromium ]; then echo "Chromium is installed: /usr/bin/chromium"; \
	elif [ "$$(id -u)" -eq 0 ]; then apt-get update && apt-get install -y chromium; \
	else sudo apt-get update && sudo apt-get install -y chromium; fi

# Headless-safe: no browser without a display ($DISPLAY or $WAYLAND_DISPLAY), --allow-root when run
# as root (as in many containers), on 127.0.0.1 so that the URL it prints (with its token) is the
# one to open; LAB_PORT picks the port (the next free one when it is taken).
LAB_PORT ?= 8888
LAB_FLAGS := --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	$(if $(DISPLAY)$(WAYLAND_DISPLAY),,--no-browser) $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP) ## Start JupyterLab on notebooks/ (project kernel); prints the URL to open, no browser without a display
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python (bulletin project)" > /dev/null
	@echo "JupyterLab on notebooks/: open the http://127.0.0.1:... URL it prints below (Ctrl-C stops it)"
	JUPYTER_PATH=$(CURDIR)/$(VENV)/share/jupyter $(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

lint: $(STAMP) ## Check code and notebooks (ruff) and the import contracts between packages (lint-imports)
	$(BIN)/ruff check lib tests notebooks bench
	$(BIN)/lint-imports --no-cache

bench: $(STAMP) ## Run the benchmarks in bench/ and print their figures
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The official publications the shipped tables' official rows come from (data/README.md). They
# are imported in one command: where they overlap, the most recent edition's figure is kept
# whatever the order (bulletin.data.importers.precedence), and reconstructed rows on their keys step
# aside.
OFFICIAL ?= ../shared/data/official
OFFICIAL_FILES := wdr2018-annex-drug-seizures-2012-2016.csv \
	unodc-annual-drug-seizures-1990-2019.xlsx \
	wdr2024-annex-7.1-drug-seizures-2018-2022.xlsx \
	wdr2022-annex-10.1-drug-related-crimes.xlsx \
	wdr2024-annex-10.1-drug-related-crimes.xlsx \
	unodc-ids-seizure-cases-2011-2016-no-cannabis.zip \
	kg-nsc-sdg/16.1.1.xlsx kg-nsc-sdg/16.1.3.xlsx kg-nsc-sdg/5.2.1.2.xlsx kg-nsc-sdg/5.2.1.3.xlsx

import-official: $(STAMP) ## Rebuild the official rows of data/ from the publications in OFFICIAL=../shared/data/official
	$(BIN)/bulletin import $(addprefix $(OFFICIAL)/,$(OFFICIAL_FILES))

# Reconstructions in dependency order, after the import: each fills only what no official row
# covers. seizures_quarterly splits the official annual rows; drug_arrests reads drug_offences
# (official and reconstructed), so it runs after it; indicators_gbv reads nothing.
RECONSTRUCTIONS := seizures_quarterly drug_offences drug_arrests indicators_gbv

data: import-official ## Rebuild every shipped table: official rows, then each documented reconstruction
	@for table in $(RECONSTRUCTIONS); do $(BIN)/python -m bulletin.reconstruct.$$table || exit 1; done

# Every reconstruction is checked (not only up to the first that differs); the exit status is 1 if
# any differs, and each names the rows that differ and by how much.
check-data: $(STAMP) ## Check that every reconstruction reproduces the shipped rows
	@status=0; for table in $(RECONSTRUCTIONS); do \
		$(BIN)/python -m bulletin.reconstruct.$$table --check || status=1; done; exit $$status

clean-venv: ## Remove the virtual environment
	rm -rf $(VENV)
