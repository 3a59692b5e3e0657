"""Same-run ReservoirPy 0.4.2 figures for bench/index.mjs (used only when `import reservoirpy`
works; this workspace cannot install it, so the script is untested here). Prints one JSON
object: Mackey-Glass one-step-ahead build/fit/run seconds and NRMSE(ptp) for 500 and 2000 units
on the shared series, the same protocol as the JS bench."""
import json, sys, time
import numpy as np
import reservoirpy as rpy
from reservoirpy.nodes import Reservoir, Ridge

rpy.verbosity(0)
shared = sys.argv[1]
s = np.array(json.load(open(f"{shared}/reservoir/mackey_glass_tau17.json"))["series"])[:, None]
out = {"version": rpy.__version__}
for units, seeds in ((500, (0, 1, 2)), (2000, (0,))):
    rows = []
    for seed in seeds:
        t = time.perf_counter()
        res = Reservoir(units, sr=1.25, lr=0.3, input_scaling=1.0, rc_connectivity=0.1, input_connectivity=0.1, seed=seed)
        esn = res >> Ridge(ridge=1e-6)
        res.initialize(s[:1])
        build = time.perf_counter() - t
        t = time.perf_counter()
        esn.fit(s[0:10000], s[1:10001], warmup=100)
        fit = time.perf_counter() - t
        t = time.perf_counter()
        pred = esn.run(s[10000:12000])
        run = time.perf_counter() - t
        truth = s[10001:12001]
        nrmse = float(np.sqrt(np.mean((pred - truth) ** 2)) / np.ptp(truth))
        rows.append({"seed": seed, "buildSeconds": build, "fitSeconds": fit, "runSeconds": run, "nrmse": nrmse})
    out[f"mackeyGlass{units}"] = {k: float(np.mean([r[k] for r in rows])) for k in ("buildSeconds", "fitSeconds", "runSeconds", "nrmse")}
print(json.dumps(out))
