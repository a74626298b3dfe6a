# make quickstart: set up and train a tiny model on the built-in synthetic corpus (about 25 s on 2 idle CPU
#                  cores once installed; see conf/experiment/quickstart.yaml)
# make test:       set up and run the test suite (what CI runs)
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: quickstart test bench

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements-dev.txt -e .
	touch $@

quickstart: $(VENV)/.installed
	$(PY) train.py experiment=quickstart

test: $(VENV)/.installed
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	for script in benchmarks/*.py; do $(PY) $$script || exit 1; done
