"""Same-run ReservoirPy 0.4 figures for bench/index.mjs (run when `import reservoirpy` works;
RESERVOIRPY_PYTHON picks the interpreter). Mackey-Glass one step ahead on the shared series,
the protocol of the JS bench: build (Reservoir + Ridge, weights drawn and W rescaled to its
spectral radius by ARPACK), fit on rows 0..9999 (warm-up 100, ridge 1e-6), run rows
10000..11999. BLAS threads are whatever the caller's environment says (OPENBLAS_NUM_THREADS
etc.); the script reports what threadpoolctl-free numpy sees.
Usage: python3 reservoirpy_bench.py <shared-data-dir> <units> <seed> [<seed> ...]
       python3 reservoirpy_bench.py <shared-data-dir> <units> --build-only <seed> [<seed> ...]
The second form times the build alone, once per seed, in this one process after the import
(the build sweep of bench/index.mjs).
Prints one JSON object."""
import gc, json, os, sys, time
import numpy as np
import reservoirpy as rpy
from reservoirpy.nodes import Reservoir, Ridge

shared, units = sys.argv[1], int(sys.argv[2])
build_only = len(sys.argv) > 3 and sys.argv[3] == "--build-only"
seeds = [int(a) for a in sys.argv[(4 if build_only else 3):]] or [0]
s = np.array(json.load(open(f"{shared}/reservoir/mackey_glass_tau17.json"))["series"])[:, None]
rows = []
if build_only:
    for seed in seeds:
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        res = Reservoir(units, sr=1.25, lr=0.3, input_scaling=1.0, rc_connectivity=0.1, input_connectivity=0.1, seed=seed)
        esn = res >> Ridge(ridge=1e-6)
        res.initialize(s[:1])
        rows.append({"seed": seed, "buildSeconds": time.perf_counter() - t, "buildCpuSeconds": time.process_time() - c})
    print(json.dumps({"version": rpy.__version__, "units": units, "rows": rows}))
    sys.exit(0)
for seed in seeds:
    gc.collect()  # as the JS side collects before each timed phase
    t, c = time.perf_counter(), time.process_time()
    res = Reservoir(units, sr=1.25, lr=0.3, input_scaling=1.0, rc_connectivity=0.1, input_connectivity=0.1, seed=seed)
    esn = res >> Ridge(ridge=1e-6)
    res.initialize(s[:1])
    build, buildCpu = time.perf_counter() - t, time.process_time() - c
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    esn.fit(s[0:10000], s[1:10001], warmup=100)
    fit, fitCpu = time.perf_counter() - t, time.process_time() - c
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    pred = esn.run(s[10000:12000])
    run, runCpu = time.perf_counter() - t, time.process_time() - c
    truth = s[10001:12001]
    nrmse = float(np.sqrt(np.mean((pred - truth) ** 2)) / np.ptp(truth))
    rows.append({"seed": seed, "buildSeconds": build, "fitSeconds": fit, "runSeconds": run,
                 "cpuSeconds": {"build": buildCpu, "fit": fitCpu, "run": runCpu}, "nrmse": nrmse})
threads = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS") if os.environ.get(k) is not None}
print(json.dumps({"version": rpy.__version__, "numpy": np.__version__, "units": units, "blasThreadsEnv": threads, "rows": rows}))
