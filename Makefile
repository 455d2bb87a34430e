# The course's commands. `make course` and `make test` are all a newcomer needs:
# both install what they use on first run (Python packages into .venv, the site's
# JavaScript into node_modules, and - for the browser tests - Debian's chromium).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# FAST=1 runs every notebook with its small "fast" parameters (what CI does).
FAST   ?=
FAST_FLAG := $(if $(FAST),--fast,)
DEVICE ?= auto

.PHONY: all setup js browser course site run lab exercises grade test bench clean
all: course

setup: $(STAMP)                      ## .venv with the pinned Python packages
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

js: node_modules/.installed          ## the site's JavaScript (require.js, widgets, MathJax), served locally
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser:                             ## headless Chromium for the site's browser tests
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

course: setup js                     ## the main job: execute the course and build the site
	$(BIN)/course site $(FAST_FLAG) --device $(DEVICE)
	@echo "open build/site/html/index.html"

site: course

run: setup                           ## execute the chapters only, into build/executed
	$(BIN)/course run $(FAST_FLAG)

lab: setup                           ## open the course in JupyterLab
	$(BIN)/jupyter lab

exercises: setup                     ## regenerate exercises/ from solutions/
	$(BIN)/course exercises

grade: setup                         ## grade notebooks: make grade NOTEBOOKS="submissions/*.ipynb"
	$(BIN)/course grade $(or $(NOTEBOOKS),exercises/*.ipynb) --device $(DEVICE)

test: setup js browser               ## every test: library, grader, notebooks, site in a browser
	$(BIN)/python -m pytest

bench: setup js                      ## print timings against the course's budgets
	$(BIN)/python benchmarks/bench_course.py
	$(BIN)/python benchmarks/bench_site.py --fast

clean:
	rm -rf build
