#!/usr/bin/python3
"""End-to-end benchmark driver: produces pair events to a Kafka topic, reads the scores back
read_committed in another process, and reports pairs/s and produce-to-committed-score latency.
Also the PyTorch peer: a plain Python consumer that scores and learns per event.

Used by benchmarks/e2e/latency.sh (see there); run with Debian's /usr/bin/python3 (python3-avro,
python3-confluent-kafka, python3-torch, python3-numpy).

    e2e_bench.py topics --bootstrap-servers B TOPIC...
    e2e_bench.py drive  --bootstrap-servers B --input pairs-x --scores scores-x --phase tput \
                        --events 40000 [--rate 0] --system contrastream --interval 1000 --results R.jsonl
    e2e_bench.py peer   --bootstrap-servers B --input pairs-py --output scores-py
    e2e_bench.py table  R.jsonl

The workload (same for every system): linear 64->32 models, --models models keyed by name, 64
features per item, pairs as examples/python/produce_pairs.py makes them (a location seen twice,
SAME with a little noise or DIFFERENT, 20 % changes), every pair labelled unless --label-fraction
says otherwise. Event ids are "<phase>-<index>"; the same seed gives the same events everywhere.
"""

import argparse
import json
import multiprocessing as mp
import os
import signal
import sys
import time

import numpy as np
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples", "python"))
import contrastream_avro as wire  # noqa: E402  the example's codec: schemas, fingerprints, decoding

DIM = 64


# ------------------------------------------------------------------------------------------------
# Avro, by hand for the producer (the driver must not be the bottleneck); checked against the codec.


def zigzag(n):
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n & ~0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def avro_string(s):
    b = s.encode("utf-8")
    return zigzag(len(b)) + b


def avro_floats(a):
    return zigzag(len(a)) + a.astype("<f4").tobytes() + b"\x00"


def read_event_id(value):
    """event_id of a PairScore message: the first field after the 10-byte header."""
    pos, shift, n = wire.HEADER_LENGTH, 0, 0
    while True:
        b = value[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        if not b & 0x80:
            break
        shift += 7
    n = (n >> 1) ^ -(n & 1)
    return value[pos : pos + n].decode("utf-8")


def workload(phase, events, models, label_fraction, seed):
    """[(key, message without its event_time)] of one phase; deterministic in (phase, seed)."""
    schemas = wire.WireSchemas()
    header = schemas["PairEvent"].header
    rng = np.random.default_rng([seed, sum(map(ord, phase))])
    names = ["bench-%d" % m for m in range(models)]
    ground = rng.standard_normal((models, 50, DIM)).astype(np.float32)
    out = []
    for i in range(events):
        m = i % models
        loc = int(rng.integers(50))
        before = ground[m, loc]
        changed = rng.random() < 0.2
        after = rng.standard_normal(DIM).astype(np.float32) if changed else before + 0.1 * rng.standard_normal(DIM).astype(np.float32)
        if rng.random() < label_fraction:
            label = b"\x02" + (b"\x02" if changed else b"\x00")  # union branch 1, enum index
        else:
            label = b"\x00"
        body = (
            avro_string("%s-%d" % (phase, i))
            + avro_string(names[m])
            + avro_string("%s/loc-%d/t0" % (names[m], loc)) + avro_floats(before)
            + avro_string("%s/loc-%d/t%d" % (names[m], loc, i)) + avro_floats(after)
            + label
        )
        out.append((names[m].encode(), header + body))
    # The hand encoding must be what the example's codec (python3-avro) reads.
    for key, prefix in out[:3]:
        name, event = schemas.decode(prefix + zigzag(1_700_000_000_000))
        assert name == "PairEvent" and len(event["left"]["features"]) == DIM, event
        assert event["model"].encode() == key and event["event_time"].year == 2023, event
    return out


# ------------------------------------------------------------------------------------------------
# Collector: a separate process, so that producing and reading do not share one interpreter.


def collect(bootstrap, topic, phase, events, timeout, ready, out_path):
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "e2e-bench-collector-%d" % os.getpid(),
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "auto.offset.reset": "earliest",
    })
    parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
    arrivals = np.full(events, np.nan)
    prefix = phase + "-"
    seen = duplicates = 0
    at_end = set()
    deadline = time.time() + timeout
    try:
        while seen < events and time.time() < deadline:
            batch = consumer.consume(num_messages=1000, timeout=0.1)
            now = time.time()
            for msg in batch:
                err = msg.error()
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        at_end.add(msg.partition())
                        if len(at_end) == len(parts) and not ready.is_set():
                            ready.set()
                        continue
                    raise KafkaException(err)
                event_id = read_event_id(msg.value())
                if event_id.startswith(prefix):
                    i = int(event_id[len(prefix):])
                    if np.isnan(arrivals[i]):
                        arrivals[i] = now
                        seen += 1
                    else:
                        duplicates += 1
    finally:
        consumer.close()
        np.save(out_path, arrivals)
        with open(out_path + ".dup", "w") as f:
            f.write(str(duplicates))
        ready.set()


# ------------------------------------------------------------------------------------------------


def produce(bootstrap, topic, messages, rate):
    """Sends every message (appending the send time as event_time); returns send times (s)."""
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                         "linger.ms": 1})
    sends = np.empty(len(messages))
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(err)

    t0 = time.time()
    for i, (key, prefix) in enumerate(messages):
        if rate > 0:
            wait = t0 + i / rate - time.time()
            if wait > 0:
                time.sleep(wait)
        t = time.time()
        value = prefix + zigzag(int(t * 1000))
        while True:
            try:
                producer.produce(topic, key=key, value=value, on_delivery=delivered)
                break
            except BufferError:
                producer.poll(0.01)
        sends[i] = t
        if i % 64 == 0:
            producer.poll(0)
    left = producer.flush(60)
    if left or failures:
        raise SystemExit("produce failed: %d undelivered, errors %s" % (left, failures[:2]))
    return sends


def drive(args):
    messages = workload(args.phase, args.events, args.models, args.label_fraction, args.seed)
    out_path = os.path.join(args.work_dir, "%s-%s-%s-arrivals.npy" % (args.system, args.interval, args.phase))
    ctx = mp.get_context("fork")
    ready = ctx.Event()
    reader = ctx.Process(target=collect, args=(args.bootstrap_servers, args.scores, args.phase, args.events,
                                               args.timeout, ready, out_path))
    reader.start()
    if not ready.wait(60):
        reader.terminate()
        raise SystemExit("the collector did not reach the end of %s within 60 s" % args.scores)
    sends = produce(args.bootstrap_servers, args.input, messages, args.rate)
    reader.join(args.timeout + 30)
    if reader.is_alive():
        reader.terminate()
        reader.join()
    arrivals = np.load(out_path)
    duplicates = int(open(out_path + ".dup").read())
    got = ~np.isnan(arrivals)
    latency_ms = (arrivals[got] - sends[got]) * 1000.0
    row = {
        "system": args.system, "interval": args.interval, "phase": args.phase, "events": args.events,
        "rate": args.rate, "scored": int(got.sum()), "duplicates": duplicates,
        "produce_s": float(sends[-1] - sends[0]),
        "pairs_per_s": float(got.sum() / (np.nanmax(arrivals) - sends[0])) if got.any() else 0.0,
        "p50_ms": float(np.percentile(latency_ms, 50)) if got.any() else None,
        "p99_ms": float(np.percentile(latency_ms, 99)) if got.any() else None,
        "max_ms": float(latency_ms.max()) if got.any() else None,
    }
    print("  %(system)s %(interval)s %(phase)s: %(scored)d/%(events)d scored, %(duplicates)d duplicates, "
          "%(pairs_per_s).0f pairs/s, p50 %(p50_ms).0f ms, p99 %(p99_ms).0f ms" % row, flush=True)
    if args.results:
        with open(args.results, "a") as f:
            f.write(json.dumps(row) + "\n")
    return 0 if row["scored"] == args.events and duplicates == 0 else 1


# ------------------------------------------------------------------------------------------------
# The PyTorch peer: consume, decode (the example's codec), score, one SGD step per labelled pair,
# encode a PairScore (the codec), produce. Not transactional, no state checkpoint (see README).


def peer(args):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    schemas = wire.WireSchemas()
    transactional = args.commit_interval_ms > 0
    consumer_conf = {"bootstrap.servers": args.bootstrap_servers, "group.id": args.group,
                     "auto.offset.reset": "earliest", "enable.auto.commit": not transactional}
    producer_conf = {"bootstrap.servers": args.bootstrap_servers, "acks": "all", "enable.idempotence": True,
                     "linger.ms": 1}
    if transactional:
        # Scores and the input offsets commit together, as the job's sinks do at a checkpoint;
        # the model itself is not checkpointed (a restart would forget it).
        consumer_conf["isolation.level"] = "read_committed"
        producer_conf["transactional.id"] = "pytorch-peer-" + args.group
    consumer = Consumer(consumer_conf)
    producer = Producer(producer_conf)
    if transactional:
        producer.init_transactions(30)
        producer.begin_transaction()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    models = {}
    margin, threshold = 2.0, 1.0
    consumer.subscribe([args.input])
    print("peer: torch %s, %d thread(s), reading %s, %s" % (
        torch.__version__, torch.get_num_threads(), args.input,
        "transactions every %d ms" % args.commit_interval_ms if transactional else "no transactions"), flush=True)
    done = 0
    interval = args.commit_interval_ms / 1000.0
    next_commit = time.time() + interval
    pending = False

    def commit():
        positions = [tp for tp in consumer.position(consumer.assignment()) if tp.offset >= 0]
        producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata(), 30)
        producer.commit_transaction(30)
        producer.begin_transaction()

    while not stop:
        if transactional and pending and time.time() >= next_commit:
            commit()
            pending = False
            next_commit = time.time() + interval
        msg = consumer.poll(0.01 if transactional else 0.1)
        if msg is None:
            continue
        if msg.error() is not None:
            if msg.error().code() == KafkaError._PARTITION_EOF:
                continue
            raise KafkaException(msg.error())
        _, event = schemas.decode(msg.value())
        name = event["model"]
        if name not in models:
            linear = torch.nn.Linear(DIM, 32)
            models[name] = [linear, torch.optim.SGD(linear.parameters(), lr=3e-4), 0]
        linear, opt, version = models[name]
        x = torch.tensor([event["left"]["features"], event["right"]["features"]])
        e = linear(x)
        d = torch.sqrt(((e[0] - e[1]) ** 2).sum() + 1e-8)
        label = event["label"]
        loss_value = None
        if label is not None:
            y = 1.0 if label == "SAME" else 0.0
            loss = 0.5 * (y * d**2 + (1 - y) * torch.clamp(margin - d, min=0) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_value = float(loss)
            models[name][2] = version + 1
        distance = float(d)
        score = {
            "event_id": event["event_id"], "model": name, "left_id": event["left"]["id"],
            "right_id": event["right"]["id"], "distance": distance, "similarity": None, "label": label,
            "loss": loss_value, "threshold": threshold, "alert": distance > threshold,
            "model_version": version, "event_time": event["event_time"],
        }
        while True:
            try:
                producer.produce(args.output, key=name.encode(), value=schemas.encode("PairScore", score))
                break
            except BufferError:
                producer.poll(0.01)
        producer.poll(0)
        pending = True
        done += 1
    if transactional and pending:
        commit()
    producer.flush(30)
    consumer.close()
    print("peer: %d events scored, %d models" % (done, len(models)), flush=True)


# ------------------------------------------------------------------------------------------------


def topics(args):
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": args.bootstrap_servers})
    futures = admin.create_topics([NewTopic(t, num_partitions=args.partitions, replication_factor=1)
                                   for t in args.names], operation_timeout=30)
    for future in futures.values():
        future.result(timeout=60)
    deadline = time.time() + 30
    while time.time() < deadline:
        md = admin.list_topics(timeout=5).topics
        if all(t in md and md[t].error is None and len(md[t].partitions) == args.partitions
               and all(p.leader >= 0 for p in md[t].partitions.values()) for t in args.names):
            return 0
        time.sleep(0.5)
    raise SystemExit("topics not ready: %s" % args.names)


def commit_of(r):
    if r["system"] == "contrastream":
        return "checkpoint %s ms" % r["interval"]
    if r["interval"] in ("-", "0"):
        return "none (at-least-once)"
    return "transaction %s ms" % r["interval"]


def table(args):
    rows = [json.loads(line) for line in open(args.results)]
    rows = [r for r in rows if r["phase"] != "warmup"]
    fmt = "| %-12s | %-10s | %-20s | %6s | %9s | %8s | %8s | %8s |"
    print(fmt % ("system", "run", "commit / checkpoint", "events", "offered/s", "pairs/s", "p50 ms", "p99 ms"))
    print("|" + "|".join("-" * (w + 2) for w in (12, 10, 20, 6, 9, 8, 8, 8)) + "|")
    for r in rows:
        commit = commit_of(r)
        print(fmt % (r["system"], r["phase"], commit, r["events"], "max" if not r["rate"] else "%d" % r["rate"],
                     "%.0f" % r["pairs_per_s"], "%.0f" % r["p50_ms"], "%.0f" % r["p99_ms"]))
    peers = [r for r in rows if r["system"] == "pytorch"]
    print()
    print("Ratios, Contrastream / PyTorch peer (pairs/s: above 1 = Contrastream faster;"
          " latency: below 1 = Contrastream quicker)")
    fmt = "| %-19s | %-24s | %14s | %14s | %14s |"
    print(fmt % ("Contrastream", "PyTorch peer", "pairs/s", "p50 latency", "p99 latency"))
    print("|" + "|".join("-" * (w + 2) for w in (19, 24, 14, 14, 14)) + "|")
    for r in rows:
        if r["system"] != "contrastream" or r["phase"] != "throughput":
            continue
        lat = next((x for x in rows if x["system"] == "contrastream" and x["interval"] == r["interval"]
                    and x["phase"] == "latency"), None)
        for q in peers:
            if q["phase"] != "throughput":
                continue
            qlat = next((x for x in peers if x["interval"] == q["interval"] and x["phase"] == "latency"), None)
            both = lat is not None and qlat is not None
            print(fmt % ("checkpoint %s ms" % r["interval"], commit_of(q),
                         "%.1fx" % (r["pairs_per_s"] / q["pairs_per_s"]),
                         "%.2fx" % (lat["p50_ms"] / qlat["p50_ms"]) if both else "-",
                         "%.2fx" % (lat["p99_ms"] / qlat["p99_ms"]) if both else "-"))
    bad = [r for r in rows if r["scored"] != r["events"] or r["duplicates"]]
    for r in bad:
        print("WARNING: %s %s %s: %d of %d scored, %d duplicates"
              % (r["system"], r["interval"], r["phase"], r["scored"], r["events"], r["duplicates"]))
    return 1 if bad else 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("topics")
    t.add_argument("--bootstrap-servers", required=True)
    t.add_argument("--partitions", type=int, default=2)
    t.add_argument("names", nargs="+")
    d = sub.add_parser("drive")
    d.add_argument("--bootstrap-servers", required=True)
    d.add_argument("--input", required=True)
    d.add_argument("--scores", required=True)
    d.add_argument("--phase", required=True, help="warmup, throughput or latency: the event id prefix")
    d.add_argument("--events", type=int, required=True)
    d.add_argument("--rate", type=float, default=0, help="events/s offered; 0 = as fast as possible")
    d.add_argument("--models", type=int, default=4)
    d.add_argument("--label-fraction", type=float, default=1.0)
    d.add_argument("--seed", type=int, default=7)
    d.add_argument("--timeout", type=float, default=120, help="seconds to wait for every score")
    d.add_argument("--system", required=True)
    d.add_argument("--interval", default="-")
    d.add_argument("--work-dir", default=".")
    d.add_argument("--results")
    q = sub.add_parser("peer")
    q.add_argument("--bootstrap-servers", required=True)
    q.add_argument("--input", required=True)
    q.add_argument("--output", required=True)
    q.add_argument("--group", default="pytorch-peer")
    q.add_argument("--seed", type=int, default=1)
    q.add_argument("--commit-interval-ms", type=int, default=0,
                   help="0: plain producer, offsets auto-committed (at-least-once); N: scores and offsets"
                        " committed in one Kafka transaction every N ms")
    r = sub.add_parser("table")
    r.add_argument("results")
    args = p.parse_args(argv)
    return {"topics": topics, "drive": drive, "peer": peer, "table": table}[args.command](args) or 0


if __name__ == "__main__":
    sys.exit(main())
