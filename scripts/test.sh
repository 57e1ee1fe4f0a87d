#!/usr/bin/env bash
# The README's test command: installs what is missing, makes sure Postgres, Redis and Kafka run,
# builds, checks the alerting rules, and runs every test tier (unit, integration, e2e, contracts, browser,
# faults) against the real services.
#
# One jest call per tier, each through its npm script (test:unit ... test:contracts, the commands a developer
# runs), so that a tier that finds no test file fails ("No tests found", exit 1) instead of passing
# behind the others in a shared call; the first tier that fails stops the run. Extra arguments go to
# every tier (options such as --maxWorkers=1 or -t <name>); a path filter leaves the other tiers empty
# and they fail, so run one file with `npm run test:<tier> -- <path>`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
for arg in "$@"; do
  case "$arg" in
    --passWithNoTests* | --pass-with-no-tests*) die "$arg would let a tier without test files pass: it is not accepted here." ;;
  esac
done
trap stop_kafka_if_started EXIT
install_dependencies
ensure_postgres
ensure_redis
start_kafka
ensure_chromium
ensure_kcat
ensure_prometheus
build
say "type-checking"
npm run --silent typecheck
say "linting"
npm run --silent lint
say "checking the alerting rules (promtool)"
check_alert_rules

run_tier() {
  local script=$1 what=$2
  shift 2
  say "running the $what"
  npm run --silent "$script" -- "$@" || die "$script failed (a failing test, or no test file found); later tiers were not run."
}
run_tier test:unit "unit tests" "$@"
run_tier test:int "integration tests (real Postgres, Redis, Kafka)" "$@"
run_tier test:e2e "e2e tests (the built apps)" "$@"
run_tier test:contracts "conformance tier (the published documents: Spectral, Prism, the AsyncAPI parser, ajv, kcat, generated clients, examples)" "$@"
run_tier test:browser "browser tests (Chromium against the built apps)" "$@"
run_tier test:faults "fault suite (crashes, outages, hostile input)" "$@"
