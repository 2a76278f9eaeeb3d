"""PyTorch, one pair per step: the peer of LearnBenchmark's SGD rows, on the same configurations.

Per step, as the JMH benchmark's learn() does for its model: both items through the model, the
smoothed Euclidean distance d = sqrt(||f(x1) - f(x2)||^2 + 1e-8), the contrastive loss (SAME:
d^2 / 2; DIFFERENT: max(0, 2 - d)^2 / 2, margin 2), backward, one torch.optim.SGD step (lr 3e-4,
no clipping: LearnerConfig.reference). Items cycle through 1,024 pre-drawn vectors in [0, 1), half
the labels SAME, as in LearnBenchmark. One thread (torch.set_num_threads(1)). The Java side adds
a calibrator, a drift detector and a metrics window per pair that this loop does not have.

Run with Debian's python3 (python3-torch 1.13), not the pyenv one first on PATH:
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peer/kernel_peer.py [--seconds 3]
Prints one JSON line per configuration: {"model", "pairs_per_s", "runs"} (median of three timed
runs after a warm-up). benchmarks/kernel-vs-pytorch.sh runs it beside the JMH benchmark.
"""
import argparse
import json
import statistics
import time

import torch

MODELS = ["linear:64:0:32", "linear:784:0:128", "mlp:64:256:32"]


def build(spec):
    kind, inp, hidden, out = spec.split(":")
    inp, hidden, out = int(inp), int(hidden), int(out)
    if kind == "linear":
        return torch.nn.Linear(inp, out), inp
    return torch.nn.Sequential(torch.nn.Linear(inp, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, out)), inp


def rate(spec, seconds):
    torch.manual_seed(42)
    model, inp = build(spec)
    opt = torch.optim.SGD(model.parameters(), lr=3e-4)
    gen = torch.Generator().manual_seed(42)
    items = torch.rand(1024, inp, generator=gen)
    same = (torch.rand(1024, generator=gen) < 0.5).tolist()

    def step(i):
        x1 = items[i]
        x2 = items[(i * 7 + 1) & 1023]
        diff = model(x1) - model(x2)
        d = torch.sqrt(torch.dot(diff, diff) + 1e-8)
        loss = 0.5 * d * d if same[i] else 0.5 * torch.clamp(2.0 - d, min=0.0) ** 2
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def timed(duration):
        n = 0
        start = time.perf_counter()
        while True:
            for _ in range(64):
                step(n & 1023)
                n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= duration:
                return n / elapsed

    timed(1.0)  # warm-up
    runs = [timed(seconds) for _ in range(3)]
    return statistics.median(runs), runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each timed run")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for spec in MODELS:
        median, runs = rate(spec, args.seconds)
        print(json.dumps({"model": spec, "pairs_per_s": median, "runs": runs,
                          "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
