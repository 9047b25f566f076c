#!/usr/bin/env bash
# Starts the built server on a fresh embedded database, waits for /health with a PostGIS version,
# stops it with SIGTERM, starts it again and checks that the data survived.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${SMOKE_PORT:-3917}
DIR=$(mktemp -d)
export PGLITE_DIR="$DIR/pgdata" PORT LANDPATROL_DEMO=${LANDPATROL_DEMO:-1}
export LANDPATROL_BOOTSTRAP_TOKEN="smoke-bootstrap-token-$$-$RANDOM"
LOG="$DIR/server.log"
npm run build:web --silent

start() {
  node --import tsx server/server.ts >>"$LOG" 2>&1 &
  PID=$!
  local t0; t0=$(date +%s)
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:${PORT}/health" -o "$DIR/health.json" 2>/dev/null; then
      echo "health after $(( $(date +%s) - t0 )) s: $(cat "$DIR/health.json")"
      return 0
    fi
    kill -0 "$PID" 2>/dev/null || { cat "$LOG"; echo "server exited"; return 1; }
    sleep 1
  done
  cat "$LOG"; echo "no /health within 120 s"; return 1
}
stop() { kill -TERM "$PID"; wait "$PID" || { echo "server exited non-zero on SIGTERM"; cat "$LOG"; return 1; }; }

start
grep -q '"postgis":"3\.' "$DIR/health.json"
AUTH="Authorization: Bearer ${LANDPATROL_BOOTSTRAP_TOKEN}"
curl -fsS -X POST -H "$AUTH" -H 'content-type: application/json' \
  -d '{"code":"650000","name":"烟测省","level":"province","parent_code":"000000"}' \
  "http://127.0.0.1:${PORT}/api/v1/divisions" >/dev/null
curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/" && echo "web page served"
stop
start
curl -fsS -H "$AUTH" "http://127.0.0.1:${PORT}/api/v1/divisions/650000" | grep -q '烟测省' && echo "data kept across restart"
if grep -q "$LANDPATROL_BOOTSTRAP_TOKEN" "$LOG"; then echo "bootstrap token leaked into the log"; exit 1; fi
stop
rm -rf "$DIR"
echo "smoke test passed"
