#!/usr/bin/env bash
# Run the whole test suite: installs what is missing (environment, spaCy pipeline, Rasa model,
# PostgreSQL and Chromium from Debian's packages), then pytest over tests/ — service tests on SQLite
# and PostgreSQL, web and browser tests, Rasa test stories and end-to-end conversations through the
# REST channel against a real Rasa server and action server. Extra arguments go to pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/bootstrap.sh

export TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-$(scripts/postgres.sh start)}

if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  log "installing Chromium from Debian's packages for the browser tests (once)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || log "could not install chromium"
fi
if command -v chromium >/dev/null 2>&1; then export CERS_REQUIRE_BROWSER=${CERS_REQUIRE_BROWSER:-1}; fi
export CERS_REQUIRE_MODEL=${CERS_REQUIRE_MODEL:-1}  # bootstrap trained it: NLU tests must not skip

log "checking the Rasa training data"
rasa data validate --domain "$( [ -d domain ] && echo domain || echo domain.yml )" --data data --config config.yml --fail-on-warnings >var/log-validate.txt 2>&1 \
  || { cat var/log-validate.txt >&2; echo "rasa data validate failed" >&2; exit 1; }

mkdir -p var/test-results
set +e
python -m pytest tests --junitxml=var/test-results/junit.xml "$@"
rc=$?
set -e
exit $rc
