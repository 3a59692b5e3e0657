/**
 * `phaseflow demo` figures of @phaseflow/reservoir: Mackey–Glass one-step-ahead prediction
 * against the truth, and the Lorenz attractor generated in closed loop next to the true one,
 * with the valid prediction time marked. The series come from the shared comparison files
 * when they are found ($PHASEFLOW_SHARED_DATA, `shared/data` inside or beside the checkout, or
 * `../shared/data` from the working directory), else from @phaseflow/datasets' generators
 * (Mackey–Glass τ = 17 by its delay solver, Lorenz-63 by RK4 at h = 0.005 sampled every 0.025).
 */
import type { Demo, DemoContext } from '@phaseflow/core';
import { createEsn, matrix, type Matrix, nrmse, validPredictionTime, createRidge } from '@phaseflow/reservoir';
import { lorenz63Series, mackeyGlassSeries } from '@phaseflow/datasets';

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
    /* not in Node, or no file: fall back to the generated series */
  }
  return undefined;
}

const r4 = (v: number) => Number(v.toPrecision(4));

const mackeyGlassDemo: Demo = {
  name: 'reservoir-mackey-glass',
  title: 'Echo state network: Mackey–Glass one step ahead',
  description: 'A 500-unit ESN (ρ 1.25, leak 0.3, ridge 1e-6) trained on 10 000 steps predicts the next value of the Mackey–Glass series.',
  async run(ctx: DemoContext) {
    const file = await sharedSeries('mackey_glass_tau17.json');
    const s = file ? Float64Array.from(file['series'] as number[]) : mackeyGlassSeries({ n: 12001, transient: 0 }).x;
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
                width: 700,
                height: 220,
                data: { values },
                mark: { type: 'line', strokeWidth: 1.5 },
                encoding: {
                  x: { field: 't', type: 'quantitative', title: 'test step' },
                  y: { field: 'value', type: 'quantitative', title: 'x(t)', scale: { zero: false } },
                  color: { field: 'series', type: 'nominal', scale: { range: ['#222', '#e4572e'] } },
                  strokeDash: {
                    field: 'series',
                    type: 'nominal',
                    scale: {
                      range: [
                        [1, 0],
                        [4, 3],
                      ],
                    },
                  },
                },
              },
              {
                width: 700,
                height: 140,
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
  description:
    'A 500-unit ESN trained one step ahead on Lorenz-63 then runs on its own output; its attractor next to the true one, and the valid prediction time.',
  async run(ctx: DemoContext) {
    const file = await sharedSeries('lorenz63_dop853_dt0.025.json');
    const n = 14000;
    const L = file
      ? Float64Array.from((file['data'] as number[][]).slice(0, n).flat())
      : lorenz63Series({ n, dt: 0.025, substeps: 5, transient: 0, initial: [17.677, 12.931, 43.914] }).x;
    const dt = 0.025,
      lyap = 0.9056;
    // Standardise each component with the training rows' mean and std (raw Lorenz saturates the
    // tanh units at input scaling 0.1 and the closed loop leaves the attractor at once).
    const mu = [0, 0, 0],
      sd = [0, 0, 0];
    for (let j = 0; j < 3; j++) {
      for (let t = 0; t < 10000; t++) mu[j]! += L[3 * t + j]! / 10000;
      for (let t = 0; t < 10000; t++) sd[j]! += (L[3 * t + j]! - mu[j]!) ** 2 / 10000;
      sd[j] = Math.sqrt(sd[j]!);
    }
    const Z = L.map((v, i) => (v - mu[i % 3]!) / sd[i % 3]!);
    const rows = (a: number, b: number): Matrix => matrix(b - a, 3, Z.slice(3 * a, 3 * b));
    ctx.progress(0.05, 'training');
    const esn = createEsn({
      reservoir: { units: 500, inputDim: 3, spectralRadius: 0.9, leakRate: 1, inputScaling: 0.1, inputConnectivity: 1, biasScaling: 0.5, seed: ctx.seed },
    });
    await esn.fit(rows(0, 10000), rows(1, 10001), { trainer: createRidge({ ridge: 1e-8, warmup: 100 }) });
    ctx.progress(0.6, 'closed loop');
    const start = 12000,
      horizon = 1200;
    esn.reset();
    const sync = esn.run(rows(start - 200, start + 1));
    const forecast = new Float64Array(3 * horizon);
    forecast.set(sync.data.slice(3 * (sync.rows - 1)));
    forecast.set(esn.generate(horizon - 1).data, 3);
    const truth = rows(start + 1, start + 1 + horizon);
    const vpt = validPredictionTime(truth, matrix(horizon, 3, forecast), { dt, lyapunovExponent: lyap, scale: [1, 1, 1] });
    // Back to the original units for the figures.
    const unz = (a: Float64Array) => a.map((v, i) => v * sd[i % 3]! + mu[i % 3]!);
    const truthData = unz(truth.data),
      fc = unz(forecast);
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
              width: 330,
              height: 330,
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
            width: 700,
            height: 260,
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
