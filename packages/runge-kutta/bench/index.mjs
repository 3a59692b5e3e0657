// Work–precision bench: our dopri5 / tsit5 / dop853 against scipy's solve_ivp (RK45, DOP853),
// measured in the same run on the Arenstorf orbit and Lorenz-63. Prints one JSON document.
// Run after a build: npx nx bench @phaseflow/runge-kutta
import { spawnSync } from 'node:child_process';
import { arenstorf, lorenz63 } from '@phaseflow/problems';
import { createDop853, createDopri5, createTsit5, solveIvp } from '@phaseflow/runge-kutta';

const LORENZ_X0 = [17.67715816276679, 12.931379185960404, 43.91404334248268];
const problems = {
  arenstorf: { tols: [1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12], tEnd: arenstorf().period },
  lorenz63: { tols: [1e-8, 1e-9, 1e-10, 1e-11, 1e-12], tEnd: 20 },
};
const maxDiff = (a, b) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

function timeIt(fn) {
  const runs = [];
  let total = 0;
  let out;
  while (runs.length < 3 || (total < 200 && runs.length < 50)) {
    const t = performance.now();
    out = fn();
    const dt = performance.now() - t;
    runs.push(dt);
    total += dt;
  }
  runs.sort((a, b) => a - b);
  return { out, ms: runs[runs.length >> 1] };
}

const ours = { dopri5: createDopri5, tsit5: createTsit5, dop853: createDop853 };
const reference = {};
const results = { ours: {}, scipy: {} };
for (const [name, spec] of Object.entries(problems)) {
  const ref = name === 'arenstorf' ? arenstorf() : lorenz63({ y0: LORENZ_X0 });
  // Arenstorf: exact return to y0 after one period. Lorenz: our DOP853 at rtol = atol = 1e-13.
  const yRef =
    name === 'arenstorf' ? ref.y0() : solveIvp(createDop853(), ref.problem, ref.y0(), { tEnd: 20, rtol: 1e-13, atol: 1e-13, saveAt: 'endpoints' }).yFinal;
  reference[name] = Array.from(yRef);
  for (const [m, make] of Object.entries(ours)) {
    const rows = [];
    for (const tol of spec.tols) {
      const { out, ms } = timeIt(() => solveIvp(make(), ref.problem, ref.y0(), { tEnd: spec.tEnd, rtol: tol, atol: tol, saveAt: 'endpoints', maxSteps: 1e6 }));
      rows.push({ tol, nfev: out.stats.evaluations, accepted: out.stats.accepted, rejected: out.stats.rejected, error: maxDiff(out.yFinal, yRef), ms });
    }
    (results.ours[name] ??= {})[m] = rows;
  }
}

const PY = String.raw`
import json, sys, time
import numpy as np
from scipy.integrate import solve_ivp
import scipy
cfg = json.loads(sys.stdin.read())
mu = 0.012277471; mup = 1 - mu
def arenstorf(t, z):
    x, y, vx, vy = z
    a = ((x + mu)**2 + y*y)**1.5; b = ((x - mup)**2 + y*y)**1.5
    return np.array([vx, vy, x + 2*vy - mup*(x + mu)/a - mu*(x - mup)/b, y - 2*vx - mup*y/a - mu*y/b])
def lorenz(t, u):
    x, y, z = u
    return np.array([10*(y - x), x*(28 - z) - y, x*y - 8/3*z])
fun = {'arenstorf': arenstorf, 'lorenz63': lorenz}
out = {'version': scipy.__version__, 'results': {}}
for name, spec in cfg['problems'].items():
    y0 = np.array(cfg['y0'][name]); yref = np.array(cfg['reference'][name])
    res = {}
    for m in ['RK45', 'DOP853']:
        rows = []
        for tol in spec['tols']:
            times = []; total = 0
            while len(times) < 3 or (total < 0.2 and len(times) < 20):
                t0 = time.perf_counter()
                s = solve_ivp(fun[name], (0, spec['tEnd']), y0, method=m, rtol=tol, atol=tol)
                dt = time.perf_counter() - t0; times.append(dt); total += dt
                if dt > 2: break
            times.sort()
            rows.append({'tol': tol, 'nfev': int(s.nfev), 'accepted': len(s.t) - 1, 'error': float(np.abs(s.y[:, -1] - yref).max()), 'ms': 1000*times[len(times)//2]})
        res[m] = rows
    if name == 'lorenz63':
        s = solve_ivp(fun[name], (0, spec['tEnd']), y0, method='DOP853', rtol=1e-13, atol=1e-13)
        out['lorenzReferenceCheck'] = float(np.abs(s.y[:, -1] - yref).max())
    out['results'][name] = res
print(json.dumps(out))
`;

let scipyNote;
const py = spawnSync('python3', ['-c', PY], {
  input: JSON.stringify({ problems, reference, y0: { arenstorf: Array.from(arenstorf().y0()), lorenz63: LORENZ_X0 } }),
  encoding: 'utf8',
  maxBuffer: 1 << 24,
});
if (py.status === 0) {
  const parsed = JSON.parse(py.stdout);
  results.scipy = parsed.results;
  results.scipyVersion = parsed.version;
  results.lorenzReferenceCheck = { note: 'max |scipy DOP853(1e-13) − our DOP853(1e-13)| at t = 20', value: parsed.lorenzReferenceCheck };
} else scipyNote = `scipy not measured: ${py.error?.message ?? py.stderr.split('\n').filter(Boolean).pop()}`;

// nfev scipy needs for the same achieved error: log–log interpolation on its curve.
function nfevAtError(rows, error) {
  const pts = rows
    .filter((r) => r.error > 0)
    .map((r) => [Math.log(r.error), Math.log(r.nfev)])
    .sort((a, b) => a[0] - b[0]);
  const x = Math.log(error);
  if (pts.length < 2 || x < pts[0][0] || x > pts[pts.length - 1][0]) return null;
  for (let i = 1; i < pts.length; i++) {
    if (x <= pts[i][0]) {
      const [x0, y0] = pts[i - 1];
      const [x1, y1] = pts[i];
      return Math.exp(y0 + ((x - x0) / (x1 - x0)) * (y1 - y0));
    }
  }
  return null;
}
const comparison = {};
if (!scipyNote) {
  for (const name of Object.keys(problems)) {
    for (const [m, peer] of [
      ['dopri5', 'RK45'],
      ['tsit5', 'RK45'],
      ['dop853', 'DOP853'],
    ]) {
      const rows = results.ours[name][m].map((r, i) => {
        const p = results.scipy[name][peer][i];
        const same = nfevAtError(results.scipy[name][peer], r.error);
        return {
          tol: r.tol,
          nfevRatioSameError: same === null ? null : +(r.nfev / same).toFixed(3),
          nfevRatioSameTol: +(r.nfev / p.nfev).toFixed(3),
          errorRatioSameTol: +(r.error / p.error).toFixed(3),
          wallSpeedupSameTol: +(p.ms / r.ms).toFixed(1),
        };
      });
      const valid = rows.map((r) => r.nfevRatioSameError).filter((v) => v !== null);
      comparison[`${name}:${m} vs ${peer}`] = {
        worstNfevRatioSameError: valid.length ? Math.max(...valid) : null,
        minWallSpeedup: Math.min(...rows.map((r) => r.wallSpeedupSameTol)),
        rows,
      };
    }
  }
}

console.log(
  JSON.stringify(
    {
      bench: '@phaseflow/runge-kutta work–precision',
      node: process.version,
      problems: {
        arenstorf: 'one period; error = max |y(T) − y0|',
        lorenz63: `to t = 20 from ${JSON.stringify(LORENZ_X0)}; error = max |y(20) − DOP853(rtol = atol = 1e-13)|`,
      },
      note: "nfevRatioSameError < 1 means fewer f evaluations than scipy for the same achieved error (log–log interpolation on scipy's curve; null outside its range). Wall times are medians; ms.",
      ...(scipyNote && { scipyNote }),
      comparison,
      ...results,
    },
    null,
    1,
  ),
);
