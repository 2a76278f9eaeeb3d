#!/usr/bin/python3
"""PyTorch peer for the learning-quality protocol, on the very stream the engine ran.

Reads the files ProtocolExport wrote (pairs as row indices into digits.csv.gz, and the engine's
initial parameters), trains torch.nn.Linear(64, 32) with the Hadsell contrastive loss (margin 2,
d = sqrt(|e1 - e2|^2 + 1e-8)) and plain SGD at 3e-4, one pair per step, then scores the test pairs.

Run with Debian's python3 (python3-torch, python3-numpy), not a pyenv python:
    /usr/bin/python3 benchmarks/peer/reference_protocol.py data/digits.csv.gz OUT_DIR
"""
import gzip
import sys
import time

import numpy as np
import torch


def auc(d, same):
    """Mann-Whitney AUC of -distance with SAME positive; ties count half."""
    order = np.argsort(d, kind="mergesort")
    ranks = np.empty(len(d))
    sorted_d = d[order]
    i = 0
    while i < len(d):
        j = i
        while j < len(d) and sorted_d[j] == sorted_d[i]:
            j += 1
        ranks[order[i:j]] = (i + 1 + j) / 2.0
        i = j
    neg = ~same
    n_neg, n_pos = neg.sum(), same.sum()
    return (ranks[neg].sum() - n_neg * (n_neg + 1) / 2.0) / (n_pos * n_neg)


def main(digits_path, out_dir):
    with gzip.open(digits_path, "rt") as f:
        data = np.loadtxt(f, delimiter=",", dtype=np.float32)
    x = torch.from_numpy(data[:, :64] / 16.0)
    init = np.loadtxt(f"{out_dir}/init.csv", dtype=np.float32)
    train = np.loadtxt(f"{out_dir}/train-pairs.csv", delimiter=",", dtype=np.int64)
    test = np.loadtxt(f"{out_dir}/test-pairs.csv", delimiter=",", dtype=np.int64)

    torch.set_num_threads(1)
    model = torch.nn.Linear(64, 32)
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(init[: 32 * 64].reshape(32, 64)))
        model.bias.copy_(torch.from_numpy(init[32 * 64 :]))
    opt = torch.optim.SGD(model.parameters(), lr=3e-4)
    margin = 2.0
    start = time.perf_counter()
    for left, right, label in train:
        e = model(torch.stack((x[left], x[right])))
        d = torch.sqrt(((e[0] - e[1]) ** 2).sum() + 1e-8)
        y = float(label)
        loss = 0.5 * (y * d**2 + (1 - y) * torch.clamp(margin - d, min=0) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        e1 = model(x[test[:, 0]])
        e2 = model(x[test[:, 1]])
        d = torch.sqrt(((e1 - e2) ** 2).sum(dim=1) + 1e-8).numpy().astype(np.float64)
    same = test[:, 2] == 1
    acc = np.mean((d < margin / 2) == same)
    print(
        f"pytorch {torch.__version__}: pair ROC-AUC {auc(d, same):.4f}, accuracy at margin/2 "
        f"{acc:.4f} ({len(train)} steps in {seconds:.0f} s, {len(train) / seconds:.0f} pairs/s)"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
