"""PyTorch peer of the hamiltonian-nets bench: one JSON job per line on stdin, one JSON answer.

Started as `python3 torch-peer.py THREADS` (torch.set_num_threads(THREADS) once, before any
work). Job `hnn`: Greydanus et al.'s HNN training step as their PyTorch code writes it — H_θ an
MLP, its input gradient with create_graph=True, the field (∂H/∂p, −∂H/∂q), the MSE against the
observed derivatives, backward, Adam with weight decay — from the weights, data and step count
the job carries (θ in nn64's layout). Answers the wall and CPU time of every step and the loss and
gradient of the first step (before the update), for the identical-work check.
"""
import json
import sys
import time

import torch

threads = int(sys.argv[1])
torch.set_num_threads(threads)


def hnn(job):
    sizes = job["sizes"]
    theta = job["theta"]
    layers, off = [], 0
    for a, b in zip(sizes[:-1], sizes[1:]):
        lin = torch.nn.Linear(a, b)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(theta[off:off + a * b], dtype=torch.float32).reshape(a, b).t())
            off += a * b
            lin.bias.copy_(torch.tensor(theta[off:off + b], dtype=torch.float32))
            off += b
        layers.append(lin)
    mods = []
    for i, lin in enumerate(layers):
        mods.append(lin)
        if i + 1 < len(layers):
            mods.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*mods)
    n = sizes[0]
    d = n // 2
    x = torch.tensor(job["x"], dtype=torch.float32).reshape(-1, n)
    y = torch.tensor(job["y"], dtype=torch.float32).reshape(-1, n)
    opt = torch.optim.Adam(model.parameters(), lr=job["lr"], weight_decay=job["weightDecay"], eps=1e-7)
    step_ms, step_cpu, first = [], [], None
    for _ in range(job["steps"]):
        t0, c0 = time.perf_counter(), time.process_time()
        xr = x.clone().requires_grad_(True)
        H = model(xr)
        dH = torch.autograd.grad(H.sum(), xr, create_graph=True)[0]
        field = torch.cat([dH[:, d:], -dH[:, :d]], 1)
        loss = ((field - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        if first is None:
            grad = []
            for lin in layers:
                g = lin.bias.grad if lin.bias.grad is not None else torch.zeros_like(lin.bias)
                grad += lin.weight.grad.t().reshape(-1).tolist() + g.tolist()
            first = {"loss": loss.item(), "grad": grad}
        opt.step()
        step_ms.append((time.perf_counter() - t0) * 1000)
        step_cpu.append((time.process_time() - c0) * 1000)
    return {"stepMs": step_ms, "stepCpuMs": step_cpu, "first": first}


JOBS = {"hnn": hnn}

print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    print(json.dumps(JOBS[job["kind"]](job)), flush=True)
