"""A numpy/scipy ESN doing ReservoirPy 0.4.2's arithmetic (same protocol as bench/index.mjs),
timed in the same run as the JS bench so that both see the same machine load. ReservoirPy adds
its own overhead on top of this; it is the floor a numpy-based library can reach.
Usage: python3 numpy_esn.py <shared-data-dir> <units> <seed>"""
import json, sys, time
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import eigs
from scipy import linalg

shared, units, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = np.array(json.load(open(f"{shared}/reservoir/mackey_glass_tau17.json"))["series"])
rng = np.random.default_rng(seed)
t, c = time.perf_counter(), time.process_time()
W = sp.random(units, units, density=0.1, format="csr", random_state=rng, data_rvs=rng.standard_normal)
rho = max(abs(eigs(W, k=1, which="LM", maxiter=20 * units, return_eigenvectors=False)))
W = W * (1.25 / rho)
Win = sp.random(units, 1, density=0.1, format="csr", random_state=rng, data_rvs=lambda n: rng.choice([-1.0, 1.0], n))
build, buildCpu = time.perf_counter() - t, time.process_time() - c

def run(x, u):
    X = np.empty((len(u), units))
    for i in range(len(u)):
        x = 0.7 * x + 0.3 * np.tanh(W @ x + Win @ u[i : i + 1])
        X[i] = x
    return x, X

t, c = time.perf_counter(), time.process_time()
x, X = run(np.zeros(units), s[0:10000])
Xt, Yt = X[100:], s[101:10001, None]
T = len(Xt)
xm, ym = Xt.mean(0), Yt.mean(0)
G = Xt.T @ Xt - T * np.outer(xm, xm)
C = Xt.T @ Yt - T * np.outer(xm, ym)
Wout = linalg.solve(G + 1e-6 * np.eye(units), C, assume_a="sym")
b = ym - xm @ Wout
fit, fitCpu = time.perf_counter() - t, time.process_time() - c
t, c = time.perf_counter(), time.process_time()
x, X = run(x, s[10000:12000])
pred = X @ Wout + b
runs, runCpu = time.perf_counter() - t, time.process_time() - c
truth = s[10001:12001, None]
print(json.dumps({"units": units, "seed": seed, "buildSeconds": build, "fitSeconds": fit, "runSeconds": runs,
                  "cpuSeconds": {"build": buildCpu, "fit": fitCpu, "run": runCpu},
                  "nrmse": float(np.sqrt(np.mean((pred - truth) ** 2)) / np.ptp(truth))}))
