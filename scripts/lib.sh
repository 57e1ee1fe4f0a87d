# Shared by scripts/up.sh and scripts/test.sh: install what is missing, bring services up.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

say() { printf '\033[1m[overload-credit]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[overload-credit] %s\033[0m\n' "$*" >&2; exit 1; }

require_node() {
  command -v node >/dev/null || die "Node.js >= 20.19 is required (not found)."
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node.js >= 20.19 is required (found $(node --version)): NestJS 12 is loaded through require(esm)."
}

# npm ci when node_modules is missing or older than the lock file.
install_dependencies() {
  require_node
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build() {
  say "building"
  npm run --silent build
}

# Java and Maven run the Kafka broker when there is no Docker engine (infra/kafka).
require_java() {
  if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      say "installing Java 17 and Maven (apt-get)"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless maven >/dev/null
    else
      die "Java 17 and Maven are needed to run Kafka without Docker (apt-get install openjdk-17-jre-headless maven)."
    fi
  fi
}

# The browser tests drive Debian's Chromium (no browser download): install it when it is missing, with a
# CJK font so that the pages (zh-CN) render and the screenshots are legible. Fails loudly: a browser
# test must never pass quietly without a browser.
CHROMIUM=/usr/bin/chromium
ensure_chromium() {
  local missing=()
  [ -x "$CHROMIUM" ] || missing+=(chromium)
  if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then missing+=(fonts-wqy-microhei); fi
  [ ${#missing[@]} -eq 0 ] && return
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "installing ${missing[*]} for the browser tests (apt-get)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
      || die "could not install ${missing[*]} with apt-get; the browser tests need $CHROMIUM (apt-get install chromium fonts-wqy-microhei)."
  else
    die "the browser tests need ${missing[*]} ($CHROMIUM and a Chinese font): apt-get install chromium fonts-wqy-microhei (as root)."
  fi
  [ -x "$CHROMIUM" ] || die "$CHROMIUM is still missing after apt-get install chromium."
  say "Chromium: $("$CHROMIUM" --version 2>/dev/null)"
}

# The conformance tier produces weighings with Debian's kcat as an outside client would (SASL/SCRAM):
# install it when it is missing, and fail loudly when it cannot be had.
ensure_kcat() {
  command -v kcat >/dev/null && return
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "installing kcat for the conformance tests (apt-get)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kcat >/dev/null; } \
      || die "could not install kcat with apt-get; the conformance tests need it (apt-get install kcat)."
  else
    die "the conformance tests need kcat: apt-get install kcat (as root)."
  fi
  command -v kcat >/dev/null || die "kcat is still missing after apt-get install kcat."
}

# The alert test (test/faults/alerting.fault-spec.ts) runs Debian's Prometheus and Alertmanager itself, on
# ports and in directories of its own. Installed when missing, like Chromium, and failing loudly; the
# packages' own services (default ports, data in /var/lib) must not run: they are installed under a
# policy-rc.d that refuses every start (Debian's mechanism, docker images ship one), then stopped and
# disabled where systemd started them anyway. A Prometheus someone runs on purpose is left alone.
PROMETHEUS=/usr/bin/prometheus
PROMTOOL=/usr/bin/promtool
ALERTMANAGER=/usr/bin/prometheus-alertmanager
ensure_prometheus() {
  local missing=() policy=/usr/sbin/policy-rc.d placed=0 installed=0 unit bin
  { [ -x "$PROMETHEUS" ] && [ -x "$PROMTOOL" ]; } || missing+=(prometheus)
  [ -x "$ALERTMANAGER" ] || missing+=(prometheus-alertmanager)
  if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
      die "the alert test needs ${missing[*]} ($PROMETHEUS, $PROMTOOL, $ALERTMANAGER): apt-get install --no-install-recommends prometheus prometheus-alertmanager (as root)."
    fi
    say "installing ${missing[*]} for the alert test (apt-get; their services are not started)"
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && placed=1; fi
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      installed=1
    fi
    if [ "$placed" = 1 ]; then rm -f "$policy"; fi
    [ "$installed" = 1 ] || die "could not install ${missing[*]} with apt-get; the alert test needs them (apt-get install prometheus prometheus-alertmanager)."
    for unit in prometheus prometheus-alertmanager; do
      if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
        systemctl disable --now "$unit" >/dev/null 2>&1 || true
      fi
    done
  fi
  for bin in "$PROMETHEUS" "$PROMTOOL" "$ALERTMANAGER"; do [ -x "$bin" ] || die "$bin is still missing after apt-get install."; done
  say "Prometheus: $("$PROMETHEUS" --version 2>&1 | head -n 1); $("$ALERTMANAGER" --version 2>&1 | head -n 1)"
}

# promtool on the shipped alerting rules and their unit tests (infra/prometheus): fails naming what is wrong.
check_alert_rules() {
  local out
  out=$("$PROMTOOL" check rules infra/prometheus/alerts.yml 2>&1) || die "promtool check rules infra/prometheus/alerts.yml failed:
$out"
  out=$("$PROMTOOL" test rules infra/prometheus/alerts.test.yml 2>&1) || die "promtool test rules infra/prometheus/alerts.test.yml failed:
$out"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# host and port of a URL like postgres://user@host:5432/db
url_host() { node -e 'const u=new URL(process.argv[1]); console.log(u.hostname)' "$1"; }
url_port() { node -e 'const u=new URL(process.argv[1]); console.log(u.port||process.argv[2])' "$1" "$2"; }

KAFKA_STARTED_HERE=0
start_kafka() {
  local brokers="${KAFKA_BROKERS:-localhost:9092}" first host port
  first="${brokers%%,*}"; host="${first%:*}"; port="${first##*:}"
  if port_open "$host" "$port"; then say "Kafka: reusing the broker on $first"; return; fi
  [ "$host" = localhost ] || [ "$host" = 127.0.0.1 ] || die "Kafka at $first is not reachable (and it is not local, so it is not started here)."
  require_java
  say "Kafka: starting a local KRaft broker on 127.0.0.1:$port (infra/kafka)"
  KAFKA_PORT="$port" bash infra/kafka/kafka.sh start
  KAFKA_STARTED_HERE=1
}
# The local broker's principals (infra/kafka/dev-principals.properties, published: this machine only).
KAFKA_DEV_PRINCIPALS="infra/kafka/dev-principals.properties"
kafka_password() { sed -n "s/^$1=//p" "${KAFKA_PRINCIPALS_FILE:-$KAFKA_DEV_PRINCIPALS}" | head -n 1; }
stop_kafka_if_started() {
  if [ "$KAFKA_STARTED_HERE" = 1 ]; then say "Kafka: stopping the broker started here"; bash infra/kafka/kafka.sh stop || true; fi
}

# Postgres and Redis: reuse what listens; start the machine's own servers when installed; else say how.
ensure_postgres() {
  local url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/overload_credit}" host port
  host=$(url_host "$url"); port=$(url_port "$url" 5432)
  port_open "$host" "$port" && return
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "PostgreSQL: starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    say "PostgreSQL: starting it with docker compose"
    docker compose -f docker/compose.yaml up -d postgres
  fi
  for _ in $(seq 1 60); do port_open "$host" "$port" && return; sleep 0.5; done
  die "PostgreSQL is not reachable at $host:$port. Start it, or set DATABASE_URL."
}
ensure_redis() {
  local url="${REDIS_URL:-redis://127.0.0.1:6379/0}" host port
  host=$(url_host "$url"); port=$(url_port "$url" 6379)
  port_open "$host" "$port" && return
  if command -v redis-server >/dev/null; then
    say "Redis: starting a local redis-server"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no >/dev/null
  elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    say "Redis: starting it with docker compose"
    docker compose -f docker/compose.yaml up -d redis
  fi
  for _ in $(seq 1 40); do port_open "$host" "$port" && return; sleep 0.5; done
  die "Redis is not reachable at $host:$port. Start it, or set REDIS_URL."
}
