import type { Demo, DemoResult } from '@phaseflow/core';
import { arenstorf } from '@phaseflow/problems';
import { createBs3, createDop853, createDopri5, createTsit5, solveIvp } from '@phaseflow/runge-kutta';

const maxDiff = (a: Float64Array, b: Float64Array) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i]!)));

/** The Arenstorf orbit with its adaptive steps, and a work–precision diagram of the pairs. */
const arenstorfDemo: Demo = {
  name: 'arenstorf',
  title: 'Arenstorf orbit: adaptive steps and work–precision',
  description:
    'Dormand–Prince 5(4) follows the closed Earth–Moon orbit with steps that shrink near the Moon; work–precision of bs3, dopri5, tsit5 and dop853 on one period.',
  async run(ctx): Promise<DemoResult> {
    const ar = arenstorf();
    const steps = solveIvp(createDopri5(), ar.problem, ar.y0(), { tEnd: ar.period, rtol: 1e-6, atol: 1e-6, saveAt: 'steps' });
    const stepPoints = steps.t.map((t, i) => ({
      t,
      x: steps.y[i]![0]!,
      y: steps.y[i]![1]!,
      h: i === 0 ? null : t - steps.t[i - 1]!,
    }));
    const n = 800;
    const dense = solveIvp(createDopri5(), ar.problem, ar.y0(), {
      tEnd: ar.period,
      rtol: 1e-6,
      atol: 1e-6,
      saveAt: Array.from({ length: n + 1 }, (_, i) => (i * ar.period) / n),
    });
    const curve = dense.t.map((t, i) => ({ t, x: dense.y[i]![0]!, y: dense.y[i]![1]! }));
    ctx.progress(0.2, 'orbit');
    const methods = { bs3: createBs3, dopri5: createDopri5, tsit5: createTsit5, dop853: createDop853 } as const;
    const tols = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12];
    const wp: { method: string; tol: number; evaluations: number; error: number }[] = [];
    for (const [name, make] of Object.entries(methods)) {
      for (const tol of tols) {
        if (name === 'bs3' && tol < 1e-8) continue;
        ctx.signal?.throwIfAborted();
        const sol = solveIvp(make(), ar.problem, ar.y0(), { tEnd: ar.period, rtol: tol, atol: tol, saveAt: 'endpoints', maxSteps: 1e6 });
        wp.push({ method: name, tol, evaluations: sol.stats.evaluations, error: maxDiff(sol.yFinal, ar.y0()) });
      }
      ctx.progress(0.2 + (0.8 * Object.keys(methods).indexOf(name) + 0.8) / 4, name);
    }
    const hs = stepPoints.slice(1).map((p) => p.h!);
    return {
      summary: `dopri5 at rtol 1e-6 takes ${steps.stats.accepted} steps (${steps.stats.rejected} rejected) over one period; step sizes span ${Math.min(...hs).toExponential(1)} … ${Math.max(...hs).toExponential(1)}.`,
      figures: [
        {
          name: 'arenstorf-steps',
          title: 'Arenstorf orbit with the adaptive steps of dopri5 (rtol = 1e-6)',
          caption:
            'Dots mark accepted steps, coloured by step size: tiny steps near the Moon (right), long ones on the far arcs. The line is the dense output at 800 times.',
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
            width: 520,
            height: 420,
            layer: [
              {
                data: { values: curve },
                mark: { type: 'line', color: '#999', strokeWidth: 1 },
                encoding: { x: { field: 'x', type: 'quantitative', title: 'x' }, y: { field: 'y', type: 'quantitative', title: 'y' }, order: { field: 't' } },
              },
              {
                data: { values: stepPoints.slice(1) },
                mark: { type: 'circle', size: 28 },
                encoding: {
                  x: { field: 'x', type: 'quantitative' },
                  y: { field: 'y', type: 'quantitative' },
                  color: { field: 'h', type: 'quantitative', scale: { type: 'log', scheme: 'viridis' }, title: 'step h' },
                  tooltip: [
                    { field: 't', format: '.4f' },
                    { field: 'h', format: '.2e' },
                  ],
                },
              },
              {
                data: {
                  values: [
                    { x: -0.012277471, y: 0, body: 'Earth' },
                    { x: 0.987722529, y: 0, body: 'Moon' },
                  ],
                },
                mark: { type: 'point', shape: 'diamond', filled: true, size: 120, color: 'black' },
                encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, tooltip: [{ field: 'body' }] },
              },
            ],
          },
        },
        {
          name: 'arenstorf-work-precision',
          title: 'Work–precision on one Arenstorf period',
          caption:
            'Function evaluations against the return error |y(T) − y0|; lower-left is better. DOP853 wins below ~1e-6, Tsit5 beats DOPRI5 at tight tolerances.',
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
            width: 480,
            height: 360,
            data: { values: wp },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'error', type: 'quantitative', scale: { type: 'log' }, title: 'error at T' },
              y: { field: 'evaluations', type: 'quantitative', scale: { type: 'log' }, title: 'f evaluations' },
              color: { field: 'method', type: 'nominal' },
              order: { field: 'tol', sort: 'descending' },
              tooltip: [{ field: 'method' }, { field: 'tol' }, { field: 'evaluations' }, { field: 'error', format: '.2e' }],
            },
          },
        },
      ],
      numbers: { steps: steps.stats, workPrecision: wp },
    };
  },
};

/** Demos provided by @phaseflow/runge-kutta. */
export const demos: readonly Demo[] = [arenstorfDemo];
