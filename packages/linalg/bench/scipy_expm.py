"""scipy's expm on the bench's matrices, in the same run: reads {"cases": [{"n", "data", "reps"}]}
on stdin, prints {"scipy": version, "results": [{"seconds", "data"}]} (seconds per call)."""
import json
import sys
import time

import numpy as np
import scipy
from scipy.linalg import expm

req = json.load(sys.stdin)
out = []
for case in req["cases"]:
    n = case["n"]
    a = np.array(case["data"], dtype=np.float64).reshape(n, n)
    reps = case["reps"]
    e = expm(a)  # warm-up
    t0 = time.perf_counter()
    for _ in range(reps):
        e = expm(a)
    dt = (time.perf_counter() - t0) / reps
    out.append({"seconds": dt, "data": e.reshape(-1).tolist()})
print(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "results": out}))
