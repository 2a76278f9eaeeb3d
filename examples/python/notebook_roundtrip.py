#!/usr/bin/python3
"""From notebook to stream and back: a model trained offline in PyTorch, fine-tuned by the engine
on a stream, and loaded back into PyTorch.

    /usr/bin/python3 examples/python/notebook_roundtrip.py [--work DIR] [--steps 300]

1. Offline: trains torch.nn.Linear(64, 16) with the contrastive loss (Euclidean, margin 2, the
   engine's form) on pairs of the bundled digits (data/digits.csv.gz, pixels / 16; SAME = same
   digit), rows 0-899; writes it as safetensors with the engine's metadata
   (model_interop.save), to WORK/offline.safetensors.
2. Stream: 3,000 labelled pairs of rows 900-1499 as JSON-lines pair events, and
   `./contrastream replay --init-from WORK/offline.safetensors --snapshot-every 1000`: every new
   model starts from the offline one and learns on. The first score (model version 0) must equal
   PyTorch's distance for that pair: the engine really started from the file.
3. Back: WORK/out/models/digits.safetensors (read with numpy, model_interop.load) becomes the
   state dict of a torch.nn.Linear again, which embeds held-out digits (rows 1500-1796).

Reports the pair ROC-AUC of the distance on held-out pairs at each stage. Needs PyTorch and numpy
(Debian: python3-torch, python3-numpy; Debian's /usr/bin/python3) and Java 17 + Maven for
./contrastream. A manual walkthrough: python3-torch is large, so CI does not run it.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

try:
    import numpy as np
    import torch
except ImportError as e:
    sys.exit(
        f"notebook_roundtrip.py needs PyTorch and numpy ({e}). On Debian: "
        "`apt-get install python3-torch python3-numpy`, then run it with /usr/bin/python3 "
        f"(this is {sys.executable}).")

sys.path.insert(0, HERE)
import model_interop  # noqa: E402  (the numpy reader and writer beside this file)

MODEL = "digits"
DIM, EMBEDDING, MARGIN = 64, 16, 2.0


def digits():
    with gzip.open(os.path.join(ROOT, "data", "digits.csv.gz"), "rt") as f:
        rows = np.array([[float(v) for v in line.split(",")] for line in f if line.strip()])
    return (rows[:, :DIM] / 16.0).astype(np.float32), rows[:, DIM].astype(int)


def pairs(x, y, n, rng):
    """n pairs of rows of x, half SAME (same digit), half DIFFERENT."""
    by_class = {c: np.flatnonzero(y == c) for c in np.unique(y)}
    left, right, same = [], [], []
    for k in range(n):
        i = int(rng.integers(len(y)))
        if k % 2 == 0:
            j = int(rng.choice(by_class[y[i]]))
        else:
            j = int(rng.choice(np.flatnonzero(y != y[i])))
        left.append(i), right.append(j), same.append(y[i] == y[j])
    return x[left], x[right], np.array(same)


def distance(f, a, b):
    """The engine's Euclidean distance sqrt(|f(a) - f(b)|^2 + 1e-8)."""
    return torch.sqrt(((f(a) - f(b)) ** 2).sum(dim=1) + 1e-8)


def auc(d, same):
    """ROC-AUC of -distance for SAME against DIFFERENT (Mann-Whitney, ties halved)."""
    pos, neg = d[same], d[~same]
    return float(((pos[:, None] < neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum())
                 / (len(pos) * len(neg)))


def standardised(encoder, mean, scale):
    """The encoder behind the model's input standardisation, as the engine runs it: the encoder
    sees (x - mean) * scale, computed in float64 and rounded to float32 once."""

    class Standardised(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            self.register_buffer("mean", torch.from_numpy(mean.copy()))
            self.register_buffer("scale", torch.from_numpy(scale.copy()))

        def forward(self, v):
            return self.encoder(((v.double() - self.mean) * self.scale).float())

    return Standardised()


def held_out_auc(linear, held):
    with torch.no_grad():
        d = distance(linear, torch.from_numpy(held[0]), torch.from_numpy(held[1])).numpy()
    return auc(d, held[2])


def shown(path):
    """A path as the reader would type it: relative to the working directory when under it."""
    if not path.startswith("/"):
        return path
    rel = os.path.relpath(path, os.getcwd())
    return path if rel.startswith("..") else os.path.join(".", rel)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", help="directory for the files (default: a new temporary one)")
    p.add_argument("--steps", type=int, default=300, help="offline Adam steps of 128 pairs")
    args = p.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="contrastream-notebook-")
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    x, y = digits()
    train, stream, test = slice(0, 900), slice(900, 1500), slice(1500, len(y))
    held = pairs(x[test], y[test], 2000, rng)

    # 1. Offline, in PyTorch.
    linear = torch.nn.Linear(DIM, EMBEDDING)
    print(f"torch {torch.__version__}, numpy {np.__version__}; work dir {work}")
    print(f"offline: nn.Linear({DIM}, {EMBEDDING}) at initialisation, held-out pair ROC-AUC "
          f"{held_out_auc(linear, held):.4f}")
    optimizer = torch.optim.Adam(linear.parameters(), lr=1e-2)
    for _ in range(args.steps):
        a, b, same = pairs(x[train], y[train], 128, rng)
        d = distance(linear, torch.from_numpy(a), torch.from_numpy(b))
        s = torch.from_numpy(same.astype(np.float32))
        loss = 0.5 * (s * d ** 2 + (1 - s) * torch.clamp(MARGIN - d, min=0) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"offline: {args.steps} Adam steps of 128 pairs (rows 0-899), last batch loss "
          f"{loss.item():.4f}, held-out pair ROC-AUC {held_out_auc(linear, held):.4f}")
    offline = os.path.join(work, "offline.safetensors")
    model_interop.save(
        offline,
        {k: v.detach().numpy() for k, v in linear.state_dict().items()},
        model_interop.linear_metadata(MODEL, DIM, EMBEDDING, margin=MARGIN))
    print(f"offline: wrote {offline} ({os.path.getsize(offline):,} bytes)")

    # 2. The stream: the engine starts from the offline model and learns on.
    events = os.path.join(work, "pairs.jsonl")
    a, b, same = pairs(x[stream], y[stream], 3000, rng)
    with open(events, "w") as f:
        for i in range(len(same)):
            f.write(json.dumps({
                "event_id": f"e{i}", "model": MODEL,
                "left": {"id": f"l{i}", "features": [float(v) for v in a[i]]},
                "right": {"id": f"r{i}", "features": [float(v) for v in b[i]]},
                "label": "SAME" if same[i] else "DIFFERENT",
                "event_time": 1_700_000_000_000 + i}) + "\n")
    out = os.path.join(work, "out")
    command = [os.path.join(ROOT, "contrastream"), "replay", "--input", events, "--output-dir", out,
               "--overwrite", "--progress-every", "0", "--encoder", "linear",
               "--embedding-dim", str(EMBEDDING), "--loss", "euclidean", "--margin", str(MARGIN),
               "--optimizer", "adam", "--learning-rate", "1e-3", "--metrics-every", "1000",
               "--snapshot-every", "1000", "--init-from", offline]
    print("stream: " + " ".join(shown(c) for c in command))
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"replay failed (exit {run.returncode}):\n{run.stderr}")
    with open(os.path.join(out, "scores.jsonl")) as f:
        first = json.loads(f.readline())
    with torch.no_grad():
        d0 = distance(linear, torch.from_numpy(a[:1]), torch.from_numpy(b[:1])).item()
    print(f"stream: first score, model version {first['model_version']}: engine distance "
          f"{first['distance']:.6f}, PyTorch's offline model {d0:.6f}")
    if first["model_version"] != 0 or abs(first["distance"] - d0) > 1e-5 * max(1.0, d0):
        sys.exit("the engine did not start from the offline model")
    with open(os.path.join(out, "metrics.jsonl")) as f:
        for line in f:
            m = json.loads(line)
            print(f"stream: metrics window to version {m['model_version']}: loss "
                  f"{m['mean_loss']:.4f}, ROC-AUC {m['roc_auc']:.4f}")
    print("stream: model files " + ", ".join(sorted(os.listdir(os.path.join(out, "models")))))

    # 3. Back to PyTorch, through numpy.
    meta, tensors = model_interop.load(os.path.join(out, "models", f"{MODEL}.safetensors"))
    # A model that standardises its inputs carries input.mean and input.scale (float64): the
    # encoder sees (x - mean) * scale. Pop them before load_state_dict and apply them to inputs.
    # (Started from a file without them, as here, the engine pinned them to the identity.)
    mean = tensors.pop("input.mean", None)
    scale = tensors.pop("input.scale", None)
    if mean is not None:
        print(f"back: the file carries its input standardisation: mean in "
              f"[{mean.min():.3g}, {mean.max():.3g}], scale in [{scale.min():.3g}, {scale.max():.3g}]")
    plain = torch.nn.Linear(int(meta["input_dim"]), int(meta["embedding_dim"]))
    plain.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()})
    tuned = plain if mean is None else standardised(plain, mean, scale)
    with torch.no_grad():
        embeddings = tuned(torch.from_numpy(x[test]))
        moved = torch.linalg.norm(plain.weight - linear.weight).item()
    print(f"back: models/{MODEL}.safetensors, version {meta['model_version']}, loaded into "
          f"nn.Linear({meta['input_dim']}, {meta['embedding_dim']}); |W_stream - W_offline| = "
          f"{moved:.4f}")
    print(f"back: embedded {embeddings.shape[0]} held-out digits -> {tuple(embeddings.shape)}; "
          f"held-out pair ROC-AUC {held_out_auc(tuned, held):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
