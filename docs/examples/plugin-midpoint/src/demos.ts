import { integrate, odeProblem, type Demo } from '@phaseflow/core';
import { createImplicitMidpoint } from './index.js';

/** One demo: the midpoint rule keeps a pendulum's energy bounded. */
export const demos: readonly Demo[] = [
  {
    name: 'plugin-midpoint',
    title: 'Third-party plugin: implicit midpoint on the pendulum',
    description: "Energy of the pendulum q'' = −sin q under the implicit midpoint rule (h = 0.2): bounded, no drift.",
    async run() {
      const f = odeProblem((_t, y: Float64Array, out = new Float64Array(2)) => {
        out[0] = y[1]!;
        out[1] = -Math.sin(y[0]!);
        return out;
      });
      const sol = integrate(createImplicitMidpoint(), f, Float64Array.of(2, 0), { tEnd: 200, h: 0.2, save: 'steps' });
      const H = (y: Float64Array) => 0.5 * y[1]! ** 2 - Math.cos(y[0]!);
      const h0 = H(sol.y[0]!);
      const values = sol.t.map((t, i) => ({ t, error: (H(sol.y[i]!) - h0) / Math.abs(h0) }));
      const maxError = Math.max(...values.map((v) => Math.abs(v.error)));
      return {
        summary: `max relative energy error ${maxError.toExponential(2)} over 1000 steps`,
        numbers: { maxRelativeEnergyError: maxError },
        figures: [
          {
            name: 'energy',
            title: 'Relative energy error',
            spec: {
              width: 520,
              height: 200,
              data: { values },
              mark: 'line',
              encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'error', type: 'quantitative' } },
            },
          },
        ],
      };
    },
  },
];
