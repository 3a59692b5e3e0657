/**
 * The testkit's contribution to `phaseflow demo`: convergence order measured by step halving,
 * the measurement every integrator package is held to.
 */
import type { Demo } from '@phaseflow/core';
import { measureOrder, explicitEuler, explicitMidpoint, stormerVerletControl, symplecticEulerControl } from '@phaseflow/testkit';
import { kepler } from '@phaseflow/problems';

/** Kepler e = 0.5 over t = 2, as a first-order ODE or as a separable Hamiltonian. */
const keplerOde = () => ({ ...kepler({ e: 0.5, kind: 'ode' }), tEnd: 2 });
const keplerSeparable = () => ({ ...kepler({ e: 0.5 }), tEnd: 2 });

const convergence: Demo = {
  name: 'convergence',
  title: 'Convergence order by step halving',
  description:
    'Global error at t = 2 on the Kepler problem (e = 0.5) against the exact solution, for the testkit control integrators. The slope of each line is the measured order the conformance suite compares with the declared one.',
  async run(ctx) {
    const runs = [
      { method: explicitEuler, ref: keplerOde() },
      { method: explicitMidpoint, ref: keplerOde() },
      { method: symplecticEulerControl, ref: keplerSeparable() },
      { method: stormerVerletControl, ref: keplerSeparable() },
    ] as const;
    const rows: { method: string; h: number; error: number }[] = [];
    const orders: Record<string, { declared: number; measured: number }> = {};
    for (const [i, { method, ref }] of runs.entries()) {
      ctx.progress(i / runs.length, method.name);
      const m = measureOrder(method as never, ref as never, { startSteps: 32, maxSteps: 1 << 15, floor: 1e-11 });
      for (const p of m.points) rows.push({ method: `${method.name} (p=${method.order})`, h: p.h, error: p.error });
      orders[method.name] = { declared: method.order, measured: Number(m.order.toFixed(3)) };
    }
    ctx.progress(1);
    return {
      summary: Object.entries(orders)
        .map(([k, v]) => `${k}: measured ${v.measured} (declared ${v.declared})`)
        .join('; '),
      numbers: { problem: 'kepler e=0.5, t=2', orders, points: rows },
      figures: [
        {
          name: 'order-by-halving',
          title: 'Global error vs step size (log–log)',
          caption: 'Straight lines of slope p: the order is read off, not asserted.',
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
            width: 520,
            height: 340,
            data: { values: rows.filter((r) => r.error > 0 && Number.isFinite(r.error)) },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'h', type: 'quantitative', scale: { type: 'log' }, title: 'step size h' },
              y: { field: 'error', type: 'quantitative', scale: { type: 'log' }, title: 'max-norm error at t = 2' },
              color: { field: 'method', type: 'nominal', title: 'method' },
            },
          },
        },
      ],
    };
  },
};

/** Demos provided by @phaseflow/testkit. */
export const demos: readonly Demo[] = [convergence];
