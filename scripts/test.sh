#!/usr/bin/env bash
# The README's test command: installs what is missing, makes sure Postgres, Redis and Kafka run,
# builds, and runs every test tier (unit, integration, e2e, browser, faults) against the real services.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap stop_kafka_if_started EXIT
install_dependencies
ensure_postgres
ensure_redis
start_kafka
ensure_chromium
build
say "type-checking"
npm run --silent typecheck
say "linting"
npm run --silent lint
say "running the test suite: unit, integration, e2e, browser"
npx jest --ci --selectProjects unit integration e2e browser "$@"
say "running the fault suite (crashes, outages, hostile input)"
npx jest --ci --selectProjects faults "$@"
