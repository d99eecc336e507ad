# The two commands of the README: `make book` and `make test`.
# Each creates .venv if it is missing and installs the pinned versions (constraints.txt) first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Idle OpenMP threads sleep instead of spinning. On a machine whose cores are busy with other work,
# spinning threads make torch's parallel loops many times slower (measured: t-SNE of the digits 56 s
# instead of 11 s under load). Set OMP_WAIT_POLICY in the environment to override.
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: book test audit site-check bench clean help

help:
	@echo "make book        build the HTML book into _build/html (warnings are errors)"
	@echo "make test        run the whole test suite"
	@echo "make audit       require every claim to be able to fail (mutants, wrong alternatives)"
	@echo "make site-check  open every built page in headless Chromium (after make book)"
	@echo "make bench       page times against the 60 s budget (after make book); our functions against scipy and scikit-learn"
	@echo "make clean       remove _build (sources are untouched)"

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test]"
	# Kernels started by the build log errors only (ipykernel's notice about its local TCP transport is noise).
	mkdir -p $(VENV)/etc/ipython
	echo '{"IPKernelApp": {"log_level": "ERROR"}}' > $(VENV)/etc/ipython/ipython_kernel_config.json
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at $(CURDIR)/_build/html/index.html"

# The tests run in one process per logical CPU (pytest-xdist); a worker stealing from a busy one keeps both
# cores busy when the long tests (mini-book builds, trained models) come last.
test: $(STAMP)
	$(BIN)/python -m pytest -n logical --dist worksteal

audit: $(STAMP)
	$(BIN)/python -m mltheory.claims.audit

site-check: $(STAMP)
	$(BIN)/python -m pytest -m site -o addopts="" tests/site

bench: $(STAMP)
	$(BIN)/python benchmarks/pages.py
	$(BIN)/python benchmarks/peers.py

clean:
	$(BIN)/jupyter-book clean . --all
