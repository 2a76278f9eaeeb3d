#!/usr/bin/python3
"""Writes pair events to Contrastream's input topic from Python, in the job's Avro encoding, and
reads the job's scores, alerts and dead letters back (read_committed). See README.md here.

    ./produce_pairs.py --bootstrap-servers 127.0.0.1:9092 roundtrip    # produce, then read back
    ./produce_pairs.py --bootstrap-servers ... produce --ids-out ids.tsv # only write
    ./produce_pairs.py --bootstrap-servers ... read --ids ids.tsv --check

Needs Debian's python3-avro and python3-confluent-kafka (run it with /usr/bin/python3).
"""

import argparse
import math
import random
import struct
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition

import contrastream_avro as wire

OUTPUT_TOPICS = ("scores", "alerts", "metrics", "pairs-dlq")
# topic option -> the record type the job writes there
TOPIC_TYPES = {"scores": "PairScore", "alerts": "ChangeAlert", "metrics": "LossMetrics", "pairs-dlq": "DeadLetter"}


# ------------------------------------------------------------------------------------------------
# The feed: per model, a few "locations" seen twice (before / after). Most pairs are the same
# place with a little noise (SAME); some changed (DIFFERENT). A fraction carries the label.


class Feed:
    def __init__(self, models, dim, locations, change_rate, label_fraction, seed):
        self.rng = random.Random(seed)
        self.models = models
        self.dim = dim
        self.change_rate = change_rate
        self.label_fraction = label_fraction
        self.ground = {
            m: [[self.rng.gauss(0.0, 1.0) for _ in range(dim)] for _ in range(locations)] for m in models
        }

    def pair(self, index, run_id, event_time):
        """(event dict, whether it is a real change)."""
        model = self.models[index % len(self.models)]
        location = self.rng.randrange(len(self.ground[model]))
        before = self.ground[model][location]
        changed = self.rng.random() < self.change_rate
        if changed:
            after = [self.rng.gauss(0.0, 1.0) for _ in range(self.dim)]
        else:
            after = [x + self.rng.gauss(0.0, 0.1) for x in before]
        # Avro floats are 32-bit: round here, so that the event is exactly what the job reads.
        before, after = float32(before), float32(after)
        label = None
        if self.rng.random() < self.label_fraction:
            label = "DIFFERENT" if changed else "SAME"
        event = {
            "event_id": "%s-%d" % (run_id, index),
            "model": model,
            "left": {"id": "%s/loc-%d/t0" % (model, location), "features": before},
            "right": {"id": "%s/loc-%d/t%d" % (model, location, index), "features": after},
            "label": label,
            "event_time": event_time,
        }
        return event, changed


def float32(values):
    return list(struct.unpack("<%df" % len(values), struct.pack("<%df" % len(values), *values)))


# ------------------------------------------------------------------------------------------------
# Kafka


def client_config(args, **extra):
    conf = {"bootstrap.servers": args.bootstrap_servers}
    for setting in args.config:
        key, sep, value = setting.partition("=")
        if not sep:
            raise SystemExit("-X takes KEY=VALUE, got " + setting)
        conf[key] = value
    conf.update(extra)
    return conf


def produce(args, schemas):
    """Writes the events; returns {event_id: (model, left_id, right_id, label)} of those written."""
    feed = Feed(args.models.split(","), args.dim, args.locations, args.change_rate, args.label_fraction, args.seed)
    run_id = args.run_id or "py-%x" % int(time.time() * 1000)
    producer = Producer(client_config(args, **{"acks": "all", "enable.idempotence": True, "linger.ms": 5}))
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(err)

    written = {}
    labels = Counter()
    start = datetime.now(timezone.utc)
    for i in range(args.events):
        # Event times one millisecond apart, from now: the order a model sees them in.
        event, _ = feed.pair(i, run_id, datetime.fromtimestamp(start.timestamp() + i / 1000.0, tz=timezone.utc))
        value = schemas.encode("PairEvent", event)
        # Keyed by model, as the engine's own producers do (one partition per model keeps order).
        while True:
            try:
                producer.produce(args.topic, key=event["model"].encode("utf-8"), value=value, on_delivery=delivered)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
        written[event["event_id"]] = (event["model"], event["left"]["id"], event["right"]["id"], event["label"])
        labels[event["label"] or "unlabelled"] += 1
    left = producer.flush(30)
    if failures or left:
        raise SystemExit("produce failed: %d not delivered, first error %s" % (left + len(failures), failures[:1]))
    print(
        "produced %d pair events to %s (Avro, PairEvent %016x): models %s, %d features; %s"
        % (
            len(written),
            args.topic,
            schemas["PairEvent"].fingerprint,
            args.models,
            args.dim,
            ", ".join("%d %s" % (n, k) for k, n in sorted(labels.items())),
        )
    )
    if args.ids_out:
        with open(args.ids_out, "w", encoding="utf-8") as f:
            for event_id, (model, left_id, right_id, label) in written.items():
                f.write("\t".join((event_id, model, left_id, right_id, label or "")) + "\n")
    return written


def read_ids(path):
    written = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            event_id, model, left_id, right_id, label = line.rstrip("\n").split("\t")
            written[event_id] = (model, left_id, right_id, label or None)
    return written


class Outputs:
    """Everything read back, decoded, per topic."""

    def __init__(self):
        self.records = defaultdict(list)  # topic -> [record]
        self.undecodable = []  # (topic, partition, offset, reason)


def read_outputs(args, schemas, written, timeout):
    """Reads the output topics from the beginning, read_committed, until every partition is at
    its end and (when ``written`` is given) every written event is scored or dead-lettered, or
    ``timeout`` seconds passed."""
    topics = {"scores": args.scores_topic, "alerts": args.alerts_topic, "metrics": args.metrics_topic,
              "pairs-dlq": args.dead_letter_topic}
    kinds = {name: kind for kind, name in topics.items()}
    consumer = Consumer(
        client_config(
            args,
            **{
                "group.id": "contrastream-python-example-%x" % random.getrandbits(32),
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
                "enable.partition.eof": True,
                "auto.offset.reset": "earliest",
            }
        )
    )
    outputs = Outputs()
    try:
        metadata = consumer.list_topics(timeout=10)
        partitions = []
        for name in topics.values():
            if name not in metadata.topics or metadata.topics[name].error is not None:
                raise SystemExit("topic %s not found at %s" % (name, args.bootstrap_servers))
            partitions += [TopicPartition(name, p, OFFSET_BEGINNING) for p in metadata.topics[name].partitions]
        consumer.assign(partitions)
        at_end = set()
        pending = set(written or ())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                if len(at_end) == len(partitions) and not pending:
                    break
                continue
            where = (msg.topic(), msg.partition())
            if msg.error() is not None:
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(where)
                    if len(at_end) == len(partitions) and not pending:
                        break
                    continue
                raise KafkaException(msg.error())
            at_end.discard(where)
            kind = kinds[msg.topic()]
            try:
                name, record = schemas.decode(msg.value())
                if name != TOPIC_TYPES[kind]:
                    raise wire.WireFormatError("a %s on the %s topic" % (name, kind))
            except wire.WireFormatError as e:
                outputs.undecodable.append((msg.topic(), msg.partition(), msg.offset(), str(e)))
                continue
            outputs.records[kind].append(record)
            if kind == "scores":
                pending.discard(record["event_id"])
            elif kind == "pairs-dlq":
                original = dead_letter_event_id(schemas, record)
                pending.discard(original)
        outputs.timed_out = time.monotonic() >= deadline
        outputs.pending = pending
    finally:
        consumer.close()
    return outputs


def dead_letter_event_id(schemas, dead_letter):
    """The event_id of the refused record, when it is a PairEvent that decodes; else None."""
    try:
        name, event = schemas.decode(dead_letter["original"])
    except wire.WireFormatError:
        return None
    return event["event_id"] if name == "PairEvent" else None


# ------------------------------------------------------------------------------------------------
# Report and checks


def fmt(x, spec=".4f"):
    return "-" if x is None else format(x, spec)


def report(args, schemas, written, outputs):
    ours = written or {}
    scores = [s for s in outputs.records["scores"] if not ours or s["event_id"] in ours]
    alerts = outputs.records["alerts"]
    models = sorted({m for (m, _, _, _) in ours.values()}) if ours else sorted({s["model"] for s in scores})
    counts = [len(outputs.records[k]) for k in ("scores", "alerts", "metrics", "pairs-dlq")]
    print(
        "read back (read_committed): %d scores, %d alerts, %d metrics, %d dead letters; %d undecodable"
        % tuple(counts + [len(outputs.undecodable)])
    )
    if ours:
        print("  of this run's %d events: %d scored" % (len(ours), len(scores)))
    print("  %-14s %7s %9s %12s %12s %8s" % ("model", "scores", "labelled", "dist SAME", "dist DIFF", "alerts"))
    for model in models:
        mine = [s for s in scores if s["model"] == model]
        same = [s["distance"] for s in mine if s["label"] == "SAME"]
        diff = [s["distance"] for s in mine if s["label"] == "DIFFERENT"]
        print(
            "  %-14s %7d %9d %12s %12s %8d"
            % (
                model,
                len(mine),
                len(same) + len(diff),
                fmt(sum(same) / len(same) if same else None),
                fmt(sum(diff) / len(diff) if diff else None),
                sum(1 for a in alerts if a["model"] == model),
            )
        )
    shown = [a for a in alerts if a["model"] in models][: args.show]
    if shown:
        print("  alerts (first %d):" % len(shown))
    for a in shown:
        if a["event_id"] is not None:  # about one pair: CHANGE or DUPLICATE
            what = "%s  distance %s, threshold %s" % (a["event_id"], fmt(a["distance"]), fmt(a["threshold"]))
        else:  # about the model: DRIFT, UPDATES_SKIPPED
            what = a["detail"]
        print(
            "    %s  %-15s %-12s model v%-6d %s"
            % (a["event_time"].isoformat(timespec="milliseconds"), a["kind"], a["model"], a["model_version"], what)
        )
    latest = {}
    for m in outputs.records["metrics"]:
        if m["model"] in models and (m["model"] not in latest or m["model_version"] >= latest[m["model"]]["model_version"]):
            latest[m["model"]] = m
    for model, m in sorted(latest.items()):
        print(
            "  metrics %-12s v%-6d loss %s  ROC-AUC %s  accuracy %s  threshold %s"
            % (model, m["model_version"], fmt(m["mean_loss"]), fmt(m["roc_auc"]), fmt(m["accuracy"]), fmt(m["threshold"]))
        )
    for topic, partition, offset, reason in outputs.undecodable[:5]:
        print("  undecodable: %s[%d]@%d: %s" % (topic, partition, offset, reason))


def check(schemas, written, outputs, min_alerts):
    """The example's end-to-end claims; returns a list of failures (empty: all hold)."""
    failures = []
    if outputs.undecodable:
        failures.append("%d output records do not decode, first: %s" % (len(outputs.undecodable), outputs.undecodable[0]))
    counts = Counter(s["event_id"] for s in outputs.records["scores"])
    missing = [e for e in written if counts[e] == 0]
    twice = [e for e in written if counts[e] > 1]
    if missing:
        failures.append("%d of %d events never scored, e.g. %s" % (len(missing), len(written), missing[:3]))
    if twice:
        failures.append("%d events scored more than once, e.g. %s" % (len(twice), twice[:3]))
    for s in outputs.records["scores"]:
        if s["event_id"] in written:
            model, left_id, right_id, label = written[s["event_id"]]
            if (s["model"], s["left_id"], s["right_id"], s["label"]) != (model, left_id, right_id, label):
                failures.append("score of %s does not match the event written: %s" % (s["event_id"], s))
                break
            if not math.isfinite(s["distance"]):
                failures.append("score of %s has distance %r" % (s["event_id"], s["distance"]))
                break
    refused = [dl for dl in outputs.records["pairs-dlq"] if dead_letter_event_id(schemas, dl) in written]
    if refused:
        failures.append(
            "%d events dead-lettered, first: %s %s" % (len(refused), refused[0]["reason"], refused[0]["message"])
        )
    # Per-pair alerts are the scores flagged alert=true, one each, naming the same pair.
    flagged = {s["event_id"]: s for s in outputs.records["scores"] if s["event_id"] in written and s["alert"]}
    pair_alerts = [a for a in outputs.records["alerts"] if a["event_id"] in written]
    alerted = Counter(a["event_id"] for a in pair_alerts)
    if set(alerted) != set(flagged) or any(n != 1 for n in alerted.values()):
        failures.append(
            "alerts do not match the scores flagged alert=true: %d alerts on %d events, %d flagged scores"
            % (len(pair_alerts), len(alerted), len(flagged))
        )
    for a in pair_alerts:
        s = flagged.get(a["event_id"])
        if s is not None and (a["model"], a["left_id"], a["right_id"], a["distance"]) != (
            s["model"], s["left_id"], s["right_id"], s["distance"]
        ):
            failures.append("alert %s does not match its score %s" % (a, s))
            break
    if len(pair_alerts) < min_alerts:
        failures.append("%d alerts on this run's events, expected at least %d" % (len(pair_alerts), min_alerts))
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092", help="Kafka brokers (default: %(default)s)")
    parser.add_argument("-X", dest="config", action="append", default=[], metavar="KEY=VALUE",
                        help="extra librdkafka setting for producer and consumer (SASL, SSL), repeatable")
    parser.add_argument("--schemas", default=wire.DEFAULT_SCHEMA_DIR, help="directory of the .avsc files (default: the repository's)")
    parser.add_argument("--topic", default="pairs", help="input topic of the job (default: %(default)s)")
    parser.add_argument("--scores-topic", default="scores")
    parser.add_argument("--alerts-topic", default="alerts")
    parser.add_argument("--metrics-topic", default="metrics")
    parser.add_argument("--dead-letter-topic", default="pairs-dlq")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{roundtrip,produce,read}")
    modes = {
        "roundtrip": sub.add_parser("roundtrip", help="produce, then read back until every event is scored"),
        "produce": sub.add_parser("produce", help="only write pair events"),
        "read": sub.add_parser("read", help="only read the outputs back"),
    }
    for name in ("roundtrip", "produce"):
        p = modes[name]
        p.add_argument("--events", type=int, default=1000, help="pair events to write (default: %(default)s)")
        p.add_argument("--models", default="py-parcels,py-roofs", help="comma-separated model names (default: %(default)s)")
        p.add_argument("--dim", type=int, default=8, help="features per item (default: %(default)s)")
        p.add_argument("--locations", type=int, default=50, help="places per model (default: %(default)s)")
        p.add_argument("--change-rate", type=float, default=0.2, help="fraction of real changes (default: %(default)s)")
        p.add_argument("--label-fraction", type=float, default=0.5, help="fraction labelled (default: %(default)s)")
        p.add_argument("--seed", type=int, default=7)
        p.add_argument("--run-id", help="prefix of the event ids (default: py-<milliseconds now, hex>)")
        p.add_argument("--ids-out", help="write event_id, model, left id, right id, label of each event (TSV)")
    modes["read"].add_argument("--ids", help="the --ids-out file of a produce run: wait for, and report on, its events")
    for name in ("roundtrip", "read"):
        p = modes[name]
        p.add_argument("--timeout", type=float, default=120, help="seconds to wait for the outputs (default: %(default)s)")
        p.add_argument("--show", type=int, default=10, help="alerts to print (default: %(default)s)")
        p.add_argument("--check", action="store_true",
                       help="exit 1 unless every event was scored exactly once, none dead-lettered, every"
                            " output decodes and the alerts are the scores flagged alert=true")
        p.add_argument("--min-alerts", type=int, default=0, help="with --check: alerts expected at least (default: %(default)s)")
    args = parser.parse_args(argv)

    schemas = wire.WireSchemas(args.schemas)
    if args.command in ("produce", "roundtrip"):
        written = produce(args, schemas)
        if args.command == "produce":
            return 0
    else:
        written = read_ids(args.ids) if args.ids else None
    outputs = read_outputs(args, schemas, written, args.timeout)
    report(args, schemas, written, outputs)
    if outputs.pending:
        print("  %d events neither scored nor dead-lettered after %.0f s" % (len(outputs.pending), args.timeout))
    if args.check:
        if written is None:
            raise SystemExit("--check needs the events: give --ids (or use roundtrip)")
        failures = check(schemas, written, outputs, args.min_alerts)
        for failure in failures:
            print("  FAILED CHECK: " + failure)
        if failures:
            return 1
        print("  checks passed: every event scored exactly once, none dead-lettered, all outputs decode,"
              " alerts = scores flagged alert=true")
    return 1 if outputs.pending else 0


if __name__ == "__main__":
    sys.exit(main())
