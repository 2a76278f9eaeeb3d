"""Contrastream's Avro wire format in Python, with Debian's python3-avro (1.11).

Every record on Contrastream's topics (pair events in; scores, metrics, alerts, dead letters out)
is one Avro *single-object encoding* message (see schemas/README.md):

    C3 01 | CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical Form (8 bytes,
    little-endian) | the record in Avro's binary encoding

``WireSchemas`` reads the project's .avsc files (which refer to each other by name), computes
each schema's fingerprint, and encodes and decodes messages.

Two things are done here rather than by the avro library, on purpose:

* **The canonical form.** python3-avro 1.11.1's ``Schema.canonical_form`` keeps a logical type's
  primitive as ``{"type":"long"}`` where the specification (and Java's ``SchemaNormalization``)
  writes ``"long"``, so every schema with a ``timestamp-millis`` field would get a fingerprint the
  engine does not know. ``parsing_canonical_form`` follows the specification from the .avsc JSON.
* **The fingerprint.** python3-avro 1.11 has no CRC-64-AVRO; ``crc64_avro`` is the specification's
  algorithm (a table-driven 64-bit Rabin CRC).

The binary body is written and read by avro's own ``DatumWriter`` and ``DatumReader``.
"""

import io
import json
import os
from datetime import datetime, timedelta, timezone

import avro.errors
import avro.io
import avro.schema
from avro.name import Names

MARKER = b"\xc3\x01"
HEADER_LENGTH = len(MARKER) + 8

_SCHEMAS_MODULE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "src", "main")
# The current schemas, one named type per file, referring to each other by name.
DEFAULT_SCHEMA_DIR = os.path.normpath(os.path.join(_SCHEMAS_MODULE, "avro"))
# Every committed version of each record type, self-contained: <Type>-v<N>.avsc.
DEFAULT_HISTORY_DIR = os.path.normpath(os.path.join(_SCHEMAS_MODULE, "resources", "io", "contrastream", "schema", "history"))

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_NAMED = {"record", "enum", "fixed", "error"}

# CRC-64-AVRO, as given in the Avro specification ("Schema Fingerprints").
_CRC64_EMPTY = 0xC15D213AA4D7A795
_CRC64_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_CRC64_EMPTY if _fp & 1 else 0)
    _CRC64_TABLE.append(_fp)


def crc64_avro(data):
    """The 64-bit CRC-64-AVRO (Rabin) fingerprint of ``data`` (bytes), as an unsigned int."""
    fp = _CRC64_EMPTY
    for byte in data:
        fp = (fp >> 8) ^ _CRC64_TABLE[(fp ^ byte) & 0xFF]
    return fp


class WireFormatError(ValueError):
    """A message that is not a record of a known schema: bad marker, unknown fingerprint, bad body."""


def _full_name(name, namespace):
    if "." in name or not namespace:
        return name
    return namespace + "." + name


def _references(node, namespace, out):
    """Collects the full names that a schema's JSON refers to (not those it defines)."""
    if isinstance(node, str):
        if node not in _PRIMITIVES:
            out.add(_full_name(node, namespace))
    elif isinstance(node, list):
        for branch in node:
            _references(branch, namespace, out)
    elif isinstance(node, dict):
        kind = node.get("type")
        if kind in _NAMED:
            namespace = node.get("namespace", namespace)
            if "." in node["name"]:
                namespace = node["name"].rsplit(".", 1)[0]
            for field in node.get("fields", []):
                _references(field["type"], namespace, out)
        elif kind == "array":
            _references(node["items"], namespace, out)
        elif kind == "map":
            _references(node["values"], namespace, out)
        elif kind not in _PRIMITIVES:
            _references(kind, namespace, out)


def parsing_canonical_form(node, definitions, namespace=None, seen=None):
    """The Parsing Canonical Form of a schema given as JSON (Avro specification, "Transforming
    into Parsing Canonical Form"): full names, only the attributes that matter for parsing
    (name, type, fields, symbols, items, values, size, in that order), primitives as plain
    strings, no whitespace. A named type that ``node`` only refers to is looked up in
    ``definitions`` (full name -> JSON) and written in full at its first occurrence, by name after.
    """
    if seen is None:
        seen = set()
    if isinstance(node, str):
        if node in _PRIMITIVES:
            return json.dumps(node)
        full = _full_name(node, namespace)
        if full in seen:
            return json.dumps(full)
        if full not in definitions:
            raise ValueError("unknown named type " + full)
        return parsing_canonical_form(definitions[full], definitions, namespace, seen)
    if isinstance(node, list):
        return "[" + ",".join(parsing_canonical_form(b, definitions, namespace, seen) for b in node) + "]"
    kind = node["type"]
    if kind in _PRIMITIVES:  # {"type": "long", "logicalType": ...} is just "long"
        return json.dumps(kind)
    if kind in _NAMED:
        namespace = node.get("namespace", namespace)
        full = _full_name(node["name"], namespace)
        namespace = full.rsplit(".", 1)[0] if "." in full else None
        seen.add(full)
        head = '{"name":' + json.dumps(full) + ',"type":' + json.dumps("record" if kind == "error" else kind)
        if kind in ("record", "error"):
            fields = ",".join(
                '{"name":' + json.dumps(f["name"]) + ',"type":'
                + parsing_canonical_form(f["type"], definitions, namespace, seen) + "}"
                for f in node["fields"]
            )
            return head + ',"fields":[' + fields + "]}"
        if kind == "enum":
            return head + ',"symbols":' + json.dumps(node["symbols"], separators=(",", ":")) + "}"
        return head + ',"size":' + str(int(node["size"])) + "}"
    if kind == "array":
        return '{"type":"array","items":' + parsing_canonical_form(node["items"], definitions, namespace, seen) + "}"
    if kind == "map":
        return '{"type":"map","values":' + parsing_canonical_form(node["values"], definitions, namespace, seen) + "}"
    return parsing_canonical_form(kind, definitions, namespace, seen)  # {"type": <a schema>}


class WireSchema:
    """One named schema: ``name`` (short), ``full_name``, ``schema`` (avro), ``canonical_form``,
    ``fingerprint`` (int), ``header`` (the 10 bytes that start each of its messages) and
    ``version`` (N of a history file, None for the current schema)."""

    def __init__(self, full_name, schema, canonical_form, reader_schema=None, version=None):
        self.full_name = full_name
        self.name = full_name.rsplit(".", 1)[-1]
        self.schema = schema
        self.canonical_form = canonical_form
        self.version = version
        self.fingerprint = crc64_avro(canonical_form.encode("utf-8"))
        self.header = MARKER + self.fingerprint.to_bytes(8, "little")
        self._writer = avro.io.DatumWriter(schema)
        # Messages written with this schema are read as the current one (Avro schema resolution).
        self._reader = avro.io.DatumReader(schema, reader_schema or schema)


class WireSchemas:
    """The current schemas of one directory of .avsc files (one named type each, referring to
    others by name, parsed in dependency order into one avro ``Names``), plus every committed
    older version of each record type (``history_dir``, self-contained ``<Type>-v<N>.avsc``),
    so that messages of any version decode, resolved to the current schema. Encoding always
    uses the current schema."""

    def __init__(self, schema_dir=DEFAULT_SCHEMA_DIR, history_dir=DEFAULT_HISTORY_DIR):
        definitions = {}
        for file_name in sorted(os.listdir(schema_dir)):
            if file_name.endswith(".avsc"):
                with open(os.path.join(schema_dir, file_name), encoding="utf-8") as f:
                    node = json.load(f)
                definitions[_full_name(node["name"], node.get("namespace"))] = node
        if not definitions:
            raise ValueError("no .avsc files in " + schema_dir)
        names = Names()
        self.by_name = {}
        self._by_header = {}
        for full_name in self._dependency_order(definitions):
            node = definitions[full_name]
            schema = avro.schema.make_avsc_object(node, names)
            entry = WireSchema(full_name, schema, parsing_canonical_form(node, definitions))
            self.by_name[entry.name] = entry
            if node["type"] in ("record", "error"):  # only records go on the wire
                self._by_header[entry.header] = entry
        self.history = []
        for file_name in sorted(os.listdir(history_dir)) if history_dir else ():
            if not file_name.endswith(".avsc"):
                continue
            type_name, version = file_name[: -len(".avsc")].rsplit("-v", 1)
            with open(os.path.join(history_dir, file_name), encoding="utf-8") as f:
                node = json.load(f)
            current = self.by_name.get(type_name)
            if current is None:
                continue  # a type this reader no longer has
            full_name = _full_name(node["name"], node.get("namespace"))
            entry = WireSchema(
                full_name,
                avro.schema.make_avsc_object(node, Names()),
                parsing_canonical_form(node, {}),
                reader_schema=current.schema,
                version=int(version),
            )
            self.history.append(entry)
            self._by_header.setdefault(entry.header, entry)  # the current version reads itself

    @staticmethod
    def _dependency_order(definitions):
        order, done = [], set()

        def visit(full_name, path):
            if full_name in done:
                return
            if full_name in path:
                raise ValueError("schemas refer to each other in a cycle: " + " -> ".join(path + [full_name]))
            if full_name not in definitions:
                raise ValueError("unknown named type %s (referred to by %s)" % (full_name, path[-1]))
            node = definitions[full_name]
            refs = set()
            _references(node, node.get("namespace"), refs)
            for ref in sorted(refs - {full_name}):
                visit(ref, path + [full_name])
            done.add(full_name)
            order.append(full_name)

        for full_name in sorted(definitions):
            visit(full_name, [])
        return order

    def __getitem__(self, name):
        return self.by_name[name]

    def encode(self, name, datum):
        """One message of record type ``name`` (e.g. "PairEvent"); datum is a dict as avro's
        DatumWriter takes it (timestamp-millis fields as timezone-aware datetimes)."""
        entry = self.by_name[name]
        out = io.BytesIO()
        out.write(entry.header)
        entry._writer.write(datum, avro.io.BinaryEncoder(out))
        return out.getvalue()

    def decode(self, message):
        """(short type name, record dict) of one message; ``WireFormatError`` if the marker is
        wrong, the fingerprint unknown, the body malformed or followed by extra bytes."""
        if message is None or len(message) < HEADER_LENGTH or message[:2] != MARKER:
            raise WireFormatError("not an Avro single-object message (no C3 01 header)")
        entry = self._by_header.get(bytes(message[:HEADER_LENGTH]))
        if entry is None:
            raise WireFormatError(
                "unknown schema fingerprint %016x" % int.from_bytes(message[2:HEADER_LENGTH], "little")
            )
        body = io.BytesIO(message[HEADER_LENGTH:])
        try:
            datum = entry._reader.read(avro.io.BinaryDecoder(body))
        except (avro.errors.AvroException, ValueError, TypeError, IndexError, UnicodeDecodeError) as e:
            raise WireFormatError("%s body does not decode: %s" % (entry.name, e)) from e
        if body.tell() != len(message) - HEADER_LENGTH:
            raise WireFormatError(
                "%s body has %d trailing bytes" % (entry.name, len(message) - HEADER_LENGTH - body.tell())
            )
        return entry.name, datum


def millis(when):
    """Milliseconds since the Unix epoch of a timezone-aware datetime (as the engine's JSON has it)."""
    return (when - EPOCH) // timedelta(milliseconds=1)


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
