"""The torchdiffeq peer of @phaseflow/neural-ode's bench (never imported by the library).

torchdiffeq's `examples/ode_demo.py` training step, driven by `bench/index.mjs` over stdin and
stdout (one JSON object per line each way) so that both sides get the same data, the same
initial weights and the same batches:

  {"cmd": "setup", "method": "rk4"|"dopri5", "adjoint": bool, "dtype": "float32"|"float64",
   "trueY": [...1000×2], "t": [...1000], "weights": [W1 (2×50, ours: in × out), b1, W2, b2],
   "batchTime": 10}
  {"cmd": "check", "starts": [...]}         → loss, gradients (in our layout), nfe forward/backward
  {"cmd": "time", "batches": [[...], ...], "threads": n} → ms per iteration, mean nfe

torchdiffeq's `rk4` is the 3/8 rule on the output grid (one step per output interval); dopri5
runs at its defaults (rtol 1e-7, atol 1e-9). RMSprop lr 1e-3 as the demo.

`python3 torchdiffeq_peer.py memory '{"batch": 256, "steps": 1000, "adjoint": false}'` measures
the growth of the process's peak RSS over one 1000-step backward pass instead (a fresh process
per configuration). torchdiffeq is found through TORCHDIFFEQ_PATH (a checkout of
github.com/rtqichen/torchdiffeq), never vendored.
"""
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.environ.get("TORCHDIFFEQ_PATH", ""))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from torchdiffeq import odeint, odeint_adjoint  # noqa: E402


class ODEFunc(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 50), nn.Tanh(), nn.Linear(50, 2))
        self.nfe = 0

    def forward(self, t, y):
        self.nfe += 1
        return self.net(y**3)


def load_weights(func, weights, dtype):
    w1, b1, w2, b2 = weights
    with torch.no_grad():
        # ours: kernels in × out, row-major; torch: weight out × in
        func.net[0].weight.copy_(torch.tensor(w1, dtype=dtype).reshape(2, 50).T)
        func.net[0].bias.copy_(torch.tensor(b1, dtype=dtype))
        func.net[2].weight.copy_(torch.tensor(w2, dtype=dtype).reshape(50, 2).T)
        func.net[2].bias.copy_(torch.tensor(b2, dtype=dtype))


def grads_in_our_layout(func):
    g = [func.net[0].weight.grad.T.reshape(-1), func.net[0].bias.grad, func.net[2].weight.grad.T.reshape(-1), func.net[2].bias.grad]
    return torch.cat([x.detach().reshape(-1) for x in g]).double().tolist()


class Peer:
    def setup(self, m):
        self.dtype = torch.float64 if m["dtype"] == "float64" else torch.float32
        self.func = ODEFunc().to(self.dtype)
        load_weights(self.func, m["weights"], self.dtype)
        self.opt = torch.optim.RMSprop(self.func.parameters(), lr=1e-3)
        self.true_y = torch.tensor(m["trueY"], dtype=self.dtype).reshape(-1, 1, 2)
        self.t = torch.tensor(m["t"], dtype=self.dtype)
        self.batch_time = m["batchTime"]
        self.method = m["method"]
        self.solve = odeint_adjoint if m["adjoint"] else odeint
        return {"ok": True, "torch": torch.__version__, "threads": torch.get_num_threads()}

    def get_batch(self, starts):
        s = torch.tensor(starts, dtype=torch.int64)
        batch_y0 = self.true_y[s]  # (M, 1, D)
        batch_t = self.t[: self.batch_time]
        batch_y = torch.stack([self.true_y[s + i] for i in range(self.batch_time)], dim=0)  # (T, M, 1, D)
        return batch_y0, batch_t, batch_y

    def iteration(self, starts):
        self.opt.zero_grad()
        batch_y0, batch_t, batch_y = self.get_batch(starts)
        self.func.nfe = 0
        pred_y = self.solve(self.func, batch_y0, batch_t, method=self.method)
        forward = self.func.nfe
        loss = torch.mean(torch.abs(pred_y - batch_y))
        loss.backward()
        backward = self.func.nfe - forward
        return loss, forward, backward

    def check(self, m):
        loss, forward, backward = self.iteration(m["starts"])
        out = {"loss": loss.item(), "gradient": grads_in_our_layout(self.func), "nfeForward": forward, "nfeBackward": backward}
        self.opt.zero_grad()
        return out

    def time(self, m):
        torch.set_num_threads(m.get("threads", 1))
        nfe = 0
        started = time.perf_counter()
        for starts in m["batches"]:
            loss, forward, backward = self.iteration(starts)
            self.opt.step()
            loss.item()
            nfe += forward + backward
        ms = (time.perf_counter() - started) * 1000 / len(m["batches"])
        return {"msPerIteration": ms, "nfePerIteration": nfe / len(m["batches"]), "threads": torch.get_num_threads()}


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(cfg):
    torch.set_num_threads(1)
    torch.manual_seed(1)
    func = ODEFunc()
    x = (torch.rand(cfg["batch"], 2) * 2 - 1) * 2
    t = torch.tensor([0.0, 1.0])
    solve = odeint_adjoint if cfg["adjoint"] else odeint
    rss0 = rss_bytes()
    started = time.perf_counter()
    y = solve(func, x, t, method="rk4", options={"step_size": 1.0 / cfg["steps"]})
    loss = torch.mean(torch.abs(y[-1]))
    loss.backward()
    ms = (time.perf_counter() - started) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"batch": cfg["batch"], "steps": cfg["steps"], "adjoint": cfg["adjoint"], "ms": ms, "rssGrowthBytes": peak - rss0, "nfe": func.nfe, "torch": torch.__version__}


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "memory":
        print(json.dumps(memory(json.loads(sys.argv[2]))), flush=True)
        return
    torch.set_num_threads(1)
    peer = Peer()
    for line in sys.stdin:
        m = json.loads(line)
        try:
            out = getattr(peer, m["cmd"])(m)
        except Exception as e:  # reported to the bench, which prints it
            out = {"error": repr(e)}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
