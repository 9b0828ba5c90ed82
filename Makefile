# torchplay: two commands to start (make run, make test); the rest for developers.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-ray lint bench soak clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, exactly: pip takes the CPU build on this machine's disk, not a CUDA one.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,onnx,tensorboard,serve,ray]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/torchplay

test: $(STAMP)
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-ray

# Ray tests run in a fresh network namespace holding only loopback (needs root, as CI
# is): Ray then listens on 127.0.0.1 and no test traffic can leave the machine.
test-ray: $(STAMP)
	unshare -n true 2>/dev/null || { echo "make test-ray: needs root for unshare -n"; exit 1; }
	unshare -n sh -c 'ip link set lo up && exec $(BIN)/python -m pytest -m ray tests/ray'

lint: $(STAMP)
	$(BIN)/ruff check engine tui tests bench __main__.py
	$(BIN)/ruff format --check engine tui tests bench __main__.py

bench: $(STAMP)
	$(BIN)/python -m bench

soak: $(STAMP)
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
