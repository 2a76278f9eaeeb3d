"""The example's end-to-end check (``produce_pairs.check``) on hand-made outputs: it passes on a
consistent read-back and names each way a read-back can be wrong.

    /usr/bin/python3 -m unittest -v test_produce_pairs      # from examples/python
"""

import os
import re
import unittest
from datetime import datetime, timezone
from unittest import mock

import contrastream_avro as wire
import produce_pairs

WHEN = datetime(2024, 5, 1, tzinfo=timezone.utc)


class CheckTest(unittest.TestCase):
    def setUp(self):
        self.schemas = wire.WireSchemas()
        feed = produce_pairs.Feed(["m1", "m2"], dim=3, locations=4, change_rate=0.5, label_fraction=0.5, seed=1)
        self.events = [feed.pair(i, "t", WHEN)[0] for i in range(6)]
        self.written = {
            e["event_id"]: (e["model"], e["left"]["id"], e["right"]["id"], e["label"]) for e in self.events
        }
        self.outputs = produce_pairs.Outputs()
        for i, e in enumerate(self.events):
            self.outputs.records["scores"].append(self.score(e, alert=(i == 2)))
        self.outputs.records["alerts"].append(self.alert(self.outputs.records["scores"][2]))

    @staticmethod
    def score(event, alert):
        return {
            "event_id": event["event_id"], "model": event["model"], "left_id": event["left"]["id"],
            "right_id": event["right"]["id"], "distance": 0.5, "similarity": None, "label": event["label"],
            "loss": None, "threshold": 1.0, "alert": alert, "model_version": 1, "event_time": WHEN,
        }

    @staticmethod
    def alert(score):
        return {
            "alert_id": "a-" + score["event_id"], "kind": "CHANGE", "model": score["model"],
            "event_id": score["event_id"], "left_id": score["left_id"], "right_id": score["right_id"],
            "distance": score["distance"], "threshold": score["threshold"], "model_version": 1,
            "event_time": WHEN, "detail": "",
        }

    def failures(self, min_alerts=0):
        return produce_pairs.check(self.schemas, self.written, self.outputs, min_alerts)

    def test_a_consistent_read_back_passes(self):
        self.assertEqual([], self.failures(min_alerts=1))

    def test_the_feed_writes_what_the_schema_takes(self):
        for event in self.events:
            self.assertEqual(("PairEvent", event), self.schemas.decode(self.schemas.encode("PairEvent", event)))

    def test_a_missing_score_fails(self):
        del self.outputs.records["scores"][4]
        self.assertRegex(" ".join(self.failures()), "1 of 6 events never scored")

    def test_a_score_read_twice_fails(self):
        self.outputs.records["scores"].append(dict(self.outputs.records["scores"][0]))
        self.assertRegex(" ".join(self.failures()), "1 events scored more than once")

    def test_a_score_of_another_pair_fails(self):
        self.outputs.records["scores"][1]["right_id"] = "elsewhere"
        self.assertRegex(" ".join(self.failures()), "does not match the event written")

    def test_a_dead_lettered_event_fails(self):
        original = self.schemas.encode("PairEvent", self.events[3])
        self.outputs.records["pairs-dlq"].append({
            "reason": "DUPLICATE_EVENT", "message": "again", "source": "kafka", "topic": "pairs",
            "partition": 0, "offset": 3, "line": None, "original": original, "model": "m2", "event_time": WHEN,
        })
        self.assertRegex(" ".join(self.failures()), "1 events dead-lettered, first: DUPLICATE_EVENT")

    def test_a_dead_letter_of_someone_elses_record_is_not_ours(self):
        self.outputs.records["pairs-dlq"].append({
            "reason": "UNDECODABLE", "message": "x", "source": "kafka", "topic": "pairs", "partition": 0,
            "offset": 9, "line": None, "original": b"not avro", "model": None, "event_time": None,
        })
        self.assertEqual([], self.failures())

    def test_an_alert_without_a_flagged_score_and_a_flagged_score_without_alert_fail(self):
        self.outputs.records["alerts"].append(self.alert(self.outputs.records["scores"][0]))
        self.assertRegex(" ".join(self.failures()), "alerts do not match the scores flagged")
        self.outputs.records["alerts"] = []
        self.assertRegex(" ".join(self.failures()), "alerts do not match the scores flagged")

    def test_too_few_alerts_and_undecodable_records_fail(self):
        self.assertRegex(" ".join(self.failures(min_alerts=2)), "1 alerts on this run's events, expected at least 2")
        self.outputs.undecodable.append(("scores", 0, 7, "unknown schema fingerprint 0000000000000001"))
        self.assertRegex(" ".join(self.failures()), "1 output records do not decode")


class ReadmeSnippetTest(unittest.TestCase):
    def test_the_snippet_writes_the_worked_example_of_the_schemas_readme(self):
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "README.md"), encoding="utf-8") as f:
            snippet = re.search(r"<!-- snippet:begin -->\n```python\n(.*?)```\n<!-- snippet:end -->", f.read(), re.S)
        self.assertIsNotNone(snippet, "no snippet block in README.md")
        sent = []

        class StandInProducer:
            def __init__(self, config):
                self.config = config

            def produce(self, topic, key=None, value=None):
                sent.append((self.config["bootstrap.servers"], topic, key, value))

            def flush(self, timeout=None):
                return 0

        with mock.patch("confluent_kafka.Producer", StandInProducer):
            exec(compile(snippet.group(1), "README.md snippet", "exec"), {})
        worked_example = bytes.fromhex(
            "c3 01 15 e5 c3 be 01 63 b5 83 04 65 31 02 6d 02 61 02 00 00 80 3f 00"
            " 02 62 02 00 00 00 3f 00 02 00 80 a0 ab fe f9 62"
        )
        self.assertEqual([("127.0.0.1:9092", "pairs", b"m", worked_example)], sent)


if __name__ == "__main__":
    unittest.main()
