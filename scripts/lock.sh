#!/usr/bin/env bash
# Regenerate requirements/lock.txt after changing requirements/app.txt (or Rasa's version).
# Resolves in a throw-away environment with the current lock as a preference, then freezes it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
tmp=$(mktemp -d)
python3.11 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q "pip==24.3.1"
"$tmp/venv/bin/pip" install -q --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
# Known-good versions first (shared/data), then the current lock, as constraints for what they name.
"$tmp/venv/bin/pip" install -q -c requirements/lock.txt -r requirements/rasa-deps.txt -r requirements/app.txt
{ echo "# Every package of the environment, pinned. Used as the constraints file of every install (scripts/bootstrap.sh)."
  echo "# Regenerate only with scripts/lock.sh after changing requirements/*.txt."
  "$tmp/venv/bin/pip" freeze --exclude-editable | grep -vE "^(rasa|rasa-sdk)=="; } > requirements/lock.txt
rm -rf "$tmp"
echo "requirements/lock.txt updated"
