import type { Demo } from '@phaseflow/core';
import { useBestBackend } from '@phaseflow/tfjs';
import { fitSpiral } from './spiral-fit.js';

const points = (y: ArrayLike<number>, label: string, every = 1) => {
  const out: { x: number; y: number; curve: string; i: number }[] = [];
  for (let i = 0; i < y.length / 2; i += every) out.push({ x: y[2 * i]!, y: y[2 * i + 1]!, curve: label, i });
  return out;
};

/** Demos of @phaseflow/neural-ode. */
export const demos: readonly Demo[] = [
  {
    name: 'neural-ode-spiral',
    title: 'Neural ODE fits the torchdiffeq spiral',
    description:
      "A NeuralODE f_θ(y) = MLP(y³) (2-50-2 tanh, rk4, back-propagation through the solver, RMSprop) learns dy/dt = A y³ from windows of the first 60% of the spiral, as torchdiffeq's demo, then is solved from y(0) over the whole span.",
    async run(ctx) {
      await useBestBackend();
      ctx.progress(0, 'training');
      const fit = await fitSpiral({ iterations: 2000, seed: ctx.seed });
      fit.ode.dispose();
      ctx.progress(1);
      const values = [...points(fit.truth.y, 'true', 2), ...points(fit.learned, 'learned', 2)];
      return {
        summary: `Loss ${fit.losses[0]!.toFixed(3)} → ${fit.finalLoss.toFixed(4)} (all training windows, 2000 iterations); MSE from y(0): ${fit.trainMse.toFixed(3)} on the training span, ${fit.extrapolationMse.toFixed(3)} on the held-out 40%; restarted at the last training sample: ${fit.heldOutRestartMse.toExponential(2)} on the held-out 40%.`,
        figures: [
          {
            name: 'spiral-phase-portrait',
            title: 'True vs learned spiral (phase portrait)',
            caption: 'Both curves start at y(0) = (2, 0); the last 40% of the true curve was never seen in training.',
            spec: {
              $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
              width: 360,
              height: 360,
              data: { values },
              mark: { type: 'line', strokeWidth: 1.5 },
              encoding: {
                x: { field: 'x', type: 'quantitative', title: 'y₁' },
                y: { field: 'y', type: 'quantitative', title: 'y₂' },
                color: { field: 'curve', type: 'nominal' },
                order: { field: 'i', type: 'quantitative' },
              },
            },
          },
        ],
        numbers: {
          firstLoss: fit.losses[0],
          finalLoss: fit.finalLoss,
          msPerStep: fit.msPerStep,
          trainMse: fit.trainMse,
          extrapolationMse: fit.extrapolationMse,
          heldOutRestartMse: fit.heldOutRestartMse,
          extrapolationMaxError: fit.extrapolationMaxError,
        },
      };
    },
  },
];
