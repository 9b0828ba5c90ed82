# torchplay: two commands to start (make run, make test); the rest for developers.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-stress test-ray lint bench soak clean docs docs-images

# Two pytest workers (the machines have 2 cores). Files that time, measure memory or send
# signals carry tests/conftest.py's SERIAL mark (one xdist_group): loadgroup runs them on
# one worker, one after another.
PARALLEL := -n 2 --dist loadgroup
# CI (.ci/run exports CI=true) lists the 25 slowest tests in its output.
# TESTS narrows a run (make test-stress TESTS=tests/tui); empty: the whole suite.
TESTS ?=
DURATIONS := $(if $(filter true,$(CI)),--durations=25)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, exactly: pip takes the CPU build on this machine's disk, not a CUDA one.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,onnx,tensorboard,serve,ray,docs,compiled,optuna]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/torchplay

test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PARALLEL) $(DURATIONS) $(TESTS)
	$(MAKE) --no-print-directory test-ray

# For developers: the suite without the tests marked slow (under a minute).
test-fast: $(STAMP)
	$(BIN)/python -m pytest $(PARALLEL) -m "not slow and not ray" $(TESTS)

# The suite (less Ray) while two CPU-bound busy loops compete for the two cores; the
# target starts them and kills them however pytest ends (pass, fail or Ctrl-C).
test-stress: $(STAMP)
	$(BIN)/python -c "while True: pass" & a=$$!; \
	$(BIN)/python -c "while True: pass" & b=$$!; \
	trap 'kill $$a $$b 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m pytest $(PARALLEL) $(DURATIONS) $(TESTS)

# Ray tests run in a fresh network namespace holding only loopback (needs root, as CI
# is): Ray then listens on 127.0.0.1 and no test traffic can leave the machine.
test-ray: $(STAMP)
	unshare -n true 2>/dev/null || { echo "make test-ray: needs root for unshare -n"; exit 1; }
	unshare -n sh -c 'ip link set lo up && exec $(BIN)/python -m pytest -m ray tests/ray'

lint: $(STAMP)
	$(BIN)/ruff check engine tui tests bench __main__.py
	$(BIN)/ruff format --check engine tui tests bench __main__.py
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

soak: $(STAMP)
	$(BIN)/python -m bench.soak

# The docs site into site/ (strict: a broken link or a missing page fails); the reference
# pages are generated from the parser, the spec, the keys and the lessons as it builds.
docs: $(STAMP)
	$(BIN)/python -m mkdocs build --strict

# The docs' SVG screenshots, taken by the app's own S key (docs/make_images.py).
docs-images: $(STAMP)
	$(BIN)/python docs/make_images.py

clean:
	rm -rf $(VENV) .pytest_cache build site *.egg-info
