/**
 * The float32 contract cases run on WebGL2 in headless Chromium (src/__tests__/webgl2.browser.test.ts):
 * the same fields, parameter rows, starts, step sizes and step counts as precision.test.ts
 * (the damped pendulum sweep, the pendulum grid, Hénon–Heiles, Lorenz-96, the forced
 * oscillator and the compensated sum),
 * for every explicit Runge–Kutta method and every splitting method (and the `leapfrog` and
 * `verlet` names). This module is imported by
 * the page bundle (browser-test/page.ts, which runs them on webgl2) and by the test (which
 * computes the Float64 references in Node), so both sides read the same definitions.
 */
import { rungeKuttaMethods } from '@phaseflow/runge-kutta';
import { splittingMethods } from '@phaseflow/symplectic';
import type { BatchedOdeField, BatchedSeparableField, FieldVector } from '@phaseflow/gpu';

/** One batched run: `n` steps of size `h` from `starts` at `t0` (default 0), one parameter row per member. */
export interface BrowserCase {
  readonly id: string;
  readonly method: string;
  readonly field: BatchedOdeField | BatchedSeparableField;
  readonly dimension: number;
  readonly parameters?: readonly (readonly number[])[];
  readonly members?: number;
  readonly starts: readonly (readonly number[])[];
  readonly t0?: number;
  readonly h: number;
  readonly n: number;
}

const damped = (_t: number, y: FieldVector, p: FieldVector) => [y[1], -p[0] * Math.sin(y[0]) - p[1] * y[1]];
const pendulum = { dVdq: (q: FieldVector, p: FieldVector) => [p[0] * Math.sin(q[0])] };
const henonHeiles = { dVdq: (q: FieldVector) => [q[0] + 2 * q[0] * q[1], q[1] + q[0] * q[0] - q[1] * q[1]] };
// Lorenz-96 with N = 5 (components split into kernels of 4 + 1: an Array(4) and a Number return), forcing p[0].
const lorenz96 = (_t: number, x: FieldVector, p: FieldVector) => [
  (x[1] - x[3]) * x[4] - x[0] + p[0],
  (x[2] - x[4]) * x[0] - x[1] + p[0],
  (x[3] - x[0]) * x[1] - x[2] + p[0],
  (x[4] - x[1]) * x[2] - x[3] + p[0],
  (x[0] - x[2]) * x[3] - x[4] + p[0],
];

const B = 16;
const rows = Array.from({ length: B }, (_, m) => [1 + m / 8, 0.05 * (m % 3)]);
const starts = Array.from({ length: B }, (_, m) => [0.2 + 0.15 * m, 0.1 * (m % 4)]);
const N = 400;

/** Every case, keyed by `id` (`<method>/<system>`). */
export const BROWSER_CASES: readonly BrowserCase[] = [
  ...Object.keys(rungeKuttaMethods).map((method) => ({
    id: `${method}/damped-pendulum`,
    method,
    field: damped,
    dimension: 2,
    parameters: rows,
    starts,
    h: 0.01,
    n: N,
  })),
  ...[...Object.keys(splittingMethods), 'leapfrog', 'verlet'].flatMap((method) => [
    { id: `${method}/pendulum-grid`, method, field: pendulum, dimension: 1, parameters: rows, starts, h: 0.05, n: N },
    {
      id: `${method}/henon-heiles`,
      method,
      field: henonHeiles,
      dimension: 2,
      members: 4,
      starts: [
        [0.1, 0, 0, 0.2],
        [0.2, 0.1, 0, 0],
        [0, 0.3, 0.1, 0],
        [0.25, -0.1, 0.1, 0.1],
      ],
      h: 0.05,
      n: N,
    },
  ]),
  {
    id: 'rk4/lorenz96',
    method: 'rk4',
    field: lorenz96,
    dimension: 5,
    parameters: [[8], [4], [2]],
    starts: [
      [1, 0.5, 0, 0, 0],
      [0.1, 0.2, 0.3, 0.4, 0.5],
      [2, 1, 0, -1, -2],
    ],
    h: 0.005,
    n: 200,
  },
  // A time-dependent field: the stage times t + cᵢh, from t₀ = 0.5.
  {
    id: 'rk38/forced-oscillator',
    method: 'rk38',
    field: (t: number, y: FieldVector, p: FieldVector) => [y[1], -y[0] + p[0] * Math.cos(2 * t)],
    dimension: 2,
    parameters: [[0.5], [1]],
    starts: [
      [0, 0],
      [1, 0],
    ],
    t0: 0.5,
    h: 0.01,
    n: 300,
  },
  // Compensated accumulation: y' = p₀ from y = 1, 4096 increments of ≈ 1e-4 in one launch
  // (plain float32 drifts by > 50 ε₃₂; the Kahan-compensated update stays within a few ε₃₂).
  {
    id: 'euler/compensated-sum',
    method: 'euler',
    field: (_t: number, _y: FieldVector, p: FieldVector) => [p[0]],
    dimension: 1,
    parameters: [[0.1], [0.3]],
    starts: [[1], [1]],
    h: 1e-3,
    n: 4096,
  },
];
