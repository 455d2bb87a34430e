# The course's commands. `make course` and `make test` are all a newcomer needs:
# both create the virtual environment on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# FAST=1 runs every notebook with its small "fast" parameters (what CI does).
FAST   ?=
FAST_FLAG := $(if $(FAST),--fast,)
DEVICE ?= auto

.PHONY: all setup course site lab exercises grade test bench clean
all: course

setup: $(STAMP)                      ## create .venv and install pinned dependencies
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

course: setup                        ## the main job: execute the course and build the site
	$(BIN)/course run $(FAST_FLAG)

lab: setup                           ## open the course in JupyterLab
	$(BIN)/jupyter lab

exercises: setup                     ## regenerate exercises/ from solutions/
	$(BIN)/course exercises

grade: setup                         ## grade notebooks: make grade NOTEBOOKS="submissions/*.ipynb"
	$(BIN)/course grade $(or $(NOTEBOOKS),exercises/*.ipynb) --device $(DEVICE)

test: setup                          ## every test: library, grader, notebooks, site
	$(BIN)/python -m pytest

bench: setup                         ## print timings against the course's budgets
	$(BIN)/python benchmarks/bench_course.py

clean:
	rm -rf build
