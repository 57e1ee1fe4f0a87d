#!/usr/bin/env bash
# The README's run command: installs what is missing, brings up Kafka, Postgres and Redis (reusing
# running ones), migrates, starts the three apps and feeds simulated traffic. Ctrl-C stops everything
# this script started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_kafka_if_started
  say "stopped"
}
trap cleanup INT TERM EXIT

install_dependencies
ensure_postgres
ensure_redis
start_kafka
build
say "migrating"
node bin/overload-credit.js migrate

# A development-only staff secret so that token:issue works out of the box; set your own outside a laptop.
export STAFF_JWT_SECRET="${STAFF_JWT_SECRET:-development-only-secret-change-me-please}"

mkdir -p .run
say "starting ingest, gate-api and staff-api (logs: .run/apps.log)"
node scripts/start-apps.js >>.run/apps.log 2>&1 &
PIDS+=($!)

GATE="http://127.0.0.1:${GATE_PORT:-3001}" STAFF="http://127.0.0.1:${STAFF_PORT:-3002}" INGEST="http://127.0.0.1:${INGEST_PORT:-3003}"
for url in "$INGEST" "$GATE" "$STAFF"; do
  for _ in $(seq 1 120); do
    curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
    kill -0 "${PIDS[0]}" 2>/dev/null || die "the apps stopped; see .run/apps.log"
    sleep 0.5
  done
  curl -fsS "$url/health/ready" >/dev/null 2>&1 || die "$url/health/ready did not answer 200; see .run/apps.log"
done
say "ready: ingest $INGEST, gate-api $GATE, staff-api $STAFF"

STATION_KEY=$(node bin/overload-credit.js station:add 330500999 --name 演示车道 2>/dev/null)
say "feeding simulated traffic: 30 days of history, then ${SIMULATE_RATE:-50} weighings/s, each also asked at the gate"
say "turn-backs (劝返) are printed as they happen; Ctrl-C stops everything"
node bin/overload-credit.js simulate --rate "${SIMULATE_RATE:-50}" --duration 0 --vehicles 300 --backfill-days 30 \
  --gate "$GATE" --station-key "$STATION_KEY" 2>>.run/simulate.log &
PIDS+=($!)
wait "${PIDS[0]}"
