/**
 * The classical fourth-order Runge–Kutta method (Kutta 1901), kept private to this package:
 * the data generators drive it through core's `integrate` with small fixed steps. Scratch
 * buffers are kept per state length, so a run allocates nothing per step.
 */
import { checkStep, type Integrator, type OdeProblem } from '@phaseflow/core';

interface Scratch {
  k1: Float64Array;
  k2: Float64Array;
  k3: Float64Array;
  k4: Float64Array;
  tmp: Float64Array;
}

export function createRk4(): Integrator<OdeProblem<Float64Array>, Float64Array> {
  let s: Scratch | undefined;
  const integrator: Integrator<OdeProblem<Float64Array>, Float64Array> = {
    name: 'rk4 (datasets, private)',
    order: 4,
    problemKinds: ['ode'],
    properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
    reference: 'Kutta (1901); Hairer, Nørsett & Wanner, Solving ODEs I, §II.1',
    step(problem, t, y, h, out) {
      checkStep(integrator, problem, h);
      const m = y.length;
      if (!s || s.k1.length !== m) {
        s = { k1: new Float64Array(m), k2: new Float64Array(m), k3: new Float64Array(m), k4: new Float64Array(m), tmp: new Float64Array(m) };
      }
      const { k1, k2, k3, k4, tmp } = s;
      problem.f(t, y, k1);
      for (let i = 0; i < m; i++) tmp[i] = y[i]! + 0.5 * h * k1[i]!;
      problem.f(t + 0.5 * h, tmp, k2);
      for (let i = 0; i < m; i++) tmp[i] = y[i]! + 0.5 * h * k2[i]!;
      problem.f(t + 0.5 * h, tmp, k3);
      for (let i = 0; i < m; i++) tmp[i] = y[i]! + h * k3[i]!;
      problem.f(t + h, tmp, k4);
      const o = out ?? new Float64Array(m);
      for (let i = 0; i < m; i++) o[i] = y[i]! + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
      return o;
    },
  };
  return integrator;
}
