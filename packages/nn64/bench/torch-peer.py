"""PyTorch peer of the nn64 bench: reads one JSON job per line on stdin, answers one JSON line.

Started as `python3 torch-peer.py THREADS`; sets torch.set_num_threads(THREADS) once, before any
work. A job carries everything the run needs (initial weights in nn64's layout, data, the
per-epoch permutations), so both sides do identical work; the answer has per-epoch wall times
and the loss and gradient of the first minibatch (before the first update), for the check.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

threads = int(sys.argv[1])
torch.set_num_threads(threads)
torch.manual_seed(0)


def linear_layers(sizes, theta):
    """nn.Linear layers holding nn64's θ (per layer W_l as in × out row-major, then b_l)."""
    layers, off = [], 0
    for a, b in zip(sizes[:-1], sizes[1:]):
        lin = torch.nn.Linear(a, b)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(theta[off:off + a * b], dtype=torch.float32).reshape(a, b).t())
            off += a * b
            lin.bias.copy_(torch.tensor(theta[off:off + b], dtype=torch.float32))
            off += b
        layers.append(lin)
    return layers


def flat_grad(layers):
    out = []
    for lin in layers:
        out += lin.weight.grad.t().reshape(-1).tolist() + lin.bias.grad.tolist()
    return out


def mlp(job):
    sizes = job["sizes"]
    layers = linear_layers(sizes, job["theta"])
    mods = []
    for i, lin in enumerate(layers):
        mods.append(lin)
        if i + 1 < len(layers):
            mods.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*mods)
    x = torch.tensor(job["x"], dtype=torch.float32).reshape(-1, sizes[0])
    y = torch.tensor(job["y"], dtype=torch.long)
    opt = torch.optim.Adam(model.parameters(), lr=job["lr"], eps=1e-7)
    bs = job["batch"]
    n = x.shape[0]
    epoch_ms, epoch_cpu, first = [], [], None
    for perm in job["perms"]:
        idx_all = torch.tensor(perm, dtype=torch.long)
        t0, c0 = time.perf_counter(), time.process_time()
        for start in range(0, n, bs):
            idx = idx_all[start:start + bs]
            xb, yb = x[idx], y[idx]
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            if first is None:
                first = {"loss": loss.item(), "grad": flat_grad(layers)}
            opt.step()
        epoch_ms.append((time.perf_counter() - t0) * 1000)
        epoch_cpu.append((time.process_time() - c0) * 1000)
    return {"epochMs": epoch_ms, "epochCpuMs": epoch_cpu, "first": first}


JOBS = {"mlp": mlp}

print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    print(json.dumps(JOBS[job["kind"]](job)), flush=True)
