#!/usr/bin/env bash
# Install what is missing, then start the whole product on this machine and print the chat URL.
# Ctrl-C stops everything. Settings come from the environment (see docs/configuration.md).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/bootstrap.sh

WEB_PORT=${WEB_PORT:-8000}; RASA_PORT=${RASA_PORT:-5005}; ACTIONS_PORT=${ACTIONS_PORT:-5055}
export WEB_PORT RASA_URL=${RASA_URL:-http://127.0.0.1:$RASA_PORT}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTIONS_PORT/webhook}
# One front door (docs/security.md): only the web server listens for browsers; the action server and Rasa
# listen on 127.0.0.1 and want shared secrets (derived from SECRET_KEY unless set): Rasa sends the action
# server's in a header (endpoints.yml); Rasa's HTTP API is off unless RASA_ENABLE_API=1, then behind its token.
export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-$(python -m bot.config action_server_token)}
export RASA_API_TOKEN=${RASA_API_TOKEN:-$(python -m bot.config rasa_api_token)}
rasa_api=()
if [ "${RASA_ENABLE_API:-0}" = "1" ]; then rasa_api=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
mkdir -p var/log

if [ "$(python -m bot.manage facilities-count)" = "0" ]; then
  log "loading 2,500 generated California facilities to search (python -m bot.seed; see docs/data.md)"
  python -m bot.seed generate --count 2500 --seed 7 >&2
fi

pids=()
stop_all() {
  trap - INT TERM EXIT
  log "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

if [ -z "${SMTP_HOST:-}" ]; then
  # No mail server configured: run the local mail catcher; emails are shown on /dev/mail.
  export SMTP_HOST=127.0.0.1 SMTP_PORT=${SMTP_PORT:-8025} DEVMAIL_DIR=${DEVMAIL_DIR:-$ROOT/var/mail}
  python -m bot.devmail >var/log/devmail.log 2>&1 & pids+=($!)
fi
python -m actions.server --port "$ACTIONS_PORT" >var/log/actions.log 2>&1 & pids+=($!)
rasa run --model models/cers.tar.gz ${rasa_api[@]+"${rasa_api[@]}"} -i 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml >var/log/rasa.log 2>&1 & pids+=($!)
python -m bot.web >var/log/web.log 2>&1 & pids+=($!)
python -m bot.outbox >var/log/outbox.log 2>&1 & pids+=($!)  # retries emails the mail server did not take

wait_for() {  # name url seconds
  local t0=$SECONDS
  until curl -fsS -o /dev/null --max-time 2 "$2"; do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "$1 did not start; see var/log/" >&2; tail -n 20 var/log/*.log >&2; exit 1; }; done
    [ $((SECONDS - t0)) -lt "$3" ] || { echo "$1 did not answer within $3 s; see var/log/" >&2; exit 1; }
    sleep 1
  done
}
log "starting the action server, the Rasa server (loads TensorFlow, ~40 s) and the web server..."
wait_for "action server" "http://127.0.0.1:$ACTIONS_PORT/health" 120
wait_for "web server" "http://127.0.0.1:$WEB_PORT/healthz" 60
wait_for "Rasa server" "$RASA_URL/" 300  # "/" answers with or without the HTTP API

echo
echo "CERS Filing Assistant is running. Open the chat:  http://127.0.0.1:$WEB_PORT/"
[ -n "${DEVMAIL_DIR:-}" ] && echo "Emails it sends (local mail catcher):             http://127.0.0.1:$WEB_PORT/dev/mail"
echo "Logs: var/log/   Stop: Ctrl-C"
wait -n "${pids[@]}" || true
echo "a service stopped; see var/log/" >&2
