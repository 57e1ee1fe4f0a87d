#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft: broker + controller in one JVM) without
# Docker: the jars come from Maven Central through infra/kafka/pom.xml, the JVM is the machine's
# Java 17. See docs/kafka.md.
#
# Authenticated by default: the client listener speaks SASL/SCRAM-SHA-512 with the principals of
# dev-principals.properties (created when the storage is formatted), the StandardAuthorizer refuses
# whatever an ACL does not allow, and only `admin` is a super user. The ACLs of the service's topics
# are granted by `overload-credit kafka:acls` (docs/kafka.md). KAFKA_AUTH=none is the development
# flag for an open PLAINTEXT listener without authorisation (its own data directory).
#
#   infra/kafka/kafka.sh start    reuse a broker answering on KAFKA_HOST:KAFKA_PORT, else start one
#   infra/kafka/kafka.sh stop     stop the broker this script started (SIGTERM, then SIGKILL)
#   infra/kafka/kafka.sh status   exit 0 if a broker answers on KAFKA_HOST:KAFKA_PORT, else 1
#   infra/kafka/kafka.sh reset    stop + delete its data (a clean slate)
#   infra/kafka/kafka.sh logs     print the tail of its log
#   infra/kafka/kafka.sh user NAME PASSWORD   create a SCRAM-SHA-512 principal or set its password
#
# Environment (all optional):
#   KAFKA_VERSION          3.9 (default: 3.9.2) | 4 (4.x default below) | a full X.Y.Z (3.9.x or 4.x)
#   KAFKA_PORT             client listener port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener port (default KAFKA_PORT + 1)
#   KAFKA_HOST             listen/advertised address (default 127.0.0.1)
#   KAFKA_AUTH             sasl (default) | none (open PLAINTEXT listener: development only)
#   KAFKA_PRINCIPALS_FILE  name=password lines of the principals to create at format time
#                          (default: dev-principals.properties beside this script)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default 90)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 30)
#   KAFKA_HEAP_OPTS        default "-Xms128m -Xmx512m"
#   KAFKA_JVM_OPTS         extra JVM options
#   KAFKA_WORK_DIR         default <this dir>/.work
#   JAVA_HOME / JAVA       the java to run (default: $JAVA_HOME/bin/java, else java on PATH)
#   MVN                    the maven to run (default: mvn)
set -euo pipefail

readonly DEFAULT_KAFKA3_VERSION=3.9.2
readonly DEFAULT_KAFKA4_VERSION=4.4.0

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
readonly SCRIPT_DIR
readonly POM="$SCRIPT_DIR/pom.xml"
WORK_ROOT="${KAFKA_WORK_DIR:-$SCRIPT_DIR/.work}"

HOST="${KAFKA_HOST:-127.0.0.1}"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
MVN="${MVN:-mvn}"
AUTH="${KAFKA_AUTH:-sasl}"
PRINCIPALS_FILE="${KAFKA_PRINCIPALS_FILE:-$SCRIPT_DIR/dev-principals.properties}"
if [[ -n "${JAVA:-}" ]]; then JAVA_BIN="$JAVA"
elif [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then JAVA_BIN="$JAVA_HOME/bin/java"
else JAVA_BIN=java
fi

log() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ && "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] || die "KAFKA_PORT/KAFKA_CONTROLLER_PORT must be numbers"
[[ "$PORT" != "$CONTROLLER_PORT" ]] || die "KAFKA_CONTROLLER_PORT must differ from KAFKA_PORT"
[[ "$AUTH" == sasl || "$AUTH" == none ]] || die "KAFKA_AUTH='$AUTH': use sasl (the default) or none"
[[ "$START_TIMEOUT" =~ ^[0-9]+$ && "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] || die "KAFKA_START_TIMEOUT/KAFKA_STOP_TIMEOUT must be whole seconds"

# ---------------------------------------------------------------------------------------------
# Version: 3.9.x (project default, reload4j logging) or 4.x (log4j2 logging).
case "${KAFKA_VERSION:-3.9}" in
  3 | 3.9 | 3.9.x) VERSION=$DEFAULT_KAFKA3_VERSION ;;
  4 | 4.x) VERSION=$DEFAULT_KAFKA4_VERSION ;;
  [0-9]*.[0-9]*.[0-9]*) VERSION="$KAFKA_VERSION" ;;
  *) die "KAFKA_VERSION='${KAFKA_VERSION}': use 3.9, 4, or a full version such as 3.9.2 / 4.1.2" ;;
esac
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "bad KAFKA_VERSION '$VERSION'"
MAJOR="${VERSION%%.*}"
case "$MAJOR" in
  3) [[ "$VERSION" == 3.9.* ]] || die "only 3.9.x of the 3 line is supported (KRaft without ZooKeeper config quirks), got $VERSION" ;;
  4) ;;
  *) die "unsupported Kafka major version in '$VERSION' (3.9.x or 4.x)" ;;
esac

readonly VERSION_DIR="$WORK_ROOT/$VERSION"
readonly LIBS_DIR="$VERSION_DIR/libs"
readonly LIBS_DONE="$LIBS_DIR/.complete"
readonly LOG_DIR="$VERSION_DIR/logs"
# An open broker and an authenticated one never share a data directory: the SCRAM credentials are
# written into the metadata log when the storage is formatted.
if [[ "$AUTH" == sasl ]]; then readonly DATA_DIR="$VERSION_DIR/data/$PORT-sasl"
else readonly DATA_DIR="$VERSION_DIR/data/$PORT"
fi
readonly CONF_DIR="$VERSION_DIR/conf/$PORT"
readonly RUN_DIR="$VERSION_DIR/run"
readonly PID_FILE="$RUN_DIR/kafka-$PORT.pid"
readonly LOCK_FILE="$RUN_DIR/kafka-$PORT.lock"
readonly SERVER_LOG="$LOG_DIR/kafka-$PORT.log"
readonly STDOUT_LOG="$LOG_DIR/kafka-$PORT.out"
readonly SERVER_PROPS="$CONF_DIR/server.properties"

# ---------------------------------------------------------------------------------------------
# Probe: speaks the Kafka protocol with bash's /dev/tcp, no JVM needed. Sends a Metadata v4
# request (supported by 3.9 and 4.x) and succeeds only when the answer carries our correlation id
# and lists at least one broker, i.e. the broker is up, unfenced and serving requests.
#   returns 0: a Kafka broker answers; 1: nothing listens; 2: something listens but no good answer
plaintext_probe() {
  local host="$1" port="$2" out
  # 20-byte request: api_key=3 (Metadata), api_version=4, correlation_id=0x4b41 ("KA"),
  # client_id="probe", topics=null (-1), allow_auto_topic_creation=false.
  out="$(timeout 3 bash -c '
      exec 3<>"/dev/tcp/$0/$1" || exit 11
      printf "\x00\x00\x00\x14\x00\x03\x00\x04\x00\x00\x4b\x41\x00\x05probe\xff\xff\xff\xff\x00" >&3
      head -c 16 <&3 | od -An -tu1 -v
    ' "$host" "$port" 2>/dev/null)" || { [[ $? -eq 11 ]] && return 1; return 2; }
  # response: int32 size, int32 correlation_id, int32 throttle_time_ms, int32 brokers count
  local -a b
  read -r -a b <<<"$(echo $out)"
  [[ ${#b[@]} -ge 16 ]] || return 2
  [[ "${b[4]} ${b[5]} ${b[6]} ${b[7]}" == "0 0 75 65" ]] || return 2
  local brokers=$(( (b[12] << 24) | (b[13] << 16) | (b[14] << 8) | b[15] ))
  (( brokers >= 1 && brokers < 1000 )) || return 2
  return 0
}

# The password of a principal in PRINCIPALS_FILE (name=password lines, # comments).
principal_password() {
  [[ -r "$PRINCIPALS_FILE" ]] || die "KAFKA_PRINCIPALS_FILE $PRINCIPALS_FILE is not readable"
  local value
  value="$(sed -n "s/^$1=//p" "$PRINCIPALS_FILE" | head -n 1)"
  [[ -n "$value" ]] || die "$PRINCIPALS_FILE has no password for the principal '$1'"
  printf '%s' "$value"
}

# The same answer as plaintext_probe, for an authenticated listener: probe.js logs in as admin with
# SCRAM-SHA-512 first (3: the broker refused the credentials).
kafka_probe() {
  if [[ "$AUTH" == none ]]; then plaintext_probe "$@"; return; fi
  command -v node >/dev/null 2>&1 || die "node is needed to probe an authenticated broker (infra/kafka/probe.js)"
  node "$SCRIPT_DIR/probe.js" "$1" "$2" admin "$(principal_password admin)"
}

port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# pid of the broker this script started for this port, if it is still alive (empty otherwise)
our_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] &&
     tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$SERVER_PROPS"; then
    echo "$pid"
  fi
}

readonly START_MARK="===== kafka.sh start"
print_log_tail() {
  if [[ -s "$STDOUT_LOG" ]]; then
    printf -- '----- tail of %s -----\n' "$STDOUT_LOG" >&2
    tail -n 20 "$STDOUT_LOG" >&2
  fi
  if [[ -s "$SERVER_LOG" ]]; then
    # only what this start logged: the lines after our last start mark
    printf -- '----- tail of %s (this start) -----\n' "$SERVER_LOG" >&2
    awk -v m="$START_MARK" 'index($0, m) == 1 { n = 0; delete l; next } { l[++n] = $0 }
      END { for (i = (n > 40 ? n - 39 : 1); i <= n; i++) print l[i] }' "$SERVER_LOG" >&2
  fi
}

with_lock() {
  mkdir -p "$RUN_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w $((START_TIMEOUT + 600)) 9 || die "could not take the lock $LOCK_FILE"
  fi
}

# ---------------------------------------------------------------------------------------------
resolve_jars() {
  [[ -f "$LIBS_DONE" ]] && return 0
  command -v "$MVN" >/dev/null 2>&1 || die "Maven ('$MVN') is needed to fetch the Kafka jars; install it (apt-get install maven)"
  log "resolving Kafka $VERSION jars from Maven Central into ${LIBS_DIR#"$SCRIPT_DIR"/} (first run only)"
  rm -rf "$LIBS_DIR"
  local tmp="$VERSION_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$VERSION_DIR"
  if ! "$MVN" -q -B -f "$POM" dependency:copy-dependencies \
        "-Dkafka.line=$MAJOR" "-Dkafka.version=$VERSION" "-DoutputDirectory=$tmp" >"$VERSION_DIR/mvn.log" 2>&1; then
    tail -n 30 "$VERSION_DIR/mvn.log" >&2
    rm -rf "$tmp"
    die "Maven could not resolve Kafka $VERSION (full output: $VERSION_DIR/mvn.log)"
  fi
  [[ -f "$tmp/kafka_2.13-$VERSION.jar" ]] || die "Maven ran but kafka_2.13-$VERSION.jar is missing in $tmp"
  mv "$tmp" "$LIBS_DIR"
  date -u +%FT%TZ >"$LIBS_DONE"
  rm -f "$VERSION_DIR/mvn.log"
}

cluster_id() {
  # A Kafka Uuid (16 bytes, base64url without padding, 22 chars), derived from the version, port
  # and data dir rather than random: should two formats ever race (the lock file deleted under a
  # waiting start, say), they agree, and --ignore-formatted makes the second one a no-op.
  local hex id
  hex="$(printf 'overload-credit:%s:%s:%s' "$VERSION" "$PORT" "$DATA_DIR" | md5sum | cut -c1-32)"
  # shellcheck disable=SC2059 # the format is the bytes themselves, as \xNN escapes
  id="$(printf "$(sed 's/../\\x&/g' <<<"$hex")" | base64 | tr '+/' '-_' | tr -d '=\n')"
  [[ ${#id} -eq 22 ]] || die "could not derive a cluster id (got '$id')"
  [[ "$id" == -* ]] && id="K${id:1}" # Kafka's own ids never start with '-'
  echo "$id"
}

# The listeners: SASL/SCRAM-SHA-512 for clients and between brokers, SASL/PLAIN for the controller
# (KRaft cannot check SCRAM there: the credentials live in the metadata it serves), every request
# authorised by the StandardAuthorizer with `admin` the only super user; or, with KAFKA_AUTH=none,
# PLAINTEXT everywhere and no authoriser.
listener_config() {
  if [[ "$AUTH" == none ]]; then
    cat <<EOF
# KAFKA_AUTH=none: an open listener, development only.
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
EOF
    return
  fi
  local admin
  admin="$(principal_password admin)"
  cat <<EOF
listeners=CLIENT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=CLIENT://$HOST:$PORT
inter.broker.listener.name=CLIENT
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin" user_admin="$admin";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
EOF
}

write_config() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR"
  cat >"$SERVER_PROPS" <<EOF
# Generated by infra/kafka/kafka.sh on each start; edit the script, not this file.
# Single-node KRaft: one JVM is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
log.dirs=$DATA_DIR
$(listener_config)

# One node: every internal topic has a single replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
default.replication.factor=1
min.insync.replicas=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# The service creates its topics itself (SPEC §5); never rely on auto-creation.
auto.create.topics.enable=false
num.partitions=1
delete.topic.enable=true
# Tests join groups constantly: do not wait 3 s for more members.
group.initial.rebalance.delay.ms=0

# Small machine (2 cores shared with Postgres, Redis, Node).
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.retention.hours=48
log.segment.bytes=104857600
EOF

  if [[ "$MAJOR" == 3 ]]; then
    cat >"$CONF_DIR/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$SERVER_LOG
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.network.RequestChannel\$=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
  else
    cat >"$CONF_DIR/log4j2.properties" <<EOF
status = warn
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $SERVER_LOG
appender.file.filePattern = $SERVER_LOG.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
EOF
  fi
}

# JVM_ARGS: the options every JVM of ours gets (logging config, GC), without heap and classpath.
jvm_args() {
  JVM_ARGS=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true "-Dkafka.logs.dir=$LOG_DIR")
  if [[ "$MAJOR" == 3 ]]; then JVM_ARGS+=("-Dlog4j.configuration=file:$CONF_DIR/log4j.properties")
  else JVM_ARGS+=("-Dlog4j2.configurationFile=$CONF_DIR/log4j2.properties")
  fi
  # shellcheck disable=SC2206 # KAFKA_JVM_OPTS is deliberately word-split
  JVM_ARGS+=(${KAFKA_JVM_OPTS:-})
}

format_storage() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  local cid out
  cid="$(cluster_id)"
  jvm_args
  # SASL: every principal of PRINCIPALS_FILE gets its SCRAM-SHA-512 credential in the bootstrap
  # metadata, so that the broker (admin) and the apps can log in from the first start.
  local -a scram=()
  if [[ "$AUTH" == sasl ]]; then
    local name
    while IFS= read -r name; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=$name,password=$(principal_password "$name")]")
    done < <(sed -n 's/^\([A-Za-z0-9._-]*\)=.*/\1/p' "$PRINCIPALS_FILE")
    [[ ${#scram[@]} -gt 0 ]] || die "$PRINCIPALS_FILE names no principal"
  fi
  if ! out="$("$JAVA_BIN" -Xmx256m "${JVM_ARGS[@]}" -cp "$LIBS_DIR/*" kafka.tools.StorageTool format -t "$cid" -c "$SERVER_PROPS" --ignore-formatted "${scram[@]}" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "formatting the KRaft storage in $DATA_DIR failed"
  fi
  [[ -f "$DATA_DIR/meta.properties" ]] || { printf '%s\n' "$out" >&2; die "storage format left no meta.properties in $DATA_DIR"; }
}

wait_until_ready() { # wait_until_ready <pid> <deadline epoch>
  local pid="$1" deadline="$2" rc
  while :; do
    if kafka_probe "$HOST" "$PORT"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      print_log_tail
      die "Kafka $VERSION (pid $pid) exited during start-up; logs: $LOG_DIR"
    fi
    if (( $(date +%s) >= deadline )); then
      print_log_tail
      die "Kafka $VERSION (pid $pid) did not answer on $HOST:$PORT within ${START_TIMEOUT}s; it is left running (stop it: $0 stop); logs: $LOG_DIR"
    fi
    sleep 0.5
  done
}

cmd_start() {
  local started
  started=$(date +%s)
  # Fast path, no lock: a broker already answers (ours, another engineer's, a container...).
  if kafka_probe "$HOST" "$PORT"; then
    log "reusing the Kafka broker already answering on $HOST:$PORT"
    return 0
  fi
  with_lock
  local deadline=$(( $(date +%s) + START_TIMEOUT ))
  local pid
  pid="$(our_pid)"
  if [[ -n "$pid" ]]; then
    # Ours and alive (possibly still starting, e.g. a concurrent start): wait for it.
    wait_until_ready "$pid" "$deadline"
    log "Kafka $VERSION is up on $HOST:$PORT (pid $pid, already running)"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_open "$HOST" "$PORT"; then
    # Something listens but does not (yet) answer as a broker: give it a short while.
    local until=$(( $(date +%s) + 15 ))
    while (( $(date +%s) < until )); do
      sleep 1
      if kafka_probe "$HOST" "$PORT"; then log "reusing the Kafka broker on $HOST:$PORT"; return 0; fi
    done
    if [[ "$AUTH" == sasl ]] && plaintext_probe "$HOST" "$PORT"; then
      die "an open (PLAINTEXT) Kafka broker answers on $HOST:$PORT, not an authenticated one: stop it (KAFKA_AUTH=none $0 stop), or run with KAFKA_AUTH=none"
    fi
    die "$HOST:$PORT is taken by something that does not answer as a Kafka broker with our credentials; free it or set KAFKA_PORT"
  fi
  if port_open "$HOST" "$CONTROLLER_PORT"; then
    die "controller port $HOST:$CONTROLLER_PORT is taken; free it or set KAFKA_CONTROLLER_PORT"
  fi
  command -v "$JAVA_BIN" >/dev/null 2>&1 || die "java ('$JAVA_BIN') not found; Kafka needs Java 17 (apt-get install openjdk-17-jre-headless)"
  local jv need=11
  [[ "$MAJOR" == 4 ]] && need=17
  jv="$("$JAVA_BIN" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ "${jv%%.*}" =~ ^[0-9]+$ && "${jv%%.*}" -ge $need ]] || die "Kafka $VERSION needs Java $need or newer; '$JAVA_BIN' is Java ${jv:-unknown} (set JAVA_HOME)"

  resolve_jars
  write_config
  format_storage

  : >"$STDOUT_LOG"
  echo "$START_MARK $(date -u +%FT%TZ) Kafka $VERSION on $HOST:$PORT" >>"$SERVER_LOG"
  jvm_args
  # setsid: own session, so the broker outlives the calling shell/terminal; every fd redirected
  # so that callers capturing our output do not wait for the broker; fd 9 (our lock) closed, or
  # the broker would hold the lock for its whole life.
  # shellcheck disable=SC2086 # HEAP_OPTS is deliberately word-split
  nohup setsid "$JAVA_BIN" $HEAP_OPTS -XX:+ExitOnOutOfMemoryError "${JVM_ARGS[@]}" \
    -cp "$LIBS_DIR/*" kafka.Kafka "$SERVER_PROPS" </dev/null >>"$STDOUT_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_until_ready "$pid" "$deadline"
  log "Kafka $VERSION is up on $HOST:$PORT (pid $pid, $(( $(date +%s) - started ))s; logs: ${LOG_DIR#"$SCRIPT_DIR"/})"
}

cmd_stop() {
  with_lock
  local pid
  pid="$(our_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE"
    if kafka_probe "$HOST" "$PORT"; then
      log "a broker answers on $HOST:$PORT but this script did not start it (Kafka $VERSION, ${WORK_ROOT}); left alone"
    else
      log "Kafka $VERSION on $HOST:$PORT is not running"
    fi
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( $(date +%s) + STOP_TIMEOUT ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(date +%s) >= deadline )); then
      log "pid $pid still alive ${STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.3
  done
  rm -f "$PID_FILE"
  log "Kafka $VERSION on $HOST:$PORT stopped (pid $pid)"
}

cmd_status() {
  local pid
  pid="$(our_pid)"
  if kafka_probe "$HOST" "$PORT"; then
    if [[ -n "$pid" ]]; then echo "running: Kafka $VERSION on $HOST:$PORT (pid $pid, logs: $LOG_DIR)"
    else echo "running: a Kafka broker answers on $HOST:$PORT (not started by this script for Kafka $VERSION)"
    fi
    return 0
  fi
  if [[ -n "$pid" ]]; then echo "not running: pid $pid is alive but $HOST:$PORT does not answer yet (starting or stuck; logs: $LOG_DIR)"
  else echo "not running: nothing answers on $HOST:$PORT"
  fi
  return 1
}

cmd_reset() {
  cmd_stop
  rm -rf "$DATA_DIR" "$CONF_DIR"
  log "deleted the data of Kafka $VERSION on port $PORT (${DATA_DIR#"$SCRIPT_DIR"/})"
}

# Creates a SCRAM-SHA-512 principal on the running broker, or replaces its password (rotation): the
# broker's own ConfigCommand as admin. Connections already authenticated keep working until they
# reconnect; new ones need the new password (docs/kafka.md).
cmd_user() {
  local name="${1:-}" password="${2:-}"
  [[ "$AUTH" == sasl ]] || die "KAFKA_AUTH=none: an open broker has no principals"
  [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "usage: $0 user NAME PASSWORD (NAME: letters, digits, '.', '_', '-')"
  [[ ${#password} -ge 12 ]] || die "the password of '$name' must have at least 12 characters"
  [[ "$password" != *[,\]\"=]* ]] || die "the password of '$name' must not contain ',', ']', '\"' or '='"
  resolve_jars
  local client="$RUN_DIR/admin-client.properties" class=kafka.admin.ConfigCommand
  [[ "$MAJOR" == 4 ]] && class=org.apache.kafka.tools.ConfigCommand
  mkdir -p "$RUN_DIR"
  (umask 077 && cat >"$client" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(principal_password admin)";
EOF
  )
  jvm_args
  "$JAVA_BIN" -Xmx256m "${JVM_ARGS[@]}" -cp "$LIBS_DIR/*" "$class" --bootstrap-server "$HOST:$PORT" \
    --command-config "$client" --alter --entity-type users --entity-name "$name" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]"
  log "principal '$name' has its SCRAM-SHA-512 password on $HOST:$PORT"
}

cmd_logs() {
  if [[ -f "$SERVER_LOG" ]]; then tail -n "${1:-100}" "$SERVER_LOG"; else echo "no log yet: $SERVER_LOG"; fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  logs) shift; cmd_logs "$@" ;;
  user) shift; cmd_user "$@" ;;
  *) echo "usage: $0 start|stop|status|reset|logs [n]|user NAME PASSWORD   (env: KAFKA_VERSION, KAFKA_PORT, ... see header)" >&2; exit 2 ;;
esac
