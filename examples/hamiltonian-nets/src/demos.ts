import type { Demo } from '@phaseflow/core';
import { useBestBackend } from '@phaseflow/tfjs';
import { massSpringSystem, pendulumSystem } from '@phaseflow/datasets';
import { compareHamiltonianModels } from './compare.js';

/** Demos of @phaseflow/hamiltonian-nets. */
export const demos: readonly Demo[] = [
  {
    name: 'hnn-energy',
    title: 'Hamiltonian neural network vs baseline: energy along rollouts',
    description:
      "An HNN (rolled out with Gauss–Legendre 4) and a baseline MLP vector field (rk4), 200-200 tanh, trained full-batch with Adam on the float32 engine of @phaseflow/nn64 on the same noisy mass-spring and pendulum data (Greydanus et al.'s recipe, shortened to 250 training steps on mass-spring, 100 on the pendulum, and 3 test states); the true energy along each rollout over 40 time units.",
    async run(ctx) {
      await useBestBackend();
      const values: { t: number; energy: number; model: string; system: string }[] = [];
      const numbers: Record<string, number> = {};
      const systems = [massSpringSystem(), pendulumSystem()];
      for (let s = 0; s < systems.length; s++) {
        const sys = systems[s]!;
        ctx.progress(s / systems.length, sys.name);
        // Mass-spring needs 250 steps before the HNN's edge shows on every seed (bench: 3 seeds).
        const r = await compareHamiltonianModels(sys, {
          iterations: sys.name === 'pendulum' ? 100 : 250,
          tests: 3,
          dt: 0.2,
          points: sys.name === 'pendulum' ? 45 : 30,
          seed: ctx.seed,
        });
        numbers[`${sys.name}.hnnEnergyMse`] = r.hnnEnergyMse;
        numbers[`${sys.name}.baselineEnergyMse`] = r.baselineEnergyMse;
        for (const [model, path] of [
          ['truth', r.truth],
          ['HNN', r.hnn],
          ['baseline', r.baseline],
        ] as const) {
          for (let i = 0; i < r.t.length; i++) values.push({ t: r.t[i]!, energy: sys.energy(path.subarray(2 * i, 2 * i + 2)), model, system: sys.name });
        }
      }
      ctx.progress(1);
      return {
        summary: `Energy MSE, HNN vs baseline: mass-spring ${numbers['mass-spring.hnnEnergyMse']!.toExponential(2)} vs ${numbers['mass-spring.baselineEnergyMse']!.toExponential(2)}; pendulum ${numbers['pendulum.hnnEnergyMse']!.toExponential(2)} vs ${numbers['pendulum.baselineEnergyMse']!.toExponential(2)}.`,
        figures: [
          {
            name: 'hnn-energy',
            title: 'True energy along the rollouts',
            caption: 'The HNN conserves its learned energy, so the true energy stays near its initial value; the baseline drifts.',
            spec: {
              $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
              data: { values },
              facet: { column: { field: 'system', type: 'nominal' } },
              spec: {
                width: 300,
                height: 220,
                mark: 'line',
                encoding: {
                  x: { field: 't', type: 'quantitative', title: 't' },
                  y: { field: 'energy', type: 'quantitative', title: 'H(y(t))', scale: { zero: false } },
                  color: { field: 'model', type: 'nominal' },
                },
              },
              resolve: { scale: { y: 'independent' } },
            },
          },
        ],
        numbers,
      };
    },
  },
];
