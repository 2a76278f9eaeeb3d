#!/usr/bin/env bash
# One pair per step, one thread: loss-core's learn() (JMH LearnBenchmark, SGD, vector kernels and
# plain loops) beside PyTorch per event (benchmarks/peer/kernel_peer.py) on the same three
# configurations, run back to back; prints a table with the ratios, the machine, the date and
# the load. About 5 minutes. Not run by CI.
#
#   mvn -B -q -DskipTests package -pl loss-core,benchmarks -am   # once
#   benchmarks/kernel-vs-pytorch.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAR="$HERE/target/benchmarks.jar"
PY=/usr/bin/python3 # Debian's, with python3-torch (not the pyenv one first on PATH)
[ -f "$JAR" ] || { echo "no $JAR: run mvn -B -q -DskipTests package -pl loss-core,benchmarks -am" >&2; exit 1; }
"$PY" -c "import torch" 2>/dev/null || { echo "Debian's python3-torch is missing (apt-get install python3-torch)" >&2; exit 1; }
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "JMH LearnBenchmark (SGD; vector and scalar kernels) ..." >&2
java -jar "$JAR" LearnBenchmark -p optimizer=SGD -f 1 -wi 3 -i 5 -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.log" 2>&1 ||
  { tail -20 "$OUT/jmh.log" >&2; exit 1; }
echo "PyTorch per event ..." >&2
OPENBLAS_CORETYPE=SkylakeX "$PY" "$HERE/peer/kernel_peer.py" > "$OUT/peer.jsonl"
"$PY" - "$OUT/jmh.json" "$OUT/peer.jsonl" "$load_start" <<'PYEOF'
import datetime, json, sys
jmh = json.load(open(sys.argv[1]))
peer = {r["model"]: r for r in map(json.loads, open(sys.argv[2]))}
ours = {}
for r in jmh:
    p = r["params"]
    ours[(p["model"], p["kernels"])] = (r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"])
cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
load = open("/proc/loadavg").read().split()[:3]
print("One pair per step, one thread, SGD; %s, %s UTC; load average %s at the start, %s at the end; %s"
      % (cpu, datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), sys.argv[3], " ".join(load),
         "torch " + next(iter(peer.values()))["torch"]))
print()
print("| model | Contrastream learn(), vector kernels | plain loops | PyTorch per event | vector / PyTorch | plain / PyTorch |")
print("|---|---|---|---|---|---|")
for model in ["linear:64:0:32", "linear:784:0:128", "mlp:64:256:32"]:
    v, ve = ours[(model, "vector")]
    s, se = ours[(model, "scalar")]
    t = peer[model]["pairs_per_s"]
    print("| %s | %s +- %s | %s +- %s | %s | %.0fx | %.0fx |" % (
        model.replace(":0:", "->").replace(":", "-"), format(round(v), ","), format(round(ve), ","),
        format(round(s), ","), format(round(se), ","), format(round(t), ","), v / t, s / t))
PYEOF
