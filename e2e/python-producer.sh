#!/usr/bin/env bash
# The Python producer example (examples/python) against a real Kafka broker process and the job:
# Python writes Avro pair events, `./contrastream run --stop-at-latest` consumes them in a local
# Flink and exits, Python reads scores, alerts, metrics and dead letters back (read_committed) and
# checks that every event it wrote was scored exactly once. Everything binds 127.0.0.1.
#
#   e2e/python-producer.sh        # about a minute once built; exit 0 and PASS, or non-zero and FAIL
#
# Environment (all optional):
#   E2E_PY_EVENTS=1200     pair events the Python example writes
#   E2E_JOB_TIMEOUT=180    seconds the job may take to finish
#   E2E_KEEP_RUN_DIR=1     keep the run directory (logs, ids) even on success
set -euo pipefail

E2E="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$E2E")"
EXAMPLE="$ROOT/examples/python"
EVENTS="${E2E_PY_EVENTS:-1200}"
JOB_TIMEOUT="${E2E_JOB_TIMEOUT:-180}"
KAFKA_LIB="$E2E/target/kafka-lib"
PY=/usr/bin/python3 # Debian's: python3-avro and python3-confluent-kafka are Debian packages

T0=$(date +%s)
log() { printf '[%3ds] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

# Every process started here is recorded and stopped by PID on exit, success or not.
PIDS=()
NAMES=()
RUN=""
RESULT="FAIL"

stop_pid() { # stop_pid PID NAME: SIGTERM, up to 30 s, then SIGKILL; reaps it
  local pid="$1" name="$2" deadline
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$(($(date +%s) + 30))
    while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) did not stop within 30 s of SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

on_exit() {
  local rc=$? left=() i
  trap - EXIT INT TERM
  set +e
  if [ ${#PIDS[@]} -gt 0 ]; then
    log "stopping: $(for i in "${!PIDS[@]}"; do printf '%s=%s ' "${NAMES[$i]}" "${PIDS[$i]}"; done)"
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}" "${NAMES[$i]}"; done
    for i in "${!PIDS[@]}"; do
      if ps -p "${PIDS[$i]}" >/dev/null 2>&1; then left+=("${PIDS[$i]}"); fi
    done
    if [ ${#left[@]} -gt 0 ]; then
      log "ERROR: still running after stop: ${left[*]}"
      rc=1
    else
      log "all processes stopped (checked with ps)"
    fi
  fi
  local wall=$(($(date +%s) - T0))
  if [ "$rc" -eq 0 ] && [ "$RESULT" = PASS ]; then
    if [ -n "$RUN" ] && [ -z "${E2E_KEEP_RUN_DIR:-}" ]; then rm -rf "$RUN"; fi
    echo "PASS: the Python producer example wrote $EVENTS Avro pair events to a Kafka broker process; the job scored each exactly once; wall time ${wall} s"
    [ -n "${E2E_KEEP_RUN_DIR:-}" ] && echo "run directory kept: $RUN"
  else
    [ "$rc" -eq 0 ] && rc=1
    echo "FAIL (exit $rc) after ${wall} s"
    if [ -n "$RUN" ]; then
      echo "logs kept in $RUN/logs:"
      ls -1 "$RUN/logs" 2>/dev/null | sed 's/^/  /'
    fi
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT TERM

start() { # start NAME LOGFILE COMMAND...: in the background, output to LOGFILE
  local name="$1" out="$2"
  shift 2
  "$@" >"$out" 2>&1 </dev/null &
  PIDS+=("$!")
  NAMES+=("$name")
  log "started $name: pid $!, log $out"
}

wait_for() { # wait_for SECONDS WHAT COMMAND...: polls COMMAND every half second
  local timeout="$1" what="$2" deadline i
  shift 2
  deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    for i in "${!PIDS[@]}"; do
      kill -0 "${PIDS[$i]}" 2>/dev/null || die "${NAMES[$i]} (pid ${PIDS[$i]}) exited; see $RUN/logs"
    done
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${timeout} s waiting for $what"
    sleep 0.5
  done
}

free_ports() { # N free ports of 127.0.0.1, bound at once so that they differ
  "$PY" - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

# ---------------------------------------------------------------------------------------------
log "Contrastream Python producer example: $EVENTS events, broker process, ./contrastream run"
command -v java >/dev/null || die "java not found (Java 17 needed)"
command -v mvn >/dev/null || die "mvn not found"
[ -x "$PY" ] || die "$PY not found (Debian's python3)"

# 1. Debian's Avro and Kafka client libraries for Python.
if ! "$PY" -c 'import avro.io, confluent_kafka' 2>/dev/null; then
  log "installing python3-avro and python3-confluent-kafka (apt-get)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q python3-avro python3-confluent-kafka >/dev/null 2>&1 ||
    { $SUDO apt-get update -q >/dev/null 2>&1 &&
      $SUDO apt-get install -y -q python3-avro python3-confluent-kafka >/dev/null; } ||
    die "python3-avro / python3-confluent-kafka missing and could not be installed with apt-get"
fi
log "python: $("$PY" -c 'import avro, confluent_kafka as k; print("avro", open(avro.__path__[0] + "/VERSION.txt").read().strip(), "/ confluent-kafka", k.version()[0], "/ librdkafka", k.libversion()[0])')"

# 2. The example's unit tests: its wire format against the Java side's golden files and documented
# bytes, its end-to-end check against hand-made wrong read-backs.
(cd "$EXAMPLE" && "$PY" -m unittest test_contrastream_avro test_produce_pairs 2>&1) | sed 's/^/  unittest: /' ||
  die "the example's unit tests failed"

# 3. The launcher (builds the command line when stale, in the foreground) and the broker's jars.
(cd "$ROOT" && ./contrastream run --help >/dev/null) || die "./contrastream could not be built"
if [ ! -f "$KAFKA_LIB/.complete" ] || [ "$E2E/pom.xml" -nt "$KAFKA_LIB/.complete" ]; then
  log "copying the kafka jars from Maven Central to $KAFKA_LIB"
  rm -rf "$KAFKA_LIB"
  mvn -B -q -f "$E2E/pom.xml" -P kafka dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIB" || die "could not fetch the kafka jars"
  touch "$KAFKA_LIB/.complete"
fi

mkdir -p "$E2E/target"
RUN="$(mktemp -d "$E2E/target/pyrun-XXXXXX")"
mkdir -p "$RUN/logs" "$RUN/kafka-data" "$RUN/tmp" "$RUN/checkpoints"
log "run directory $RUN"
read -r BROKER_PORT CONTROLLER_PORT <<<"$(free_ports 2)"
BOOTSTRAP="127.0.0.1:$BROKER_PORT"

# 4. Kafka broker (KRaft, broker + controller in one process), as cluster-smoke.sh starts it.
KAFKA_JAVA=(java -Xms512m -Xmx512m -Djava.io.tmpdir="$RUN/tmp"
  -Dlog4j2.configurationFile="$E2E/conf/log4j2-kafka.properties" -cp "$KAFKA_LIB/*")
sed -e "s|@BROKER_PORT@|$BROKER_PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
  -e "s|@DATA_DIR@|$RUN/kafka-data|g" "$E2E/conf/server.properties.template" >"$RUN/server.properties"
! grep -n '@[A-Z_]*@' "$RUN/server.properties" || die "unfilled placeholder in $RUN/server.properties"
# A cluster id as `StorageTool random-uuid` makes one (16 random bytes, URL-safe base64, no '-' first),
# without the cost of another JVM.
CLUSTER_ID="$("$PY" -c 'import base64, os
while True:
    u = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
    if not u.startswith("-"):
        print(u)
        break')"
"${KAFKA_JAVA[@]}" -Dlog.file="$RUN/logs/kafka-storage.log" kafka.tools.StorageTool format \
  -t "$CLUSTER_ID" -c "$RUN/server.properties" >>"$RUN/logs/kafka-storage.out" 2>&1 ||
  die "kafka storage format failed: $(cat "$RUN/logs/kafka-storage.out")"
start kafka "$RUN/logs/kafka.out" "${KAFKA_JAVA[@]}" -Dlog.file="$RUN/logs/kafka.log" \
  kafka.Kafka "$RUN/server.properties"
wait_for 60 "the Kafka broker on $BOOTSTRAP" \
  bash -c "grep -q 'Kafka Server started' '$RUN/logs/kafka.log' && (exec 3<>/dev/tcp/127.0.0.1/$BROKER_PORT)"
log "Kafka broker ready on $BOOTSTRAP"

# 5. Topics, created with the Python client's AdminClient (librdkafka), then waited for until
# the broker's metadata shows them with leaders (it lags a moment behind a creation).
TOPICS=(pairs scores metrics alerts pairs-dlq models)
"$PY" - "$BOOTSTRAP" "${TOPICS[@]}" <<'EOF' || die "could not create the topics"
import sys
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({"bootstrap.servers": sys.argv[1]})
futures = admin.create_topics([NewTopic(t, num_partitions=2, replication_factor=1) for t in sys.argv[2:]],
                              operation_timeout=30)
for topic, future in futures.items():
    future.result(timeout=60)  # raises, naming the topic, if the creation failed
EOF
topics_visible() {
  "$PY" - "$BOOTSTRAP" "${TOPICS[@]}" <<'EOF'
import sys
from confluent_kafka.admin import AdminClient
topics = AdminClient({"bootstrap.servers": sys.argv[1]}).list_topics(timeout=5).topics
ready = lambda t: t in topics and topics[t].error is None and len(topics[t].partitions) == 2 and all(
    p.leader >= 0 for p in topics[t].partitions.values())
sys.exit(0 if all(ready(t) for t in sys.argv[2:]) else 1)
EOF
}
wait_for 30 "the topics in the broker's metadata" topics_visible
log "topics created (2 partitions each, leaders elected): ${TOPICS[*]}"

# 6. The Python example writes the events.
(cd "$EXAMPLE" && "$PY" produce_pairs.py --bootstrap-servers "$BOOTSTRAP" produce --events "$EVENTS" \
  --run-id e2e --ids-out "$RUN/ids.tsv") 2>&1 | sed 's/^/  python: /' || die "the Python producer failed"
[ "$(wc -l <"$RUN/ids.tsv")" -eq "$EVENTS" ] || die "the Python producer listed $(wc -l <"$RUN/ids.tsv") events, not $EVENTS"

# 7. The job, bounded: it reads the input up to the offsets latest at its start, then finishes.
JOB_ARGS=(run --bootstrap-servers "$BOOTSTRAP" --format avro --stop-at-latest --parallelism 2
  --checkpoint-interval 1000 --checkpoint-dir "file://$RUN/checkpoints" --job-name contrastream-python-e2e
  --warmup 50 --metrics-every 200)
log "running: ./contrastream ${JOB_ARGS[*]}"
start job "$RUN/logs/job.out" env CONTRASTREAM_JAVA_OPTS="-Xmx768m -Djava.io.tmpdir=$RUN/tmp" \
  "$ROOT/contrastream" "${JOB_ARGS[@]}"
JOB_PID="${PIDS[-1]}" # the launcher execs java: the same PID
deadline=$(($(date +%s) + JOB_TIMEOUT))
: >"$RUN/logs/job-listeners.txt"
while kill -0 "$JOB_PID" 2>/dev/null; do
  kill -0 "${PIDS[0]}" 2>/dev/null || die "the Kafka broker exited; see $RUN/logs"
  [ "$(date +%s)" -lt "$deadline" ] || die "the job did not finish within ${JOB_TIMEOUT} s; see $RUN/logs/job.out"
  # The sockets the job listens on, for the loopback check below.
  if command -v ss >/dev/null; then
    ss -ltnH -p 2>/dev/null | grep "pid=$JOB_PID," | awk '{print $4}' >>"$RUN/logs/job-listeners.txt" || true
  fi
  sleep 0.5
done
job_rc=0
wait "$JOB_PID" || job_rc=$?
unset 'PIDS[-1]' 'NAMES[-1]' # reaped: nothing to stop
[ "$job_rc" -eq 0 ] || { tail -n 30 "$RUN/logs/job.out" | sed 's/^/  job: /'; die "the job exited $job_rc"; }
log "job finished (exit 0)"
# Everything binds 127.0.0.1: a listener on any other address fails the run.
WIDE="$(grep -Ev '^(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):[0-9]+$' "$RUN/logs/job-listeners.txt" | sort -u | tr '\n' ' ' || true)"
if [ -n "$WIDE" ]; then
  die "the job listened beyond 127.0.0.1: $WIDE"
elif command -v ss >/dev/null; then
  log "the job listened on 127.0.0.1 only ($(sort -u "$RUN/logs/job-listeners.txt" | wc -l) sockets seen)"
fi

# 8. The Python example reads everything back, read_committed, and checks it.
echo "---- verification (examples/python/produce_pairs.py read --check) ----"
(cd "$EXAMPLE" && "$PY" produce_pairs.py --bootstrap-servers "$BOOTSTRAP" read --ids "$RUN/ids.tsv" \
  --timeout 60 --check --min-alerts 1 --show 5) 2>&1 | sed 's/^/  /' || die "verification failed"
echo "----------------------------------------------------------------------"
RESULT=PASS
