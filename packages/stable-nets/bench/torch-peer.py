"""PyTorch peer of the stable-nets bench: one JSON job per line on stdin, one JSON answer.

Started as `python3 torch-peer.py THREADS` (torch.set_num_threads(THREADS) once, before any
work). Job `hamiltonian`: the Hamiltonian block network as a torch module — opening
tanh(x W + b), N Verlet steps of Z ← Z − h tanh(Y K_j + b_j) (a half kick first),
Y ← Y + h tanh(Z K_jᵀ + b_j), closing logits, cross-entropy — forward and backward (no
optimiser step), from the weights (θ in the model's weight order) and data the job carries.
Answers the wall and CPU time of every iteration and the loss and gradient of the first.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

threads = int(sys.argv[1])
torch.set_num_threads(threads)


class HamiltonianNet(torch.nn.Module):
    def __init__(self, inputs, width, depth, classes, h, theta):
        super().__init__()
        self.h, self.depth = h, depth
        t = torch.tensor(theta, dtype=torch.float32)
        off = 0

        def take(*shape):
            nonlocal off
            n = 1
            for s in shape:
                n *= s
            p = torch.nn.Parameter(t[off:off + n].reshape(*shape).clone())
            off += n
            return p

        self.Wo, self.bo = take(inputs, width), take(width)
        self.K, self.b = take(depth, width, width), take(depth, width)
        self.Wc, self.bc = take(width, classes), take(classes)

    def forward(self, x):
        h = self.h
        y = torch.tanh(x @ self.Wo + self.bo)
        z = None
        for j in range(self.depth):
            k, b = self.K[j], self.b[j]
            kick = torch.tanh(y @ k + b)
            z = -0.5 * h * kick if z is None else z - h * kick
            y = y + h * torch.tanh(z @ k.t() + b)
        return y @ self.Wc + self.bc


def hamiltonian(job):
    model = HamiltonianNet(job["inputs"], job["width"], job["depth"], job["classes"], job["h"], job["theta"])
    x = torch.tensor(job["x"], dtype=torch.float32).reshape(-1, job["inputs"])
    y = torch.tensor(job["y"], dtype=torch.long)
    params = list(model.parameters())
    ms, cpu, first = [], [], None
    for _ in range(job["iterations"]):
        t0, c0 = time.perf_counter(), time.process_time()
        for p in params:
            p.grad = None
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        ms.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if first is None:
            first = {"loss": loss.item(), "grad": [v for p in params for v in p.grad.reshape(-1).tolist()]}
    return {"ms": ms, "cpuMs": cpu, "first": first}


JOBS = {"hamiltonian": hamiltonian}

print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    print(json.dumps(JOBS[job["kind"]](job)), flush=True)
