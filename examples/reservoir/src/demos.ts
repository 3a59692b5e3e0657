/**
 * `phaseflow demo` figures of @phaseflow/reservoir: Mackey–Glass one-step-ahead prediction
 * against the truth, and the Lorenz attractor generated in closed loop next to the true one,
 * with the valid prediction time marked. The series come from the shared comparison files
 * when they are found ($PHASEFLOW_SHARED_DATA, `shared/data` inside or beside the checkout, or
 * `../shared/data` from the working directory), else from a local integration (documented
 * recurrence for Mackey–Glass, RK4 for Lorenz).
 */
import type { Demo, DemoContext } from '@phaseflow/core';
import {
  createEsn,
  matrix,
  type Matrix,
  nrmse,
  validPredictionTime,
  createRidge,
} from '@phaseflow/reservoir';

/**
 * Where the shared comparison files may be: `$PHASEFLOW_SHARED_DATA`, then `shared/data` beside
 * or inside the repository checkout (found from this module's own file, so the working directory
 * does not matter), then the two cwd-relative places the demo has always looked in.
 */
async function sharedDataDirs(proc: { env: Record<string, string | undefined>; cwd(): string }): Promise<string[]> {
  const path = (await import('node:path' as string)) as { resolve(...p: string[]): string; dirname(p: string): string };
  const dirs: (string | undefined)[] = [proc.env['PHASEFLOW_SHARED_DATA']];
  if (import.meta.url.startsWith('file:')) {
    const url = (await import('node:url' as string)) as { fileURLToPath(u: string): string };
    // examples/reservoir/{src,dist}/demos.* → shared/data beside the checkout, then inside it
    const here = path.dirname(url.fileURLToPath(import.meta.url));
    dirs.push(path.resolve(here, '../../../../shared/data'), path.resolve(here, '../../../shared/data'));
  }
  dirs.push(path.resolve(proc.cwd(), '../shared/data'), path.resolve(proc.cwd(), '../../../shared/data'));
  return dirs.filter((d): d is string => !!d);
}

async function sharedSeries(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    const proc = (globalThis as { process?: { env: Record<string, string | undefined>; cwd(): string } }).process;
    if (!proc) return undefined;
    const fs = (await import('node:fs' as string)) as { existsSync(p: string): boolean; readFileSync(p: string, e: 'utf8'): string };
    const path = (await import('node:path' as string)) as { join(...p: string[]): string };
    for (const d of await sharedDataDirs(proc)) {
      const f = path.join(d, 'reservoir', name);
      if (fs.existsSync(f)) return JSON.parse(fs.readFileSync(f, 'utf8')) as Record<string, unknown>;
    }
  } catch {
    /* not in Node, or no file: fall back to local integration */
  }
  return undefined;
}

/** Mackey–Glass τ=17 with ReservoirPy's discretisation (h = 1), constant history. */
function mackeyGlassLocal(n: number): Float64Array {
  const tau = 17, a = 0.2, b = 0.1, p = 10;
  const buf = new Float64Array(n + tau).fill(1.2);
  for (let i = tau; i < n + tau - 1; i++) {
    const x = buf[i]!, xt = buf[i - tau]!;
    const k1 = -b * x + (a * xt) / (1 + xt ** p);
    const k2 = 2 * k1 - b * k1, k3 = 2 * k1 - b * k2, k4 = k1 - b * k3;
    buf[i + 1] = x + (k1 + k2 + k3 + k4) / 6;
  }
  return buf.slice(tau);
}

/** Lorenz-63 sampled every 0.025 (RK4 with 5 substeps), started on the attractor. */
function lorenzLocal(n: number): Float64Array {
  const out = new Float64Array(3 * n);
  let x = 17.677, y = 12.931, z = 43.914;
  const f = (x: number, y: number, z: number) => [10 * (y - x), x * (28 - z) - y, x * y - (8 / 3) * z] as const;
  const h = 0.005;
  for (let t = 0; t < n; t++) {
    out[3 * t] = x; out[3 * t + 1] = y; out[3 * t + 2] = z;
    for (let s = 0; s < 5; s++) {
      const a = f(x, y, z), b = f(x + (h / 2) * a[0], y + (h / 2) * a[1], z + (h / 2) * a[2]);
      const c = f(x + (h / 2) * b[0], y + (h / 2) * b[1], z + (h / 2) * b[2]), d = f(x + h * c[0], y + h * c[1], z + h * c[2]);
      x += (h / 6) * (a[0] + 2 * b[0] + 2 * c[0] + d[0]);
      y += (h / 6) * (a[1] + 2 * b[1] + 2 * c[1] + d[1]);
      z += (h / 6) * (a[2] + 2 * b[2] + 2 * c[2] + d[2]);
    }
  }
  return out;
}

const r4 = (v: number) => Number(v.toPrecision(4));

const mackeyGlassDemo: Demo = {
  name: 'reservoir-mackey-glass',
  title: 'Echo state network: Mackey–Glass one step ahead',
  description: 'A 500-unit ESN (ρ 1.25, leak 0.3, ridge 1e-6) trained on 10 000 steps predicts the next value of the Mackey–Glass series.',
  async run(ctx: DemoContext) {
    const file = await sharedSeries('mackey_glass_tau17.json');
    const s = file ? Float64Array.from(file['series'] as number[]) : mackeyGlassLocal(12001);
    ctx.progress(0.1, 'building the reservoir');
    const esn = createEsn({ reservoir: { units: 500, inputDim: 1, spectralRadius: 1.25, leakRate: 0.3, seed: ctx.seed } });
    const col = (a: number, b: number): Matrix => matrix(b - a, 1, s.slice(a, b));
    await esn.fit(col(0, 10000), col(1, 10001), { trainer: createRidge({ ridge: 1e-6, warmup: 100 }) });
    ctx.progress(0.7, 'predicting');
    const pred = esn.run(col(10000, 12000));
    const truth = col(10001, 12001);
    const score = nrmse(truth, pred);
    const shown = 500;
    const values: { t: number; value: number; series: string }[] = [];
    const errors: { t: number; error: number }[] = [];
    for (let t = 0; t < shown; t++) {
      values.push({ t, value: truth.data[t]!, series: 'truth' }, { t, value: pred.data[t]!, series: 'ESN prediction' });
    }
    for (let t = 0; t < 2000; t++) errors.push({ t, error: Math.max(1e-9, Math.abs(pred.data[t]! - truth.data[t]!)) });
    ctx.progress(1);
    return {
      summary: `Mackey–Glass, 500-unit ESN: test NRMSE (ptp) ${score.toExponential(2)} over 2000 steps (ReservoirPy 0.4.2: 3.78e-4)${file ? '' : ' — locally integrated series'}.`,
      numbers: { nrmsePtp: score, nrmseStd: nrmse(truth, pred, { norm: 'std' }), units: 500, dataSource: file ? 'shared' : 'local' },
      figures: [
        {
          name: 'mackey-glass-prediction',
          title: 'Mackey–Glass: truth and one-step ESN prediction (first 500 test steps)',
          caption: 'The two curves lie on top of each other; the error panel shows how far apart they are.',
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
            vconcat: [
              {
                width: 700, height: 220,
                data: { values },
                mark: { type: 'line', strokeWidth: 1.5 },
                encoding: {
                  x: { field: 't', type: 'quantitative', title: 'test step' },
                  y: { field: 'value', type: 'quantitative', title: 'x(t)', scale: { zero: false } },
                  color: { field: 'series', type: 'nominal', scale: { range: ['#222', '#e4572e'] } },
                  strokeDash: { field: 'series', type: 'nominal', scale: { range: [[1, 0], [4, 3]] } },
                },
              },
              {
                width: 700, height: 140,
                data: { values: errors },
                mark: { type: 'line', strokeWidth: 0.8, color: '#4c78a8' },
                encoding: {
                  x: { field: 't', type: 'quantitative', title: 'test step' },
                  y: { field: 'error', type: 'quantitative', title: '|prediction − truth|', scale: { type: 'log' } },
                },
              },
            ],
          },
        },
      ],
    };
  },
};

const lorenzDemo: Demo = {
  name: 'reservoir-lorenz',
  title: 'Echo state network: the Lorenz attractor in closed loop',
  description: 'A 500-unit ESN trained one step ahead on Lorenz-63 then runs on its own output; its attractor next to the true one, and the valid prediction time.',
  async run(ctx: DemoContext) {
    const file = await sharedSeries('lorenz63_dop853_dt0.025.json');
    const n = 14000;
    const L = file ? Float64Array.from((file['data'] as number[][]).slice(0, n).flat()) : lorenzLocal(n);
    const dt = 0.025, lyap = 0.9056;
    // Standardise each component with the training rows' mean and std (raw Lorenz saturates the
    // tanh units at input scaling 0.1 and the closed loop leaves the attractor at once).
    const mu = [0, 0, 0], sd = [0, 0, 0];
    for (let j = 0; j < 3; j++) {
      for (let t = 0; t < 10000; t++) mu[j]! += L[3 * t + j]! / 10000;
      for (let t = 0; t < 10000; t++) sd[j]! += (L[3 * t + j]! - mu[j]!) ** 2 / 10000;
      sd[j] = Math.sqrt(sd[j]!);
    }
    const Z = L.map((v, i) => (v - mu[i % 3]!) / sd[i % 3]!);
    const rows = (a: number, b: number): Matrix => matrix(b - a, 3, Z.slice(3 * a, 3 * b));
    ctx.progress(0.05, 'training');
    const esn = createEsn({ reservoir: { units: 500, inputDim: 3, spectralRadius: 0.9, leakRate: 1, inputScaling: 0.1, inputConnectivity: 1, biasScaling: 0.5, seed: ctx.seed } });
    await esn.fit(rows(0, 10000), rows(1, 10001), { trainer: createRidge({ ridge: 1e-8, warmup: 100 }) });
    ctx.progress(0.6, 'closed loop');
    const start = 12000, horizon = 1200;
    esn.reset();
    const sync = esn.run(rows(start - 200, start + 1));
    const forecast = new Float64Array(3 * horizon);
    forecast.set(sync.data.slice(3 * (sync.rows - 1)));
    forecast.set(esn.generate(horizon - 1).data, 3);
    const truth = rows(start + 1, start + 1 + horizon);
    const vpt = validPredictionTime(truth, matrix(horizon, 3, forecast), { dt, lyapunovExponent: lyap, scale: [1, 1, 1] });
    // Back to the original units for the figures.
    const unz = (a: Float64Array) => a.map((v, i) => v * sd[i % 3]! + mu[i % 3]!);
    const truthData = unz(truth.data), fc = unz(forecast);
    const attractor: { x: number; z: number; t: number; series: string }[] = [];
    const traces: { lt: number; x: number; series: string }[] = [];
    for (let t = 0; t < horizon; t++) {
      const lt = r4((t + 1) * dt * lyap);
      attractor.push({ x: r4(truthData[3 * t]!), z: r4(truthData[3 * t + 2]!), t, series: 'true Lorenz-63' });
      attractor.push({ x: r4(fc[3 * t]!), z: r4(fc[3 * t + 2]!), t, series: 'ESN, closed loop' });
      traces.push({ lt, x: r4(truthData[3 * t]!), series: 'truth' }, { lt, x: r4(fc[3 * t]!), series: 'ESN, closed loop' });
    }
    ctx.progress(1);
    return {
      summary: `Lorenz-63, 500-unit ESN in closed loop: valid prediction time ${vpt.toFixed(2)} Lyapunov times on this window (threshold 0.4); the generated attractor keeps the butterfly's shape long after.${file ? '' : ' Locally integrated series.'}`,
      numbers: { vptLyapunovTimes: vpt, windowStart: start, horizonSteps: horizon, dataSource: file ? 'shared' : 'local' },
      figures: [
        {
          name: 'lorenz-attractor',
          title: 'Lorenz attractor (x, z): true vs generated by the ESN in closed loop',
          caption: `${horizon} steps (${(horizon * dt * lyap).toFixed(1)} Lyapunov times) from the same start.`,
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
            data: { values: attractor },
            facet: { column: { field: 'series', type: 'nominal', title: null, sort: ['true Lorenz-63', 'ESN, closed loop'] } },
            spec: {
              width: 330, height: 330,
              // Points, not a line: a line whose colour varies is split into one-point segments.
              mark: { type: 'circle', size: 6, opacity: 0.85 },
              encoding: {
                x: { field: 'x', type: 'quantitative', title: 'x' },
                y: { field: 'z', type: 'quantitative', title: 'z' },
                color: { field: 't', type: 'quantitative', title: 'step', scale: { scheme: 'viridis' } },
              },
            },
          },
        },
        {
          name: 'lorenz-valid-prediction-time',
          title: 'x(t): truth vs closed-loop ESN, valid prediction time marked',
          caption: `The forecast stays within 0.4 normalised error for ${vpt.toFixed(2)} Lyapunov times (dashed rule).`,
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
            width: 700, height: 260,
            layer: [
              {
                data: { values: traces },
                mark: { type: 'line', strokeWidth: 1.2 },
                encoding: {
                  x: { field: 'lt', type: 'quantitative', title: 'time (Lyapunov times)' },
                  y: { field: 'x', type: 'quantitative', title: 'x(t)' },
                  color: { field: 'series', type: 'nominal', scale: { range: ['#e4572e', '#222'] } },
                },
              },
              {
                data: { values: [{ vpt }] },
                mark: { type: 'rule', strokeDash: [6, 4], color: '#4c78a8', strokeWidth: 2 },
                encoding: { x: { field: 'vpt', type: 'quantitative' } },
              },
              {
                data: { values: [{ vpt, label: `VPT = ${vpt.toFixed(2)} Λt` }] },
                mark: { type: 'text', align: 'left', dx: 6, dy: -110, color: '#4c78a8' },
                encoding: { x: { field: 'vpt', type: 'quantitative' }, text: { field: 'label' } },
              },
            ],
          },
        },
      ],
    };
  },
};

/** Demos provided by @phaseflow/reservoir. */
export const demos: readonly Demo[] = [mackeyGlassDemo, lorenzDemo];
