#!/usr/bin/env bash
# End-to-end benchmark: a real Kafka broker process, exactly once, produce -> committed score.
#
#   benchmarks/e2e/latency.sh    # about 10 minutes on the 2-core machine once built; prints the tables
#
# For each checkpoint interval (1000 ms, then 200 ms) it starts `./contrastream run` (an
# in-process Flink MiniCluster, exactly-once Kafka sinks: scores become visible to a
# read_committed consumer when the checkpoint covering them completes), then
#   warmup     E2E_WARMUP events, waited for until scored (JIT, topic metadata, first checkpoint;
#              the job's JVM takes some 10,000s of events to compile its Kafka, Avro and network
#              paths: after 1,000 it still ran at a fifth of its later rate);
#   throughput E2E_TPUT_EVENTS events produced as fast as possible: pairs/s = events / (last
#              committed score - first produce);
#   latency    E2E_LAT_EVENTS events at E2E_LAT_RATE/s (below saturation): p50 / p99 of
#              (score's arrival at a read_committed consumer - the event's send time).
# Then the same three phases, with the same events (same seed), through the PyTorch peer
# (e2e_bench.py peer): a plain Python consumer that decodes each event with the example's Avro
# codec, scores it and takes one SGD step with torch.nn.Linear(64, 32) (torch.set_num_threads(1)),
# and produces an Avro PairScore; once without transactions (at-least-once), once committing
# scores and input offsets in a Kafka transaction every 1000 ms. Neither checkpoints its models.
# Workload: linear 64->32, 4 models, 64 features per item, every pair labelled, SGD lr 3e-4,
# Euclidean contrastive loss, margin 2; input topics of 2 partitions keyed by model.
# The driver (produce + collect) and the broker run on the same machine as the system measured.
# Not run by CI. Everything binds 127.0.0.1; every process is stopped by PID on exit.
#
# Environment (all optional):
#   E2E_INTERVALS="1000 200"  checkpoint intervals (ms) of the Contrastream runs
#   E2E_TPUT_EVENTS=60000     events of the throughput phase
#   E2E_LAT_EVENTS=3000       events of the latency phase
#   E2E_LAT_RATE=100          events/s offered in the latency phase
#   E2E_WARMUP=20000          warm-up events (as fast as possible, not reported)
#   E2E_PARALLELISM=1         parallelism of the job
#   E2E_PEER_MODES="0 1000"   PyTorch peer runs: 0 = plain producer, auto-committed offsets
#                             (at-least-once); N = scores and input offsets in one Kafka
#                             transaction every N ms (read_committed); "" = no peer
#   E2E_KEEP_RUN_DIR=1        keep the run directory (logs, results.jsonl)
#   E2E_JOB_JAVA_OPTS=...     extra JVM flags for the job (e.g. a JFR recording to profile it)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
E2E="$ROOT/e2e"
KAFKA_LIB="$E2E/target/kafka-lib"
PY=/usr/bin/python3 # Debian's: python3-torch, -avro, -confluent-kafka, -numpy are Debian packages
INTERVALS="${E2E_INTERVALS:-1000 200}"
TPUT_EVENTS="${E2E_TPUT_EVENTS:-60000}"
LAT_EVENTS="${E2E_LAT_EVENTS:-3000}"
LAT_RATE="${E2E_LAT_RATE:-100}"
WARMUP="${E2E_WARMUP:-20000}"
PARALLELISM="${E2E_PARALLELISM:-1}"
PEER_MODES="${E2E_PEER_MODES-0 1000}"

T0=$(date +%s)
log() { printf '[%3ds] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

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

stop_last() { # stops the most recently started process and forgets it
  stop_pid "${PIDS[-1]}" "${NAMES[-1]}"
  log "stopped ${NAMES[-1]} (pid ${PIDS[-1]})"
  unset 'PIDS[-1]' 'NAMES[-1]'
}

on_exit() {
  local rc=$? i
  trap - EXIT INT TERM
  set +e
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}" "${NAMES[$i]}"; done
  for i in "${!PIDS[@]}"; do
    ps -p "${PIDS[$i]}" >/dev/null 2>&1 && { log "ERROR: ${NAMES[$i]} (pid ${PIDS[$i]}) still running"; rc=1; }
  done
  if [ "$rc" -eq 0 ] && [ "$RESULT" = DONE ]; then
    if [ -n "$RUN" ] && [ -z "${E2E_KEEP_RUN_DIR:-}" ]; then rm -rf "$RUN"; fi
    log "done"
  else
    [ "$rc" -eq 0 ] && rc=1
    echo "FAILED (exit $rc); logs kept in $RUN/logs"
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT TERM

start() { # start NAME LOGFILE COMMAND...
  local name="$1" out="$2"
  shift 2
  "$@" >"$out" 2>&1 </dev/null &
  PIDS+=("$!")
  NAMES+=("$name")
  log "started $name: pid $!, log $out"
}

wait_for() { # wait_for SECONDS WHAT COMMAND...
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

free_ports() {
  "$PY" - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# ---------------------------------------------------------------------------------------------
"$PY" -c 'import torch, numpy, avro.io, confluent_kafka' 2>/dev/null ||
  die "Debian's python3-torch python3-numpy python3-avro python3-confluent-kafka are needed: sudo apt-get install -y them"
(cd "$ROOT" && ./contrastream run --help >/dev/null) || die "./contrastream could not be built"
if [ ! -f "$KAFKA_LIB/.complete" ] || [ "$E2E/pom.xml" -nt "$KAFKA_LIB/.complete" ]; then
  log "copying the kafka jars from Maven Central to $KAFKA_LIB"
  rm -rf "$KAFKA_LIB"
  mvn -B -q -f "$E2E/pom.xml" -P kafka dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIB" || die "could not fetch the kafka jars"
  touch "$KAFKA_LIB/.complete"
fi

mkdir -p "$ROOT/benchmarks/target"
RUN="$(mktemp -d "$ROOT/benchmarks/target/e2e-XXXXXX")"
mkdir -p "$RUN/logs" "$RUN/kafka-data" "$RUN/tmp"
RESULTS="$RUN/results.jsonl"
log "run directory $RUN"
log "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
read -r BROKER_PORT CONTROLLER_PORT <<<"$(free_ports 2)"
BOOTSTRAP="127.0.0.1:$BROKER_PORT"

# Kafka broker (KRaft, broker + controller in one process), as e2e/python-producer.sh starts it.
KAFKA_JAVA=(java -Xms512m -Xmx512m -Djava.io.tmpdir="$RUN/tmp"
  -Dlog4j2.configurationFile="$E2E/conf/log4j2-kafka.properties" -cp "$KAFKA_LIB/*")
sed -e "s|@BROKER_PORT@|$BROKER_PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
  -e "s|@DATA_DIR@|$RUN/kafka-data|g" "$E2E/conf/server.properties.template" >"$RUN/server.properties"
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
wait_for 90 "the Kafka broker on $BOOTSTRAP" \
  bash -c "grep -q 'Kafka Server started' '$RUN/logs/kafka.log' && (exec 3<>/dev/tcp/127.0.0.1/$BROKER_PORT)"
log "Kafka broker ready on $BOOTSTRAP"

TOPICS=()
for tx in $PEER_MODES; do
  TOPICS+=("pairs-py$tx" "scores-py$tx")
done
for ci in $INTERVALS; do
  TOPICS+=("pairs-ci$ci" "scores-ci$ci" "metrics-ci$ci" "alerts-ci$ci" "dlq-ci$ci")
done
"$PY" "$HERE/e2e_bench.py" topics --bootstrap-servers "$BOOTSTRAP" "${TOPICS[@]}" || die "could not create the topics"
log "topics created (2 partitions each): ${TOPICS[*]}"

phases() { # phases SYSTEM INTERVAL INPUT SCORES
  local common=(--bootstrap-servers "$BOOTSTRAP" --system "$1" --interval "$2" --input "$3" --scores "$4"
    --work-dir "$RUN" --results "$RESULTS")
  log "$1 $2: warm-up, $WARMUP events"
  "$PY" "$HERE/e2e_bench.py" drive "${common[@]}" --phase warmup --events "$WARMUP" --timeout 300 ||
    die "warm-up of $1 $2 failed; see $RUN/logs"
  log "$1 $2: throughput, $TPUT_EVENTS events as fast as possible"
  "$PY" "$HERE/e2e_bench.py" drive "${common[@]}" --phase throughput --events "$TPUT_EVENTS" --timeout 600 ||
    log "WARNING: throughput phase of $1 $2 incomplete"
  log "$1 $2: latency, $LAT_EVENTS events at $LAT_RATE/s"
  "$PY" "$HERE/e2e_bench.py" drive "${common[@]}" --phase latency --events "$LAT_EVENTS" --rate "$LAT_RATE" \
    --timeout 120 || log "WARNING: latency phase of $1 $2 incomplete"
}

for ci in $INTERVALS; do
  JOB_ARGS=(run --bootstrap-servers "$BOOTSTRAP" --format avro --parallelism "$PARALLELISM"
    --checkpoint-interval "$ci" --checkpoint-dir "file://$RUN/checkpoints-ci$ci" --job-name "e2e-bench-ci$ci"
    --group-id "e2e-bench-ci$ci" --input-topic "pairs-ci$ci" --scores-topic "scores-ci$ci"
    --metrics-topic "metrics-ci$ci" --alerts-topic "alerts-ci$ci" --dead-letter-topic "dlq-ci$ci"
    --encoder linear --embedding-dim 32 --loss euclidean --margin 2.0 --optimizer sgd --learning-rate 3e-4 --standardize none)
  log "running: ./contrastream ${JOB_ARGS[*]}"
  start "job-ci$ci" "$RUN/logs/job-ci$ci.out" env CONTRASTREAM_JAVA_OPTS="-Xmx1g -Djava.io.tmpdir=$RUN/tmp ${E2E_JOB_JAVA_OPTS:-}" \
    "$ROOT/contrastream" "${JOB_ARGS[@]}"
  phases contrastream "$ci" "pairs-ci$ci" "scores-ci$ci"
  stop_last
done

for tx in $PEER_MODES; do
  start "pytorch-peer-$tx" "$RUN/logs/peer-$tx.out" env OPENBLAS_CORETYPE=SkylakeX \
    "$PY" "$HERE/e2e_bench.py" peer --bootstrap-servers "$BOOTSTRAP" --input "pairs-py$tx" \
    --output "scores-py$tx" --group "pytorch-peer-$tx" --commit-interval-ms "$tx"
  phases pytorch "$tx" "pairs-py$tx" "scores-py$tx"
  stop_last
done

echo
echo "Contrastream end to end, $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores,"
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); job parallelism $PARALLELISM; torch threads 1"
"$PY" "$HERE/e2e_bench.py" table "$RESULTS" || log "WARNING: some phase lost or duplicated scores"
cp "$RESULTS" "$ROOT/benchmarks/target/e2e-last-results.jsonl"
RESULT=DONE
