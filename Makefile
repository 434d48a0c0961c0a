# The two set-up commands of the README:
#   make demo   builds the bundled offline example assistant and serves it
#   make test   lint + type check + the whole test suite (what CI runs)
# Both create .venv on first use (CPU torch first, so nothing pulls CUDA wheels) and install the
# exact versions of requirements-lock.txt, the set CI was green with. `make lock` re-resolves it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements-lock.txt
TORCH  := torch==2.13.0

.PHONY: demo test lint typecheck install browser services lock

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -c $(LOCK) -e ".[dev]"
	@# every installed distribution must be pinned by the lock: nothing floats on a fresh machine
	@# (names compared as PEP 503 normalises them: fastapi_offline == fastapi-offline)
	@norm() { tr 'A-Z_.' 'a-z--' | sed 's/--*/-/g; s/+cpu$$//' | sort; }; \
	  $(BIN)/pip freeze --exclude-editable | norm > $(VENV)/freeze.txt; \
	  grep -v '^#' $(LOCK) | norm | comm -23 $(VENV)/freeze.txt - > $(VENV)/unlocked.txt; \
	  if [ -s $(VENV)/unlocked.txt ]; then echo "installed but not in $(LOCK) (run make lock):"; \
	    cat $(VENV)/unlocked.txt; exit 1; fi
	touch $@
	@echo "kodial is installed in $(VENV): run 'source $(BIN)/activate' to put the kodial command on PATH"

install: $(STAMP)

# Re-resolve the newest releases pyproject's ranges allow (CPU torch pinned) in a scratch venv and
# write them to the lock. Then run `make test` (it reinstalls from the new lock) and commit the lock
# only if it is green.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q $(TORCH)
	.lock-venv/bin/pip install -q -e ".[dev]"
	{ echo "# The exact versions CI was green with (Linux x86_64, CPython 3.11), installed by make as"; \
	  echo "# pip constraints. Regenerate with 'make lock', then 'make test'; see README Development."; \
	  .lock-venv/bin/pip freeze --exclude-editable | sed 's/+cpu$$//'; } > $(LOCK).tmp
	mv $(LOCK).tmp $(LOCK)
	rm -rf .lock-venv

demo: $(STAMP)
	$(BIN)/kodial demo

browser:  # headless Chromium for the web-page test, and a Korean font for screenshots and plots
	@pkgs=""; command -v chromium >/dev/null 2>&1 || pkgs="chromium"; \
	fc-list :lang=ko 2>/dev/null | grep -q . || pkgs="$$pkgs fonts-nanum"; \
	if [ -n "$$pkgs" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs >/dev/null) \
	      || echo "could not install$$pkgs: browser tests will be skipped"; \
	  else echo "missing$$pkgs (apt-get install $$pkgs): browser tests will be skipped"; fi; fi

# PostgreSQL and Redis binaries for the replica tests (tests/serve/test_replicas.py), which start
# their own servers in temp dirs on free ports: nothing is started or configured here.
services:
	@pkgs=""; { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } \
	  || pkgs="postgresql"; command -v redis-server >/dev/null 2>&1 || pkgs="$$pkgs redis-server"; \
	if [ -n "$$pkgs" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs >/dev/null) \
	      || echo "could not install$$pkgs: replica tests will be skipped"; \
	  else echo "missing$$pkgs (apt-get install$$pkgs): replica tests will be skipped"; fi; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# Two workers share the cores: one BLAS/OpenMP/Kiwi thread each (OMP_NUM_THREADS, read by torch,
# OpenBLAS and kodial.cpus.thread_budget); with a pool per core in each, their spinning threads
# fought for the cores.
test: $(STAMP) browser services lint typecheck
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false \
	  OMP_NUM_THREADS=1 $(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder -q
