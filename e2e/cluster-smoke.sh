#!/usr/bin/env bash
# Contrastream on a real cluster: the job jar (flink-job/target/contrastream-job.jar) submitted to a
# Flink session cluster of separate JVMs (one JobManager, TaskManagers of one slot each), against a
# Kafka broker in its own JVM, fed and read back by kcat (librdkafka: not this project's code).
# Everything binds 127.0.0.1. See e2e/README.md.
#
# By default (the chaos run, what CI runs) the job reads a paced feed without end, and the script
# kills one TaskManager with SIGKILL mid-stream and starts it again, then kills the broker with
# SIGKILL mid-stream and starts it again; the committed outputs must still hold every record once.
# E2E_CHAOS=0 is the plain smoke run: everything produced first, a bounded job, no failure.
#
#   e2e/cluster-smoke.sh                 # about 3 minutes; exit 0 and PASS, or non-zero and FAIL
#   E2E_CHAOS=0 e2e/cluster-smoke.sh     # about 1.5 minutes
#
# Environment (all optional):
#   E2E_CHAOS=1            1: kill and restart a TaskManager and the broker mid-stream; 0: no failure
#   E2E_EVENTS=6000|2000   records produced, chaos|smoke (7 of them refused on purpose)
#   E2E_RATE=100           records a second the chaos run feeds
#   E2E_TASKMANAGERS=2     TaskManager processes (one slot each; the job runs at parallelism 2)
#   E2E_JOB_TIMEOUT=180    seconds the job may take to finish (chaos: each wait for committed outputs)
#   E2E_SKIP_BUILD=1       use the jars already built, do not run Maven for the project
#   E2E_KEEP_RUN_DIR=1     keep the run directory (logs, data) even on success
set -euo pipefail

E2E="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$E2E")"
CHAOS="${E2E_CHAOS:-1}"
case "$CHAOS" in 0 | 1) ;; *) echo "E2E_CHAOS must be 0 or 1, not '$CHAOS'" >&2; exit 2 ;; esac
if [ "$CHAOS" = 1 ]; then EVENTS="${E2E_EVENTS:-6000}"; else EVENTS="${E2E_EVENTS:-2000}"; fi
RATE="${E2E_RATE:-100}"
TASKMANAGERS="${E2E_TASKMANAGERS:-2}"
JOB_TIMEOUT="${E2E_JOB_TIMEOUT:-180}"
PARALLELISM=2
JOB_JAR="$ROOT/flink-job/target/contrastream-job.jar"
KAFKA_LIB="$E2E/target/kafka-lib"
FLINK_LIB="$E2E/target/flink-lib"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

T0=$(date +%s)
log() { printf '[%3ds] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Processes: every one started here is recorded (PID, name, log) and stopped by PID on exit.
PIDS=()
NAMES=()
TOPIC_PIDS=()
FEED_PIDS=() # the chaos run's feeder (pairs.py feed, which runs kcat): expected to end by itself
RUN=""
RESULT="FAIL"

stop_one() { # stop_one PID NAME: SIGTERM, up to 30 s, then SIGKILL; reaped
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

stop_all() {
  local k i keys=("${!PIDS[@]}")
  # Reverse start order: client, TaskManagers, JobManager; then the broker, also when it was
  # restarted after the others (a crashed process is no longer listed).
  for ((k = ${#keys[@]} - 1; k >= 0; k--)); do
    i="${keys[$k]}"
    [[ "${NAMES[$i]}" == kafka* ]] || stop_one "${PIDS[$i]}" "${NAMES[$i]}"
  done
  for ((k = ${#keys[@]} - 1; k >= 0; k--)); do
    i="${keys[$k]}"
    [[ "${NAMES[$i]}" != kafka* ]] || stop_one "${PIDS[$i]}" "${NAMES[$i]}"
  done
}

on_exit() {
  local rc=$? left=() pid
  trap - EXIT INT TERM
  set +e
  for pid in "${TOPIC_PIDS[@]}"; do # short-lived kafka-topics JVMs, if interrupted meanwhile
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null; fi
    wait "$pid" 2>/dev/null
  done
  for pid in "${FEED_PIDS[@]}"; do # the chaos run's feeder, if still running (it stops its kcat)
    stop_one "$pid" feeder
  done
  if [ ${#PIDS[@]} -gt 0 ]; then
    log "stopping ${#PIDS[@]} processes: $(for i in "${!PIDS[@]}"; do printf '%s=%s ' "${NAMES[$i]}" "${PIDS[$i]}"; done)"
    stop_all
    for pid in "${PIDS[@]}"; do
      if ps -p "$pid" >/dev/null 2>&1; then left+=("$pid"); fi
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
    echo "PASS: the job jar ran on a Flink cluster of $((1 + TASKMANAGERS)) JVMs against a Kafka broker process; wall time ${wall} s"
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

# start NAME LOGFILE COMMAND...: runs COMMAND in the background, its output to LOGFILE.
start() {
  local name="$1" out="$2"
  shift 2
  "$@" >"$out" 2>&1 </dev/null &
  PIDS+=("$!")
  NAMES+=("$name")
  log "started $name: pid $!, log $out"
}

alive_or_die() {
  local i
  for i in "${!PIDS[@]}"; do
    kill -0 "${PIDS[$i]}" 2>/dev/null || die "${NAMES[$i]} (pid ${PIDS[$i]}) exited; see $RUN/logs"
  done
}

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every half second; fails if a process died.
wait_for() {
  local timeout="$1" what="$2" deadline
  shift 2
  deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    alive_or_die
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${timeout} s waiting for $what"
    sleep 0.5
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Free ports on 127.0.0.1, all bound at once so that they differ, then released.
free_ports() {
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

fill() { # fill TEMPLATE OUT KEY=VALUE...: replaces @KEY@ by VALUE
  local template="$1" out="$2" kv args=()
  shift 2
  for kv in "$@"; do args+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
  sed "${args[@]}" "$template" >"$out"
  if grep -n '@[A-Z_]*@' "$out"; then die "unfilled placeholder in $out"; fi
}

# ---------------------------------------------------------------------------------------------
log "Contrastream cluster smoke test: $EVENTS records, 1 JobManager + $TASKMANAGERS TaskManager(s), parallelism $PARALLELISM"
command -v java >/dev/null || die "java not found (Java 17 needed)"
command -v mvn >/dev/null || die "mvn not found"
command -v curl >/dev/null || die "curl not found"

# 1. Build: the job jar (when missing or older than the sources), the broker's and the cluster's jars.
stale_job_jar() {
  [ ! -f "$JOB_JAR" ] && return 0
  [ -n "$(find "$ROOT/pom.xml" "$ROOT/loss-core" "$ROOT/schemas" "$ROOT/flink-job" \
    -path '*/target' -prune -o -type f -newer "$JOB_JAR" -print -quit)" ]
}
if [ -z "${E2E_SKIP_BUILD:-}" ] && stale_job_jar; then
  log "building the job jar (mvn package -pl flink-job -am; about a minute)"
  (cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip=true package -pl flink-job -am) ||
    die "the build failed"
fi
[ -f "$JOB_JAR" ] || die "no job jar at $JOB_JAR"
for lib in kafka flink; do
  dir="$E2E/target/$lib-lib"
  if [ ! -f "$dir/.complete" ] || [ "$E2E/pom.xml" -nt "$dir/.complete" ]; then
    log "copying the $lib jars from Maven Central to $dir"
    rm -rf "$dir"
    mvn -B -q -f "$E2E/pom.xml" -P "$lib" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$dir" || die "could not fetch the $lib jars"
    touch "$dir/.complete"
  fi
done

# 2. kcat: the non-Java client.
if ! command -v kcat >/dev/null; then
  log "installing kcat (apt-get)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q kcat >/dev/null 2>&1 ||
    { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q kcat >/dev/null; } ||
    die "kcat is missing and could not be installed with apt-get"
fi

mkdir -p "$E2E/target"
RUN="$(mktemp -d "$E2E/target/run-XXXXXX")"
mkdir -p "$RUN/logs" "$RUN/kafka-data" "$RUN/flink-conf" "$RUN/tmp" "$RUN/web" "$RUN/rocksdb" \
  "$RUN/checkpoints" "$RUN/out"
log "run directory $RUN"

read -r BROKER_PORT CONTROLLER_PORT JM_RPC_PORT REST_PORT BLOB_PORT <<<"$(free_ports 5)"
BOOTSTRAP="127.0.0.1:$BROKER_PORT"
REST="http://127.0.0.1:$REST_PORT"
log "ports: broker $BROKER_PORT, controller $CONTROLLER_PORT, JobManager rpc $JM_RPC_PORT, REST $REST_PORT, blob $BLOB_PORT"

# 3a. Kafka broker (KRaft, broker + controller in one process).
KAFKA_JAVA=(java -Xms512m -Xmx512m -Djava.io.tmpdir="$RUN/tmp"
  -Dlog4j2.configurationFile="$E2E/conf/log4j2-kafka.properties" -cp "$KAFKA_LIB/*")
fill "$E2E/conf/server.properties.template" "$RUN/server.properties" \
  BROKER_PORT="$BROKER_PORT" CONTROLLER_PORT="$CONTROLLER_PORT" DATA_DIR="$RUN/kafka-data"
CLUSTER_ID="$(java -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$E2E/conf/log4j2-kafka.properties" \
  -Dlog.file="$RUN/logs/kafka-storage.log" kafka.tools.StorageTool random-uuid | tail -n1)"
"${KAFKA_JAVA[@]}" -Dlog.file="$RUN/logs/kafka-storage.log" kafka.tools.StorageTool format \
  -t "$CLUSTER_ID" -c "$RUN/server.properties" >>"$RUN/logs/kafka-storage.out" 2>&1 ||
  die "kafka storage format failed: $(cat "$RUN/logs/kafka-storage.out")"
# start_broker NAME: the broker on the run's port and data dir, logs NAME.log; waits until it serves.
start_broker() {
  start "$1" "$RUN/logs/$1.out" "${KAFKA_JAVA[@]}" -Dlog.file="$RUN/logs/$1.log" \
    kafka.Kafka "$RUN/server.properties"
  wait_for 90 "the Kafka broker on $BOOTSTRAP" \
    bash -c "grep -q 'Kafka Server started' '$RUN/logs/$1.log' && (exec 3<>/dev/tcp/127.0.0.1/$BROKER_PORT)"
}
start_broker kafka
log "Kafka broker ready on $BOOTSTRAP (cluster id $CLUSTER_ID)"

# 3b. Flink: one JobManager, TaskManagers, each a JVM with the flags Flink's own scripts compute.
fill "$E2E/conf/config.yaml.template" "$RUN/flink-conf/config.yaml" \
  TASKMANAGERS="$TASKMANAGERS" JM_RPC_PORT="$JM_RPC_PORT" REST_PORT="$REST_PORT" \
  BLOB_PORT="$BLOB_PORT" RUN_DIR="$RUN"
cp "$E2E/conf/log4j2-flink.properties" "$RUN/flink-conf/log4j.properties"
# The list of Flink 2.2's default config.yaml (env.java.opts.all), which its scripts pass to every JVM.
FLINK_JAVA_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
  -Djava.io.tmpdir="$RUN/tmp"
  -Dlog4j.configurationFile="$RUN/flink-conf/log4j.properties"
)
# resource_params JM|TM: line 1 the JVM memory flags, line 2 the dynamic configs (as config.sh does).
resource_params() {
  java "${FLINK_JAVA_OPTS[@]}" -Dlog.file="$RUN/logs/bash-java-utils.log" -cp "$FLINK_LIB/*" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "GET_$1_RESOURCE_PARAMS" \
    --configDir "$RUN/flink-conf" 2>>"$RUN/logs/bash-java-utils.log" |
    sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | tail -n 2
}
JM_PARAMS="$(resource_params JM)"
TM_PARAMS="$(resource_params TM)"
[ "$(wc -l <<<"$JM_PARAMS")" -eq 2 ] && [ "$(wc -l <<<"$TM_PARAMS")" -eq 2 ] ||
  die "BashJavaUtils gave no memory settings; see $RUN/logs/bash-java-utils.log"
read -r -a JM_JVM <<<"$(head -n1 <<<"$JM_PARAMS")"
read -r -a JM_DYN <<<"$(tail -n1 <<<"$JM_PARAMS")"
read -r -a TM_JVM <<<"$(head -n1 <<<"$TM_PARAMS")"
read -r -a TM_DYN <<<"$(tail -n1 <<<"$TM_PARAMS")"
log "JobManager JVM: ${JM_JVM[*]}"
log "TaskManager JVM: ${TM_JVM[*]}"

start jobmanager "$RUN/logs/jobmanager.out" \
  java "${JM_JVM[@]}" "${FLINK_JAVA_OPTS[@]}" -Dlog.file="$RUN/logs/jobmanager.log" \
  -cp "$FLINK_LIB/*" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
  --configDir "$RUN/flink-conf" "${JM_DYN[@]}"
# start_taskmanager T NAME: TaskManager resource id tm-T, process and log named NAME.
# As docker-compose.yml's env.java.opts.taskmanager: the trainer on loss-core's vector kernels.
start_taskmanager() {
  start "$2" "$RUN/logs/$2.out" \
    java "${TM_JVM[@]}" "${FLINK_JAVA_OPTS[@]}" --add-modules=jdk.incubator.vector \
    -Dlog.file="$RUN/logs/$2.log" \
    -cp "$FLINK_LIB/*" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$RUN/flink-conf" "${TM_DYN[@]}" -D "taskmanager.resource-id=tm-$1"
}
for ((t = 1; t <= TASKMANAGERS; t++)); do start_taskmanager "$t" "taskmanager-$t"; done

# 4. Topics, then the feed (while the cluster starts).
# Kafka's own kafka-topics tool, one short JVM per topic, all at once (each waited for by PID).
TOPICS=(pairs scores metrics alerts pairs-dlq models)
for topic in "${TOPICS[@]}"; do
  java -Xmx256m -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$RUN/tmp" \
    -Dlog4j2.configurationFile="$E2E/conf/log4j2-kafka.properties" \
    -Dlog.file="$RUN/logs/kafka-topics-$topic.log" -cp "$KAFKA_LIB/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --topic "$topic" \
    --partitions 4 --replication-factor 1 >"$RUN/logs/kafka-topics-$topic.out" 2>&1 </dev/null &
  TOPIC_PIDS+=("$!")
done
for i in "${!TOPICS[@]}"; do
  wait "${TOPIC_PIDS[$i]}" ||
    die "could not create topic ${TOPICS[$i]}: $(tail -n 5 "$RUN/logs/kafka-topics-${TOPICS[$i]}.out")"
done
topics_visible() { # the broker's metadata lags a moment behind a creation
  local topic
  kcat -L -b "$BOOTSTRAP" >"$RUN/logs/kafka-metadata.txt" 2>&1 || return 1
  for topic in "${TOPICS[@]}"; do
    grep -q "topic \"$topic\" with 4 partitions" "$RUN/logs/kafka-metadata.txt" || return 1
  done
}
wait_for 30 "the topics in the broker's metadata (see $RUN/logs/kafka-metadata.txt)" topics_visible
log "topics created (4 partitions each, seen by kcat -L): ${TOPICS[*]}"

"$PY" "$E2E/pairs.py" gen --events "$EVENTS" --out "$RUN/feed.tsv" --expect "$RUN/expect.json" |
  sed 's/^/  feed: /'
if [ "$CHAOS" = 0 ]; then
  kcat -P -b "$BOOTSTRAP" -t pairs -K $'\t' -X acks=all -z none <"$RUN/feed.tsv" 2>"$RUN/logs/kcat-produce.err" ||
    die "kcat could not produce: $(cat "$RUN/logs/kcat-produce.err")"
  [ ! -s "$RUN/logs/kcat-produce.err" ] || die "kcat reported: $(head -n 5 "$RUN/logs/kcat-produce.err")"
  kcat -C -b "$BOOTSTRAP" -t pairs -e -o beginning -q -f '%s\n' >"$RUN/out/pairs.jsonl"
  log "produced $(wc -l <"$RUN/feed.tsv") records to topic pairs with kcat (read back: $(wc -l <"$RUN/out/pairs.jsonl"))"
fi

cluster_ready() {
  curl -sf "$REST/overview" | "$PY" -c '
import json, sys
o = json.load(sys.stdin)
sys.exit(0 if o["taskmanagers"] == int(sys.argv[1]) and o["slots-total"] >= int(sys.argv[2]) else 1)
' "$TASKMANAGERS" "$PARALLELISM"
}
wait_for 120 "$TASKMANAGERS TaskManager(s) to register at $REST" cluster_ready
log "Flink cluster ready: $(curl -sf "$REST/overview")"

# 5. Submit the job jar with Flink's own client (what `flink run -d` runs), then wait for the end.
JOB_ARGS=(run --bootstrap-servers "$BOOTSTRAP" --format json
  --parallelism "$PARALLELISM" --checkpoint-interval 1000 --state-backend rocksdb
  --checkpoint-dir "file://$RUN/checkpoints" --job-name contrastream-e2e
  --warmup 50 --metrics-every 200)
# The smoke run reads up to the offsets latest at its start and finishes; the chaos run reads on
# until the script cancels it, once every record is accounted for.
[ "$CHAOS" = 0 ] && JOB_ARGS+=(--stop-at-latest)
log "submitting: flink run -d contrastream-job.jar ${JOB_ARGS[*]}"
start client "$RUN/logs/client.out" \
  env FLINK_CONF_DIR="$RUN/flink-conf" \
  java "${FLINK_JAVA_OPTS[@]}" -Xmx512m -Dlog.file="$RUN/logs/client.log" -cp "$FLINK_LIB/*" \
  org.apache.flink.client.cli.CliFrontend run -d "$JOB_JAR" "${JOB_ARGS[@]}"
CLIENT_PID="${PIDS[-1]}"
deadline=$(($(date +%s) + 120))
while kill -0 "$CLIENT_PID" 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || die "the flink client did not return within 120 s"
  sleep 0.5
done
client_rc=0
wait "$CLIENT_PID" || client_rc=$?
unset 'PIDS[-1]' 'NAMES[-1]' # reaped: nothing to stop
JOB_ID="$(sed -n 's/.*Job has been submitted with JobID \([0-9a-f]\{32\}\).*/\1/p' "$RUN/logs/client.out" | head -n1)"
if [ "$client_rc" -ne 0 ] || [ -z "$JOB_ID" ]; then
  sed 's/^/  client: /' "$RUN/logs/client.out" | tail -n 40
  die "submission failed (client exit $client_rc)"
fi
log "job $JOB_ID submitted"

job_state() { curl -sf "$REST/jobs/$JOB_ID" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
job_failed() { # prints the root exception and dies
  curl -sf "$REST/jobs/$JOB_ID/exceptions" >"$RUN/logs/job-exceptions.json" || true
  "$PY" -c 'import json,sys; e=json.load(open(sys.argv[1])); print((e.get("root-exception") or str(e))[:3000])' \
    "$RUN/logs/job-exceptions.json" 2>/dev/null | sed 's/^/  /' || true
  die "job ended $1"
}

if [ "$CHAOS" = 0 ]; then
  deadline=$(($(date +%s) + JOB_TIMEOUT))
  state=""
  last=""
  while :; do
    alive_or_die
    state="$(job_state || echo UNKNOWN)"
    [ "$state" != "$last" ] && log "job state $state" && last="$state"
    case "$state" in
      FINISHED) break ;;
      FAILED | CANCELED | SUSPENDED) job_failed "$state" ;;
    esac
    [ "$(date +%s)" -lt "$deadline" ] || die "job not finished after ${JOB_TIMEOUT} s (state $state)"
    sleep 1
  done
else
  # 5b. Chaos: a paced feed in three parts while the job runs; kill -9 of TaskManager tm-1 during
  # part 1 (then started again, same resource id), kill -9 of the broker during part 3 (then
  # started again, same port and data dir). The job must recover from each by itself.
  TOTAL="$(wc -l <"$RUN/feed.tsv")"
  PART=$((TOTAL / 3))

  # Every vertex of the job RUNNING at full parallelism (not merely the job's state).
  job_running() {
    curl -sf "$REST/jobs/$JOB_ID" | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
ok = j["state"] == "RUNNING" and all(v["status"] == "RUNNING" for v in j["vertices"])
sys.exit(0 if ok else 1)'
  }
  # Outputs committed so far (scores + dead letters, read_committed); a low count while the broker
  # recovers only makes the script wait longer, the final check reads everything again.
  committed() {
    local t n=0 c
    for t in scores pairs-dlq; do
      c="$(timeout 20 kcat -C -b "$BOOTSTRAP" -t "$t" -e -o beginning -q -f '.\n' \
        -X isolation.level=read_committed 2>/dev/null | wc -l)" || c=0
      n=$((n + c))
    done
    echo "$n"
  }
  fed() { cat "$RUN/fed" 2>/dev/null || echo 0; }
  restarts() { # the job's numRestarts metric
    curl -sf "$REST/jobs/$JOB_ID/metrics?get=numRestarts" |
      "$PY" -c 'import json,sys; m=json.load(sys.stdin); print(m[0]["value"] if m else "?")' 2>/dev/null || echo "?"
  }
  # wait_committed N WHAT: until at least N outputs are committed, E2E_JOB_TIMEOUT seconds at
  # most; fails if the job ends.
  wait_committed() {
    local n="$1" c state deadline=$(($(date +%s) + JOB_TIMEOUT))
    while :; do
      alive_or_die
      c="$(committed)"
      [ "$c" -ge "$n" ] && break
      state="$(job_state || echo UNKNOWN)"
      case "$state" in FAILED | CANCELED | SUSPENDED | FINISHED) job_failed "$state" ;; esac
      [ "$(date +%s)" -lt "$deadline" ] ||
        die "$2: $c of $n outputs committed after ${JOB_TIMEOUT} s (job $state; E2E_JOB_TIMEOUT)"
      sleep 1
    done
    COMMITTED="$c"
  }
  # crash NAME: kill -9 of a started process, reaped and forgotten (its PID may be reused).
  crash() {
    local i
    for i in "${!PIDS[@]}"; do
      if [ "${NAMES[$i]}" = "$1" ]; then
        kill -KILL "${PIDS[$i]}"
        wait "${PIDS[$i]}" 2>/dev/null || true
        log "killed $1 (pid ${PIDS[$i]}) with SIGKILL"
        unset "PIDS[$i]" "NAMES[$i]"
        return 0
      fi
    done
    die "no process named $1 to kill"
  }

  checkpoints_done() {
    curl -sf "$REST/jobs/$JOB_ID/checkpoints" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["counts"]["completed"])'
  }
  first_checkpoint() { [ "$(checkpoints_done)" -ge 1 ]; }
  wait_for 120 "every task of job $JOB_ID to run" job_running
  # Fed from the first completed checkpoint on: a slow start cannot swallow part 1 whole.
  wait_for 120 "the first checkpoint of job $JOB_ID" first_checkpoint
  log "job RUNNING, first checkpoint completed; feeding $TOTAL records in 3 parts of about $PART at $RATE records/s (pairs.py feed, one kcat -P per part)"
  # One kcat per part (see pairs.py feed); -E: kcat keeps retrying while no broker is up, instead
  # of exiting; idempotence: its retries add no duplicate to the topic.
  "$PY" "$E2E/pairs.py" feed --feed "$RUN/feed.tsv" --rate "$RATE" --parts 3 --gate-dir "$RUN" -- \
    kcat -P -b "$BOOTSTRAP" -t pairs -K $'\t' -z none -E -X enable.idempotence=true \
    >"$RUN/logs/feeder.out" 2>&1 </dev/null &
  FEED_PIDS+=("$!")

  # Each kill comes with the first outputs of a part committed (the earliest point: the most
  # records in flight, whatever the machine's load), while the rest of that part is still fed.
  FIRST=$((PART / 40))
  # Failure 1: a TaskManager.
  wait_committed "$FIRST" "before the TaskManager kill"
  C1="$COMMITTED"
  F1="$(fed)"
  # Mid-stream: some outputs committed, and records fed whose outputs are not committed yet.
  [ "$C1" -lt "$F1" ] || die "$C1 outputs committed of $F1 records fed before the TaskManager kill: not mid-stream"
  log "mid-stream: $C1 outputs committed, $F1 of $TOTAL records fed; checkpoints completed so far: $(checkpoints_done)"
  crash taskmanager-1
  TM_KILLED_AT=$(date +%s)
  touch "$RUN/gate-2" # part 2 is fed while the TaskManager is down and the job recovers
  start_taskmanager 1 taskmanager-1-restarted
  wait_committed $((C1 + 1)) "after the TaskManager kill"
  wait_for 120 "every task of job $JOB_ID to run again" job_running
  R1="$(restarts)"
  TM_RECOVERY=$(($(date +%s) - TM_KILLED_AT))
  log "recovered from the TaskManager kill in $TM_RECOVERY s: $COMMITTED outputs committed, restarts $R1"
  [ "$R1" != "?" ] && [ "$R1" -ge 1 ] || die "the job did not restart after the TaskManager kill (numRestarts $R1)"

  # Failure 2: the broker, once the job has caught up with parts 1 and 2, while part 3 is fed.
  wait_committed $((2 * PART)) "catching up after the TaskManager kill"
  touch "$RUN/gate-3"
  wait_committed $((2 * PART + FIRST)) "before the broker kill"
  C2="$COMMITTED"
  F2="$(fed)"
  [ "$C2" -lt "$F2" ] || die "$C2 outputs committed of $F2 records fed before the broker kill: not mid-stream"
  log "mid-stream: $C2 outputs committed, $F2 of $TOTAL records fed"
  crash kafka
  BROKER_KILLED_AT=$(date +%s)
  sleep 3 # a real outage: clients see refused connections for a while
  start_broker kafka-restarted
  log "Kafka broker back on $BOOTSTRAP after $(($(date +%s) - BROKER_KILLED_AT)) s (same port, same data dir)"

  # The end: every record accounted for, the feeder done, then the job cancelled.
  wait_committed "$TOTAL" "after the broker kill"
  BROKER_RECOVERY=$(($(date +%s) - BROKER_KILLED_AT))
  log "all $TOTAL outputs committed $BROKER_RECOVERY s after the broker kill"
  wait "${FEED_PIDS[0]}" || die "the feeder (pid ${FEED_PIDS[0]}) failed: $(tail -n 5 "$RUN/logs/feeder.out")"
  FEED_PIDS=()
  ! grep -q 'Delivery failed' "$RUN/logs/feeder.out" || die "kcat: $(grep -m3 'Delivery failed' "$RUN/logs/feeder.out")"
  kcat -C -b "$BOOTSTRAP" -t pairs -e -o beginning -q -f '%s\n' >"$RUN/out/pairs.jsonl"
  log "fed $(fed) records (topic pairs holds $(wc -l <"$RUN/out/pairs.jsonl")); restarts $(restarts)"
  sleep 3 # a margin: a duplicate committed late would still be read below
  RESTARTS="$(restarts)"
  curl -sf "$REST/jobs/$JOB_ID/exceptions?maxExceptions=50" >"$RUN/logs/job-exceptions.json" || die "no exception history"
  curl -sf "$REST/jobs/$JOB_ID/checkpoints" >"$RUN/logs/job-checkpoints-running.json" || die "no checkpoint statistics"
  curl -sf -X PATCH "$REST/jobs/$JOB_ID?mode=cancel" >/dev/null || die "could not cancel job $JOB_ID"
  wait_for 60 "job $JOB_ID to be cancelled" bash -c "curl -sf '$REST/jobs/$JOB_ID' | grep -q '\"state\":\"CANCELED\"'"
  log "job cancelled"
fi
JOB_JSON="$(curl -sf "$REST/jobs/$JOB_ID")"
echo "$JOB_JSON" >"$RUN/logs/job.json"
curl -sf "$REST/jobs/$JOB_ID/checkpoints" >"$RUN/logs/job-checkpoints.json" || die "no checkpoint statistics"
CHECKPOINTS="$("$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["counts"]; print(c["completed"], c["failed"])' "$RUN/logs/job-checkpoints.json")"
read -r CP_DONE CP_FAILED <<<"$CHECKPOINTS"
# Which TaskManagers ran the subtasks, and how long the job ran.
JOB_FACTS="$(
  for vid in $("$PY" -c 'import json,sys; [print(v["id"]) for v in json.loads(sys.argv[1])["vertices"]]' "$JOB_JSON"); do
    curl -sf "$REST/jobs/$JOB_ID/vertices/$vid/taskmanagers"
    echo
  done | "$PY" -c '
import json, sys
tms = set()
for line in sys.stdin:
    if line.strip():
        for t in json.loads(line)["taskmanagers"]:
            tms.add(t.get("taskmanager-id") or t.get("resource-id") or t.get("endpoint") or t.get("host"))
job = json.loads(sys.argv[1])
print(len(tms), ",".join(sorted(map(str, tms))), job["duration"] // 1000, len(job["vertices"]), job["state"])
' "$JOB_JSON"
)"
read -r USED_TMS TM_IDS JOB_SECONDS VERTICES JOB_END <<<"$JOB_FACTS"
log "job $JOB_END after ${JOB_SECONDS} s: $VERTICES vertices on $USED_TMS TaskManager(s) ($TM_IDS); checkpoints completed $CP_DONE, declined or aborted $CP_FAILED ($([ "$CHAOS" = 1 ] && echo "those under way when a process died, and those of restarts and outages" || echo "a bounded job declines those triggered while its tasks finish"))"

# 6. Read the outputs back with kcat, read_committed, and check them.
for topic in scores pairs-dlq metrics alerts; do
  kcat -C -b "$BOOTSTRAP" -t "$topic" -e -o beginning -q -f '%s\n' \
    -X isolation.level=read_committed >"$RUN/out/$topic.jsonl" 2>"$RUN/logs/kcat-$topic.err" ||
    die "kcat could not read $topic: $(cat "$RUN/logs/kcat-$topic.err")"
done
log "read back (read_committed): scores $(wc -l <"$RUN/out/scores.jsonl"), pairs-dlq $(wc -l <"$RUN/out/pairs-dlq.jsonl"), metrics $(wc -l <"$RUN/out/metrics.jsonl"), alerts $(wc -l <"$RUN/out/alerts.jsonl")"

echo "---- verification ----"
check_rc=0
"$PY" "$E2E/pairs.py" check --expect "$RUN/expect.json" --pairs "$RUN/out/pairs.jsonl" \
  --scores "$RUN/out/scores.jsonl" --dead-letters "$RUN/out/pairs-dlq.jsonl" \
  --metrics "$RUN/out/metrics.jsonl" --alerts "$RUN/out/alerts.jsonl" || check_rc=$?
cluster_rc=0
if [ "$USED_TMS" -ne "$TASKMANAGERS" ]; then
  echo "  FAILED CHECK: the job ran on $USED_TMS TaskManager(s), $TASKMANAGERS were started"
  cluster_rc=1
fi
if [ "$CP_DONE" -lt 1 ]; then
  echo "  FAILED CHECK: no completed checkpoint"
  cluster_rc=1
fi
# Each trainer logs the kernels its JVM chose when it opens.
KERNELS="$(grep -ho 'kernels vector ([^)]*)' "$RUN"/logs/taskmanager-*.log | sort | uniq -c | sed 's/^ *//')"
if [ -z "$KERNELS" ] || grep -q 'kernels scalar' "$RUN"/logs/taskmanager-*.log; then
  echo "  FAILED CHECK: trainers not on the vector kernels: $(grep -ho 'kernels .*' "$RUN"/logs/taskmanager-*.log | sort -u)"
  cluster_rc=1
fi
echo "  trainer kernels       $KERNELS"
echo "  job                   $JOB_END after ${JOB_SECONDS} s on $USED_TMS TaskManager(s), $CP_DONE checkpoints"
if [ "$CHAOS" = 1 ]; then
  # What the JobManager recorded of the failures: the restarts, the checkpoint it restored last,
  # and its exception history (each failure with the TaskManager it happened on, if any).
  "$PY" - "$RUN/logs/job-exceptions.json" "$RUN/logs/job-checkpoints-running.json" "$RESTARTS" \
    "$C1" "$F1" "$C2" "$F2" "$TOTAL" "$R1" "$TM_RECOVERY" "$BROKER_RECOVERY" <<'EOF' || cluster_rc=1
import collections, json, sys
exc = json.load(open(sys.argv[1]))
cps = json.load(open(sys.argv[2]))
restarts, c1, f1, c2, f2, total, r1, tm_s, broker_s = sys.argv[3:12]
entries = (exc.get("exceptionHistory") or {}).get("entries") or []
on_tm1 = [e for e in entries if "tm-1" in json.dumps(e)]
others = [e for e in entries if "tm-1" not in json.dumps(e)]
names = collections.Counter(e.get("exceptionName", "?").rsplit(".", 1)[-1] for e in entries)
restored = (cps.get("latest") or {}).get("restored")
print(f"  TaskManager kill -9   at {c1} outputs committed, {f1} of {total} records fed;"
      f" running again with new outputs after {tm_s} s, {r1} restart(s)")
print(f"  broker kill -9        at {c2} outputs committed, {f2} of {total} records fed;"
      f" every record accounted for {broker_s} s later,"
      f" {int(restarts) - int(r1) if restarts.isdigit() and r1.isdigit() else '?'} restart(s) more")
print(f"  restarts              {restarts} (numRestarts); exception history {len(entries)} entries,"
      f" {len(on_tm1)} naming tm-1: " + ", ".join(f"{n} {c}" for n, c in names.most_common()))
if others:
    print("  not naming tm-1       " + "; ".join(
        sorted({e.get("exceptionName", "?").rsplit(".", 1)[-1] for e in others})))
print("  restored checkpoint   " + (f"{restored.get('id')} (the last restore)" if restored else "none"))
ok = True
if not restarts.isdigit() or int(restarts) < 1:
    print("  FAILED CHECK: no restart recorded")
    ok = False
if not on_tm1:
    print("  FAILED CHECK: no failure in the exception history names the killed TaskManager tm-1")
    ok = False
if not restored or restored.get("is_savepoint"):
    print("  FAILED CHECK: the job did not restore from a checkpoint")
    ok = False
sys.exit(0 if ok else 1)
EOF
fi
echo "----------------------"
[ "$check_rc" -eq 0 ] && [ "$cluster_rc" -eq 0 ] || die "verification failed"
RESULT=PASS
