#!/usr/bin/env bash
# The README's run command: installs what is missing, brings up Kafka, Postgres and Redis (reusing
# running ones), migrates, starts the three apps and feeds simulated traffic; prints where the staff
# console and the public page are and a development token per role. Ctrl-C stops everything this
# script started.
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

# UP_RUN_DIR: where logs and tokens go (.run); UP_SKIP_BUILD=1 runs what dist/ holds (the e2e test of this
# script uses both, beside a suite that is already built).
RUN_DIR="${UP_RUN_DIR:-.run}"
mkdir -p "$RUN_DIR"
install_dependencies
ensure_postgres
ensure_redis
start_kafka
[ "${UP_SKIP_BUILD:-0}" = 1 ] || build
say "migrating"
node bin/overload-credit.js migrate

# Kafka is authenticated (docs/kafka.md): unless KAFKA_SASL_USERNAME names someone else, this script's own
# commands (ACLs, topics, simulated stations and registries) run as the local broker's admin, and
# start-apps.js logs each app in as its own principal from the same file.
if [ -z "${KAFKA_SASL_USERNAME:-}" ]; then
  export KAFKA_PRINCIPALS_FILE="${KAFKA_PRINCIPALS_FILE:-$KAFKA_DEV_PRINCIPALS}"
  export KAFKA_SASL_USERNAME=admin KAFKA_SASL_PASSWORD="$(kafka_password admin)"
fi
say "granting the Kafka ACLs of each principal"
node bin/overload-credit.js kafka:acls >"$RUN_DIR/kafka-acls.txt"

# A development-only staff secret so that token:issue works out of the box; set your own outside a laptop.
# The apps accept this published value only with NODE_ENV=development (SPEC §4.8, docs/security.md).
if [ -z "${STAFF_JWT_SECRET:-}" ]; then
  [ -z "${NODE_ENV:-}" ] || [ "$NODE_ENV" = development ] ||
    say "NODE_ENV=$NODE_ENV replaced by development: this run signs staff tokens with the published secret (set STAFF_JWT_SECRET to keep it)"
  export STAFF_JWT_SECRET=development-only-secret-change-me-please
  export NODE_ENV=development
fi

mkdir -p "$RUN_DIR"
# The audit key (docs/operations.md "Audit key and anchors"): made once per run directory and kept, so the
# log sealed by one run still verifies in the next; set AUDIT_HMAC_KEY to use your own.
if [ -z "${AUDIT_HMAC_KEY:-}" ]; then
  [ -s "$RUN_DIR/audit-hmac.key" ] || (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(36).toString('base64url'))" >"$RUN_DIR/audit-hmac.key")
  AUDIT_HMAC_KEY="$(cat "$RUN_DIR/audit-hmac.key")"
fi
export AUDIT_HMAC_KEY
say "starting ingest, gate-api and staff-api (logs: $RUN_DIR/apps.log)"
node scripts/start-apps.js >>"$RUN_DIR"/apps.log 2>&1 &
PIDS+=($!)

GATE="http://127.0.0.1:${GATE_PORT:-3001}" STAFF="http://127.0.0.1:${STAFF_PORT:-3002}" INGEST="http://127.0.0.1:${INGEST_PORT:-3003}"
for url in "$INGEST" "$GATE" "$STAFF"; do
  for _ in $(seq 1 120); do
    curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
    kill -0 "${PIDS[0]}" 2>/dev/null || die "the apps stopped; see $RUN_DIR/apps.log"
    sleep 0.5
  done
  curl -fsS "$url/health/ready" >/dev/null 2>&1 || die "$url/health/ready did not answer 200; see $RUN_DIR/apps.log"
done
say "ready: ingest $INGEST, gate-api $GATE, staff-api $STAFF"

# Development tokens for the console, one per role (valid 8 hours), also kept in $RUN_DIR/tokens.txt.
issue_token() { node bin/overload-credit.js token:issue --sub "$1" --roles "$2" --name "$3"; }
OFFICER_TOKEN=$(issue_token officer-a OFFICER 执法员甲)
LEGAL_TOKEN=$(issue_token legal-b LEGAL_REVIEWER 法制审核员乙)
REPAIR_TOKEN=$(issue_token repair-c REPAIR_REVIEWER 修复审核员丙)
ADMIN_TOKEN=$(issue_token admin-z ADMIN 管理员)
{
  echo "OFFICER          (officer-a, 执法人员)          $OFFICER_TOKEN"
  echo "LEGAL_REVIEWER   (legal-b, 法制审核人员)        $LEGAL_TOKEN"
  echo "REPAIR_REVIEWER  (repair-c, 信用修复审核人员)   $REPAIR_TOKEN"
  echo "ADMIN            (admin-z, 系统管理员)          $ADMIN_TOKEN"
} >"$RUN_DIR"/tokens.txt
say "staff console (执法工作台): $STAFF/console/   public postings (失信公示): $STAFF/postings/"
say "sign in to the console by pasting one of these development tokens (also in $RUN_DIR/tokens.txt):"
sed 's/^/    /' "$RUN_DIR"/tokens.txt

STATION_KEY=$(node bin/overload-credit.js station:add 330522001 --name 杭宁高速长兴收费站 2>/dev/null)
say "feeding simulated traffic: 30 days of history, then ${SIMULATE_RATE:-50} weighings/s, each also asked at the gate"
say "turn-backs (劝返) are printed as they happen; Ctrl-C stops everything"
node bin/overload-credit.js simulate --rate "${SIMULATE_RATE:-50}" --duration 0 --vehicles 300 --backfill-days 30 \
  --gate "$GATE" --station-key "$STATION_KEY" 2>>"$RUN_DIR"/simulate.log &
PIDS+=($!)
# The staff steps of due process through the staff API (notices served, one objection, listings in effect
# from a dated-back demo history, three of them published) so that the console and the public page have
# something to show.
node scripts/demo-due-process.js "$STAFF" "$OFFICER_TOKEN" "$LEGAL_TOKEN" 3 2>>"$RUN_DIR"/simulate.log &
PIDS+=($!)
wait "${PIDS[0]}"
