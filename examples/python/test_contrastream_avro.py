"""Checks contrastream_avro against bytes the Java side wrote or documents, not against itself:
the golden binaries and JSON lines of schemas/src/test/resources/golden (written by WireCodec and
JsonCodec, checked by GoldenFilesTest) and the canonical form, fingerprint and 39-byte worked
example of schemas/README.md (checked by ReadmeExampleTest).

    /usr/bin/python3 -m unittest -v test_contrastream_avro     # from examples/python
"""

import base64
import json
import math
import os
import re
import unittest
from datetime import datetime, timezone

import avro.schema

import contrastream_avro as wire

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GOLDEN = os.path.join(ROOT, "schemas", "src", "test", "resources", "golden")
SCHEMAS_README = os.path.join(ROOT, "schemas", "README.md")

# golden file stem -> the record type it holds
GOLDEN_TYPES = {
    "pair-event": "PairEvent",
    "pair-score": "PairScore",
    "loss-metrics": "LossMetrics",
    "change-alert": "ChangeAlert",
    "dead-letter": "DeadLetter",
}


def as_json(value):
    """A decoded record in the engine's JSON form: timestamps as epoch milliseconds, bytes as
    base64, non-finite floats as strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime):
        return wire.millis(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def readme_block(marker):
    with open(SCHEMAS_README, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"<!-- %s:begin -->\n```\n(.*?)\n```\n<!-- %s:end -->" % (marker, marker), text, re.S)
    if match is None:
        raise AssertionError("no %s block in %s" % (marker, SCHEMAS_README))
    return match.group(1)


class ReadmeTest(unittest.TestCase):
    def setUp(self):
        self.schemas = wire.WireSchemas()

    def test_canonical_form_and_fingerprint_of_pair_event_are_the_documented_ones(self):
        entry = self.schemas["PairEvent"]
        self.assertEqual(readme_block("canonical-form"), entry.canonical_form)
        self.assertEqual(0x83B56301BEC3E515, entry.fingerprint)
        self.assertEqual(bytes.fromhex("c3 01 15 e5 c3 be 01 63 b5 83"), entry.header)

    def test_worked_example_is_written_byte_for_byte(self):
        documented = bytearray()
        for line in readme_block("wire-example").splitlines()[1:]:  # skip the heading
            hex_column = line[8:34]
            documented += bytes.fromhex(hex_column)
        self.assertEqual(39, len(documented))
        event = {
            "event_id": "e1",
            "model": "m",
            "left": {"id": "a", "features": [1.0]},
            "right": {"id": "b", "features": [0.5]},
            "label": "SAME",
            "event_time": datetime.fromtimestamp(1_700_000_000, tz=timezone.utc),
        }
        self.assertEqual(bytes(documented), self.schemas.encode("PairEvent", event))
        self.assertEqual(("PairEvent", event), self.schemas.decode(bytes(documented)))

    def test_canonical_form_agrees_with_the_avro_library_where_no_logical_type_is_involved(self):
        # python3-avro 1.11.1 writes a logical type's primitive as {"type":"long"} (against the
        # specification); for schemas without one, its canonical form is an independent reference.
        for name in ("Item", "PairLabel", "AlertKind", "DeadLetterReason"):
            entry = self.schemas[name]
            self.assertEqual(entry.schema.canonical_form, entry.canonical_form, name)


def golden_binaries():
    """(stem, version, bytes) of every committed golden binary, e.g. ("change-alert", 2, ...)."""
    found = []
    for file_name in sorted(os.listdir(GOLDEN)):
        match = re.fullmatch(r"(.+)-v(\d+)\.bin", file_name)
        if match:
            with open(os.path.join(GOLDEN, file_name), "rb") as f:
                found.append((match.group(1), int(match.group(2)), f.read()))
    return found


class GoldenFilesTest(unittest.TestCase):
    def setUp(self):
        self.schemas = wire.WireSchemas()

    def test_there_is_a_golden_binary_of_every_type(self):
        self.assertEqual(set(GOLDEN_TYPES), {stem for stem, _, _ in golden_binaries()})

    def test_v1_binaries_decode_to_the_golden_json_lines(self):
        # The JSON lines hold the version 1 records (JsonGoldenFilesTest), read here as today's schema.
        for stem, version, message in golden_binaries():
            if version != 1:
                continue
            with self.subTest(stem):
                with open(os.path.join(GOLDEN, stem + ".json"), encoding="utf-8") as f:
                    expected = json.loads(f.read())
                name, record = self.schemas.decode(message)
                self.assertEqual(GOLDEN_TYPES[stem], name)
                self.assertEqual(expected, as_json(record))

    def test_the_newest_binary_of_each_type_is_what_this_writer_writes(self):
        newest = {}
        for stem, version, message in golden_binaries():
            if stem not in newest or version > newest[stem][0]:
                newest[stem] = (version, message)
        for stem, (version, message) in newest.items():
            with self.subTest(stem=stem, version=version):
                type_name = GOLDEN_TYPES[stem]
                self.assertEqual(self.schemas[type_name].header, message[: wire.HEADER_LENGTH])
                name, record = self.schemas.decode(message)
                self.assertEqual(message, self.schemas.encode(type_name, record))

    def test_v2_symbols_decode(self):
        by_file = {(stem, version): message for stem, version, message in golden_binaries()}
        self.assertEqual("UPDATES_SKIPPED", self.schemas.decode(by_file[("change-alert", 2)])[1]["kind"])
        self.assertEqual("DUPLICATE_EVENT", self.schemas.decode(by_file[("dead-letter", 2)])[1]["reason"])

    def test_every_truncation_and_a_trailing_byte_are_refused(self):
        for stem, version, message in golden_binaries():
            for length in range(len(message)):
                with self.subTest(stem=stem, version=version, length=length):
                    with self.assertRaises(wire.WireFormatError):
                        self.schemas.decode(message[:length])
            with self.assertRaisesRegex(wire.WireFormatError, "1 trailing bytes"):
                self.schemas.decode(message + b"\x00")

    def test_unknown_fingerprint_and_wrong_marker_are_refused(self):
        message = {(s, v): m for s, v, m in golden_binaries()}[("pair-event", 1)]
        changed = bytearray(message)
        changed[5] ^= 0x01
        with self.assertRaisesRegex(wire.WireFormatError, "unknown schema fingerprint"):
            self.schemas.decode(bytes(changed))
        with self.assertRaisesRegex(wire.WireFormatError, "no C3 01 header"):
            self.schemas.decode(b"\xc3\x02" + message[2:])
        # A named type that is not a record (Item is one, PairLabel is not) is never a message.
        label = self.schemas["PairLabel"].header + b"\x00"
        with self.assertRaisesRegex(wire.WireFormatError, "unknown schema fingerprint"):
            self.schemas.decode(label)


class HistoryTest(unittest.TestCase):
    def test_the_newest_history_file_of_each_type_is_the_current_schema_and_versions_differ(self):
        schemas = wire.WireSchemas()
        newest = {}
        for entry in schemas.history:
            if entry.name not in newest or entry.version > newest[entry.name].version:
                newest[entry.name] = entry
        self.assertEqual(set(GOLDEN_TYPES.values()), set(newest))
        for name, entry in newest.items():
            # Self-contained history file and by-reference .avsc files give the same canonical form.
            self.assertEqual(schemas[name].canonical_form, entry.canonical_form, name)
        fingerprints = [entry.fingerprint for entry in schemas.history]
        self.assertEqual(len(fingerprints), len(set(fingerprints)))

    def test_golden_binaries_of_older_versions_need_the_history(self):
        current_only = wire.WireSchemas(history_dir=None)
        older = [(s, v, m) for s, v, m in golden_binaries()
                 if m[: wire.HEADER_LENGTH] != current_only[GOLDEN_TYPES[s]].header]
        self.assertTrue(older, "no golden binary of an older version")
        for stem, version, message in older:
            with self.assertRaisesRegex(wire.WireFormatError, "unknown schema fingerprint"):
                current_only.decode(message)


class CanonicalFormTest(unittest.TestCase):
    def test_specification_rules(self):
        definitions = {
            "a.Inner": {"type": "fixed", "name": "Inner", "namespace": "a", "size": 4, "doc": "x"},
        }
        node = {
            "type": "record",
            "name": "Outer",
            "namespace": "a",
            "doc": "dropped",
            "aliases": ["dropped"],
            "fields": [
                {"name": "t", "type": {"type": "long", "logicalType": "timestamp-millis"}, "default": 0},
                {"name": "i", "type": "Inner"},
                {"name": "j", "type": "a.Inner"},
                {"name": "m", "type": {"type": "map", "values": {"type": "int"}}},
                {"name": "e", "type": {"type": "enum", "name": "b.E", "symbols": ["X", "Y"]}},
                {"name": "r", "type": {"type": "record", "name": "R", "fields": [{"name": "x", "type": "b.E"}]}},
            ],
        }
        self.assertEqual(
            '{"name":"a.Outer","type":"record","fields":['
            '{"name":"t","type":"long"},'
            '{"name":"i","type":{"name":"a.Inner","type":"fixed","size":4}},'
            '{"name":"j","type":"a.Inner"},'
            '{"name":"m","type":{"type":"map","values":"int"}},'
            '{"name":"e","type":{"name":"b.E","type":"enum","symbols":["X","Y"]}},'
            '{"name":"r","type":{"name":"a.R","type":"record","fields":[{"name":"x","type":"b.E"}]}}]}',
            wire.parsing_canonical_form(node, definitions),
        )

    def test_crc64_avro_of_nothing_is_the_empty_fingerprint_and_matches_the_avro_library_elsewhere(self):
        self.assertEqual(0xC15D213AA4D7A795, wire.crc64_avro(b""))
        # Java, Avro 1.12.1: SchemaNormalization.parsingFingerprint64(Schema.create(INT)).
        self.assertEqual(0x7275D51A3F395C8F, wire.crc64_avro(b'"int"'))


if __name__ == "__main__":
    unittest.main()
