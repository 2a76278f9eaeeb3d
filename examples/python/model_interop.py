#!/usr/bin/python3
"""Reads a Contrastream model file (safetensors) with numpy alone and reproduces the engine.

    model_interop.py embed --model FILE --features 0.1,0.2,...      # prints the embedding
    model_interop.py check --model FILE --pairs PAIRS.jsonl [--tolerance 1e-5]
    model_interop.py write --out FILE --model NAME --input-dim 16 --embedding-dim 8 [--seed 1]

`write` makes a linear model with numpy alone (weights as nn.Linear initialises them,
U(-1/sqrt(in), 1/sqrt(in))), in the layout the engine reads with `--init-from FILE`.

`check` reads JSON lines {"left": [...], "right": [...], "distance": d} (the engine's
dissimilarity of the pair under the model) and recomputes every distance from the file:
Euclidean sqrt(|f(a) - f(b)|^2 + 1e-8), or 1 - cos(f(a), f(b)) for the cosine loss, with f the
encoder the metadata names (nn.Linear, or Linear-ReLU-Linear; L2-normalised if `normalize`),
applied to (x - input.mean) * input.scale when the file carries the model's standardisation.
It exits 1 if any distance differs by more than tolerance * max(1, d).

Nothing here imports the engine: the layout is the safetensors format (8-byte little-endian
header length, JSON header, little-endian float32 tensors, float64 for the standardisation)
with PyTorch's tensor names.
"""
import argparse
import json
import struct
import sys

import numpy as np


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__")
    tensors = {}
    dtypes = {"F32": "<f4", "F64": "<f8"}
    for name, t in header.items():
        assert t["dtype"] in dtypes, t
        begin, end = t["data_offsets"]
        raw = data[8 + n + begin:8 + n + end]
        tensors[name] = np.frombuffer(raw, dtype=dtypes[t["dtype"]]).reshape(t["shape"])
    return meta, tensors


def encoder(meta, tensors):
    kind = meta["encoder"]
    normalize = meta["normalize"] == "true"

    def f(x):
        x = np.asarray(x, dtype=np.float64)
        if "input.mean" in tensors:
            # the engine standardises in float64 and rounds to float32 once
            x = ((x - tensors["input.mean"]) * tensors["input.scale"]).astype(np.float32)
            x = x.astype(np.float64)
        if kind == "linear":
            y = tensors["weight"].astype(np.float64) @ x + tensors["bias"]
        elif kind == "mlp":
            h = np.maximum(tensors["0.weight"].astype(np.float64) @ x + tensors["0.bias"], 0.0)
            y = tensors["2.weight"].astype(np.float64) @ h + tensors["2.bias"]
        elif kind == "identity":
            y = x
        else:
            raise SystemExit(f"unknown encoder {kind!r}")
        y = y.astype(np.float32).astype(np.float64)  # the engine's embeddings are float32
        if normalize:
            y = y / max(np.linalg.norm(y), 1e-12)
        return y

    return f


def distance(meta, a, b):
    if meta["loss"] == "cosine":
        return 1.0 - float(a @ b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12)
    return float(np.sqrt(np.sum((a - b) ** 2) + 1e-8))


def save(path, tensors, metadata):
    """Writes float32 `tensors` (name -> array, PyTorch's names) and `metadata` as safetensors."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    offset, blobs = 0, []
    for name, t in tensors.items():
        blob = np.ascontiguousarray(t, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def linear_metadata(model, input_dim, embedding_dim, margin=2.0, threshold=1.0):
    """The metadata of a linear Euclidean model, unnormalised, version 0: what --init-from reads."""
    return {
        "format": "contrastream-model", "format_version": "1", "model": model, "model_version": "0",
        "encoder": "linear", "input_dim": str(input_dim), "embedding_dim": str(embedding_dim),
        "hidden_dim": "0", "normalize": "false", "loss": "euclidean", "margin": str(margin),
        "threshold": str(threshold)}


def write(path, model, input_dim, embedding_dim, seed):
    rng = np.random.default_rng(seed)
    bound = 1.0 / np.sqrt(input_dim)
    tensors = {
        "weight": rng.uniform(-bound, bound, (embedding_dim, input_dim)).astype("<f4"),
        "bias": rng.uniform(-bound, bound, (embedding_dim,)).astype("<f4"),
    }
    save(path, tensors, linear_metadata(model, input_dim, embedding_dim))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--model", required=True)
    e.add_argument("--features", required=True)
    c = sub.add_parser("check")
    c.add_argument("--model", required=True)
    c.add_argument("--pairs", required=True)
    c.add_argument("--tolerance", type=float, default=1e-5)
    w = sub.add_parser("write")
    w.add_argument("--out", required=True)
    w.add_argument("--model", required=True)
    w.add_argument("--input-dim", type=int, required=True)
    w.add_argument("--embedding-dim", type=int, required=True)
    w.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if args.command == "write":
        write(args.out, args.model, args.input_dim, args.embedding_dim, args.seed)
        print(f"wrote {args.out}: linear {args.input_dim} -> {args.embedding_dim}, seed {args.seed}")
        return 0
    meta, tensors = load(args.model)
    f = encoder(meta, tensors)
    if args.command == "embed":
        print(json.dumps([float(v) for v in f([float(v) for v in args.features.split(",")])]))
        return 0
    worst, count, bad = 0.0, 0, 0
    with open(args.pairs) as lines:
        for line in lines:
            pair = json.loads(line)
            d = distance(meta, f(pair["left"]), f(pair["right"]))
            err = abs(d - pair["distance"]) / max(1.0, abs(pair["distance"]))
            worst = max(worst, err)
            count += 1
            if err > args.tolerance:
                bad += 1
                print(f"pair {count}: numpy {d!r}, engine {pair['distance']!r}", file=sys.stderr)
    print(f"{count} pairs, model {meta['model']!r} version {meta['model_version']} "
          f"({meta['encoder']}, {meta['loss']}): worst relative difference {worst:.3g}, "
          f"{bad} beyond {args.tolerance:g}")
    return 1 if bad or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
