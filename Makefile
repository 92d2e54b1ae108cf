# Quick start: `make demo` builds the example books into output/, `make test` runs the tests,
# `make serve` serves the web page and API on http://127.0.0.1:8000/ (README: "The service").
# Both create .venv and install what they need (system packages through apt when run as root).
# `make bench` measures speed and memory (`make bench BENCH=--quick` to try it).
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test bench serve sysdeps sysdeps-test clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m compileall -q assembler
	rm -f $(VENV)/.installed-* && touch $@

sysdeps:
	@sh scripts/sysdeps

sysdeps-test:
	@sh scripts/sysdeps test

demo: sysdeps $(STAMP)
	$(VENV)/bin/planbook build examples/ -o output --jobs 2

test: sysdeps-test $(STAMP)
	$(PY) -m pytest

serve: sysdeps $(STAMP)
	$(VENV)/bin/planbook serve

bench: sysdeps-test $(STAMP)
	$(PY) -m compileall -q assembler
	$(PY) bench/bench.py $(BENCH)

clean:
	rm -rf output .pytest_cache tests/_artifacts
