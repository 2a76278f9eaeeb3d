#!/usr/bin/env python3
"""Pair events in, verdicts out: the feed and the checks of cluster-smoke.sh (standard library only).

  pairs.py gen   --events N --out FEED.tsv --expect EXPECT.json
      writes N lines "key<TAB>json value" for kcat -K'\\t' (a few of them refused on purpose) and
      what the job must make of them
  pairs.py feed  --feed FEED.tsv --rate R --parts N --gate-dir DIR -- PRODUCER COMMAND...
      pipes FEED.tsv into the producer (kcat -P ...) at R lines a second, in N parts of equal
      size, one producer process per part: part 1 at once, part k only once the file DIR/gate-k
      exists (the chaos run opens each gate when it has injected a failure); DIR/fed holds the
      number of lines written so far; exits non-zero if a producer does
  pairs.py check --expect EXPECT.json --pairs P --scores S --dead-letters D --metrics M --alerts A
      checks the topics read back (one record per line) against EXPECT.json; prints the counts;
      exits 1 on any failure
"""

import argparse
import base64
import collections
import json
import math
import random
import os
import signal
import subprocess
import sys
import time

MODELS = ["region-a", "region-b", "region-c"]
DIM = 8


def valid_event(rng, model, i, t):
    left = [round(rng.gauss(0.0, 1.0), 4) for _ in range(DIM)]
    changed = rng.random() < 0.2
    right = [
        round(v + rng.gauss(0.0, 1.5 if changed else 0.1), 4) for v in left
    ]
    label = rng.choice([None, None, "SAME", "DIFFERENT"])
    if label is not None:
        label = "DIFFERENT" if changed else "SAME"
    return {
        "event_id": f"{model}-{i:05d}",
        "model": model,
        "left": {"id": f"{model}-loc{i % 50}-before", "features": left},
        "right": {"id": f"{model}-loc{i % 50}-after", "features": right},
        "label": label,
        "event_time": t,
    }


def bad_events(rng, t):
    """(key, value, expected dead-letter reason): one of each kind the job must refuse."""
    ok = valid_event(rng, "region-a", 99990, t)

    def variant(**changes):
        e = json.loads(json.dumps(ok))
        e.update(changes)
        return e

    nan = variant(event_id="bad-nan", model="region-b")
    nan["left"]["features"][3] = "NaN"
    short = variant(event_id="bad-dim", model="region-a")
    short["left"]["features"] = short["left"]["features"][:5]
    short["right"]["features"] = short["right"]["features"][:5]
    missing = variant(event_id="bad-missing", model="region-c")
    del missing["right"]
    return [
        ("region-a", "this is not JSON at all", "UNDECODABLE"),
        ("region-c", '{"event_id":"bad-truncated","model":"region-c","left":{', "UNDECODABLE"),
        ("", json.dumps(variant(event_id="bad-empty-model", model="")), "EMPTY_MODEL"),
        ("region-b", json.dumps(nan), "NON_FINITE_FEATURE"),
        ("region-a", json.dumps(short), "DIMENSION_MISMATCH"),
        ("region-c", json.dumps(missing), "MISSING_FIELD"),
        ("region-b", json.dumps(variant(event_id="bad-label", model="region-b", label="same")),
         "UNKNOWN_LABEL"),
    ]


def gen(args):
    rng = random.Random(args.seed)
    t0 = 1_700_000_000_000
    bad = bad_events(rng, t0)
    n_valid = args.events - len(bad)
    if n_valid < 10 * len(MODELS):
        sys.exit("pairs.py: --events too small")
    lines, valid_ids = [], []
    counters = collections.Counter()
    for k in range(n_valid):
        model = MODELS[k % len(MODELS)]
        counters[model] += 1
        e = valid_event(rng, model, counters[model], t0 + 10 * k)
        lines.append((model, json.dumps(e, separators=(",", ":"))))
        valid_ids.append(e["event_id"])
    # The refused ones go in the second half, so that every model already has its dimension when
    # the short pair reaches the trainer (one model's events stay in order: one key, one partition).
    for key, value, _ in bad:
        at = rng.randrange(len(lines) // 2, len(lines))
        lines.insert(at, (key, value))
    with open(args.out, "w", encoding="utf-8") as f:
        for key, value in lines:
            assert "\t" not in key and "\n" not in value
            f.write(f"{key}\t{value}\n")
    with open(args.expect, "w", encoding="utf-8") as f:
        json.dump(
            {
                "records": len(lines),
                "valid_ids": valid_ids,
                "models": MODELS,
                "dead_letter_reasons": sorted(r for _, _, r in bad),
            },
            f,
        )
    print(f"{len(lines)} records ({len(valid_ids)} valid, {len(bad)} to be refused)"
          f" for models {', '.join(MODELS)}")


def feed(args):
    """Paced, gated producing: the job is mid-stream whenever a failure is injected.

    One producer process (the command after --) per part, given the part on its stdin and then
    end of input: kcat reads its input in blocks and keeps a partial block until more input or the
    end comes, so a producer kept open across a gate would hold back the last records of a part.
    """
    with open(args.feed, encoding="utf-8") as f:
        lines = f.readlines()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if args.rate <= 0 or args.parts < 1 or not command:
        sys.exit("pairs.py feed: --rate must be positive, --parts at least 1, and a producer"
                 " command must follow --")
    bounds = [len(lines) * k // args.parts for k in range(args.parts + 1)]
    progress = os.path.join(args.gate_dir, "fed")
    batch = max(1, args.rate // 20)  # 20 writes a second
    written = 0
    producer = None

    def report():
        with open(progress + ".tmp", "w", encoding="utf-8") as p:
            p.write(f"{written}\n")
        os.replace(progress + ".tmp", progress)  # readers never see a half-written number

    def stop(signum, frame):
        if producer is not None and producer.poll() is None:
            try:
                producer.stdin.close()  # kcat, blocked reading its input, sees the end at once
            except (OSError, ValueError):
                pass
            producer.terminate()
            try:
                producer.wait(timeout=20)
            except subprocess.TimeoutExpired:
                producer.kill()
                producer.wait()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    report()
    for part in range(args.parts):
        gate = os.path.join(args.gate_dir, f"gate-{part + 1}")
        while part > 0 and not os.path.exists(gate):
            time.sleep(0.1)
        producer = subprocess.Popen(command, stdin=subprocess.PIPE, text=True, encoding="utf-8")
        start = time.monotonic()
        for i in range(bounds[part], bounds[part + 1], batch):
            chunk = lines[i:min(i + batch, bounds[part + 1])]
            producer.stdin.writelines(chunk)
            producer.stdin.flush()
            written += len(chunk)
            report()
            ahead = start + (written - bounds[part]) / args.rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        producer.stdin.close()
        rc = producer.wait()  # delivered, or failed: the producer retries through an outage
        if rc != 0:
            sys.exit(f"pairs.py feed: the producer of part {part + 1} exited {rc}")
        print(f"part {part + 1}: {bounds[part + 1] - bounds[part]} lines produced", flush=True)
    print(f"fed {written} lines in {args.parts} part(s) at {args.rate} lines/s", flush=True)


def read_json_lines(path, what, problems):
    records = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError as e:
                problems.append(f"{what} line {n} is not JSON ({e}): {line[:120]!r}")
    return records


def count_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if line.strip())


def check(args):
    with open(args.expect, encoding="utf-8") as f:
        expect = json.load(f)
    problems = []
    produced = count_lines(args.pairs)
    scores = read_json_lines(args.scores, "scores", problems)
    dead = read_json_lines(args.dead_letters, "pairs-dlq", problems)
    metrics = read_json_lines(args.metrics, "metrics", problems)
    alerts = read_json_lines(args.alerts, "alerts", problems)

    if produced != expect["records"]:
        problems.append(f"topic pairs holds {produced} records, {expect['records']} were sent")
    if len(scores) + len(dead) != expect["records"]:
        problems.append(
            f"scores ({len(scores)}) + dead letters ({len(dead)}) = {len(scores) + len(dead)},"
            f" records produced {expect['records']}"
        )

    want = set(expect["valid_ids"])
    seen = collections.Counter(s.get("event_id") for s in scores)
    dupes = {k: v for k, v in seen.items() if v > 1}
    missing = want - seen.keys()
    extra = seen.keys() - want
    if dupes:
        problems.append(f"{len(dupes)} event ids scored more than once, e.g. "
                        f"{sorted(dupes.items())[:5]}")
    if missing:
        problems.append(f"{len(missing)} valid events not scored, e.g. {sorted(missing)[:5]}")
    if extra:
        problems.append(f"{len(extra)} unexpected event ids scored, e.g. {sorted(extra)[:5]}")
    bad_scores = [s for s in scores
                  if not isinstance(s.get("distance"), (int, float))
                  or not math.isfinite(s["distance"])]
    if bad_scores:
        problems.append(f"{len(bad_scores)} scores without a finite distance, e.g. {bad_scores[0]}")

    reasons = sorted(d.get("reason") for d in dead)
    if reasons != expect["dead_letter_reasons"]:
        problems.append(f"dead-letter reasons {reasons}, expected {expect['dead_letter_reasons']}")
    for d in dead:
        try:
            base64.b64decode(d.get("original") or "", validate=True)
        except ValueError:
            problems.append(f"dead letter with an undecodable 'original': {d}")

    if not metrics:
        problems.append("topic metrics is empty")
    metric_models = {m.get("model") for m in metrics}
    if not set(expect["models"]) <= metric_models:
        problems.append(f"metrics name models {sorted(metric_models)},"
                        f" expected all of {expect['models']}")
    alert_kinds = collections.Counter(a.get("kind") for a in alerts)

    print(f"  records produced      {expect['records']} (topic pairs holds {produced})")
    print(f"  scores                {len(scores)} ({len(seen)} distinct event ids,"
          f" {len(want)} valid events)")
    print(f"  dead letters          {len(dead)}: "
          + ", ".join(f"{r} {c}" for r, c in sorted(collections.Counter(reasons).items())))
    print(f"  scores + dead letters {len(scores) + len(dead)}")
    print(f"  metrics records       {len(metrics)} (models {', '.join(sorted(map(str, metric_models)))})")
    print(f"  alerts                {len(alerts)}"
          + (" (" + ", ".join(f"{k} {c}" for k, c in sorted(alert_kinds.items())) + ")"
             if alerts else ""))
    for p in problems:
        print(f"  FAILED CHECK: {p}")
    return 1 if problems else 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--events", type=int, default=2000)
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--out", required=True)
    g.add_argument("--expect", required=True)
    f = sub.add_parser("feed")
    f.add_argument("--feed", required=True)
    f.add_argument("--rate", type=int, default=100)
    f.add_argument("--parts", type=int, default=1)
    f.add_argument("--gate-dir", required=True)
    f.add_argument("command", nargs=argparse.REMAINDER)
    c = sub.add_parser("check")
    c.add_argument("--expect", required=True)
    for name in ("pairs", "scores", "dead-letters", "metrics", "alerts"):
        c.add_argument(f"--{name}", required=True)
    args = p.parse_args()
    if args.cmd == "gen":
        gen(args)
        return 0
    if args.cmd == "feed":
        feed(args)
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
