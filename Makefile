# The two set-up commands of the README:
#   make demo   builds the bundled offline example assistant and serves it
#   make test   lint + type check + the whole test suite (what CI runs)
# Both create .venv on first use (CPU torch first, so nothing pulls CUDA wheels).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck install browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(STAMP)

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

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) browser lint typecheck
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false \
	  $(BIN)/pytest -n 2 --dist loadfile -q
