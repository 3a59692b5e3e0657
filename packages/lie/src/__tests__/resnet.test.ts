import { createRandom, integrate } from '@phaseflow/core';
import {
  SO3,
  createLieEuler,
  createLieResNet,
  createRkmk,
  createRkmk2,
  createRkmk4,
  createSO,
  lieProblem,
  type LieResNet,
  type MatrixLieGroup,
} from '@phaseflow/lie';
import { DOPRI5 } from '@phaseflow/runge-kutta';
import { expectPhaseflowError, layerConformance } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { logSlope } from './helpers.js';

type F = Float64Array;

/** B Haar-random elements of `group`, one after another. */
function sample(group: MatrixLieGroup, count: number, seed: number): F {
  const r = createRandom(seed);
  const Y = new Float64Array(count * group.size);
  for (let b = 0; b < count; b++) group.sample(r, Y.subarray(b * group.size, (b + 1) * group.size));
  return Y;
}
const worstDefect = (group: MatrixLieGroup, Y: F) => {
  let worst = 0;
  for (let b = 0; b < Y.length / group.size; b++) worst = Math.max(worst, group.defect(Y.subarray(b * group.size, (b + 1) * group.size)));
  return worst;
};
/** f'(0) by the fourth-order central difference at ε = 1e-4 (truncation ~1e-16, rounding ~1e-12). */
const derivative = (f: (s: number) => number, eps = 1e-4) => (8 * (f(eps) - f(-eps)) - (f(2 * eps) - f(-2 * eps))) / (12 * eps);
const maxDiff = (a: F, b: F) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('createLieResNet: features stay on SO(n)', () => {
  it('‖YᵀY − I‖ stays at rounding through 256 Lie–Euler layers; the Euclidean ResNet of the same size drifts', () => {
    const Y0 = sample(SO3, 8, 1);
    const worst = (method: 'lie-euler' | 'euclidean') => {
      const net = createLieResNet({ n: 3, depth: 256, hidden: 8, finalTime: 16, method, seed: 4 });
      return net.trajectory(Y0).map((Y) => worstDefect(SO3, Y));
    };
    const lie = worst('lie-euler');
    const flat = worst('euclidean');
    expect(Math.max(...lie)).toBeLessThan(1e-13);
    // (I + hA)ᵀ(I + hA) = I + h²AᵀA: the plain residual step leaves the group from layer one.
    expect(flat[1]!).toBeGreaterThan(1e-4);
    expect(flat[256]!).toBeGreaterThan(1e-1);
    expect(flat[256]!).toBeGreaterThan(flat[16]!);
  });

  it('RKMK steps on SO(4) and SO(2) keep det = +1 and ‖YᵀY − I‖ ≤ 1e-13 (64 layers)', () => {
    for (const [n, method] of [
      [4, 'rkmk2'],
      [4, 'rkmk4'],
      [2, 'rkmk3'],
    ] as const) {
      const net = createLieResNet({ n, depth: 64, hidden: 6, finalTime: 4, method, seed: 2 });
      const Y0 = sample(net.group, 4, 3);
      for (const Y of net.trajectory(Y0)) expect(worstDefect(net.group, Y)).toBeLessThan(1e-13); // defect adds 2 when det ≤ 0
    }
  });
});

describe('createLieResNet: a discretised flow on the group', () => {
  it("with shared weights it is lie's integrator on Y' = A_θ(Y)·Y, step for step", () => {
    for (const [n, method, integrator] of [
      [3, 'lie-euler', createLieEuler()],
      [3, 'rkmk4', createRkmk4()],
      [4, 'rkmk2', createRkmk2()],
    ] as const) {
      const net = createLieResNet({ n, depth: 12, hidden: 5, finalTime: 1.5, method, sharedWeights: true, seed: 6 });
      const y0 = sample(net.group, 1, 7);
      const problem = lieProblem({ manifold: net.group, generator: (t, y, out) => net.generator(0, y, out) });
      const run = integrate(integrator, problem, y0.slice(), { tEnd: 1.5, steps: 12 });
      expect(maxDiff(net.forward(y0), run.yFinal)).toBeLessThan(1e-14);
    }
  });

  it('doubling the depth at fixed T converges at the order of the step (least-squares slope within 0.1)', () => {
    const Y0 = sample(SO3, 4, 5);
    const reference = createLieResNet({ n: 3, depth: 512, hidden: 8, method: 'rkmk4', sharedWeights: true, seed: 2 }).forward(Y0);
    const depths = [8, 16, 32, 64];
    for (const [method, order] of [
      ['lie-euler', 1],
      ['rkmk2', 2],
      ['rkmk3', 3],
      ['rkmk4', 4],
      ['euclidean', 1],
    ] as const) {
      const errors = depths.map((depth) => maxDiff(createLieResNet({ n: 3, depth, hidden: 8, method, sharedWeights: true, seed: 2 }).forward(Y0), reference));
      expect(Math.abs(-logSlope(depths, errors) - order), `${method}: errors ${errors.map((e) => e.toExponential(2)).join(', ')}`).toBeLessThan(0.1);
    }
  });

  it('with a weight per layer it discretises the piecewise-constant θ(t): repeating each θ_l r times converges at order 2 (rkmk2)', () => {
    const base = createLieResNet({ n: 3, depth: 4, hidden: 6, method: 'rkmk2', seed: 9 });
    const Y0 = sample(SO3, 4, 8);
    const refined = (r: number) => {
      const net = createLieResNet({ n: 3, depth: 4 * r, hidden: 6, method: r >= 64 ? 'rkmk4' : 'rkmk2' });
      const theta = new Float64Array(net.parameters.size);
      for (let l = 0; l < 4 * r; l++)
        theta.set(base.theta.subarray(Math.floor(l / r) * base.layerSize, (Math.floor(l / r) + 1) * base.layerSize), l * net.layerSize);
      net.parameters.set(theta);
      return net.forward(Y0);
    };
    const reference = refined(64);
    const rs = [2, 4, 8, 16];
    const errors = rs.map((r) => maxDiff(refined(r), reference));
    expect(Math.abs(-logSlope(rs, errors) - 2)).toBeLessThan(0.1);
  });
});

describe('createLieResNet: reverse mode against finite differences', () => {
  const cases: [string, LieResNet][] = [
    ['SO(3) lie-euler', createLieResNet({ n: 3, depth: 5, hidden: 6, method: 'lie-euler', seed: 1 })],
    ['SO(3) rkmk4', createLieResNet({ n: 3, depth: 4, hidden: 6, method: 'rkmk4', seed: 1 })],
    ['SO(3) rkmk 5(4) tableau (3 commutators)', createLieResNet({ n: 3, depth: 2, hidden: 4, method: createRkmk(DOPRI5), seed: 1 })],
    ['SO(4) rkmk3', createLieResNet({ n: 4, depth: 3, hidden: 5, method: 'rkmk3', seed: 1 })],
    ['SO(2) rkmk2', createLieResNet({ n: 2, depth: 4, hidden: 4, method: 'rkmk2', seed: 1 })],
    ['SO(3) euclidean', createLieResNet({ n: 3, depth: 5, hidden: 6, method: 'euclidean', seed: 1 })],
    ['SO(3) shared weights', createLieResNet({ n: 3, depth: 6, hidden: 6, method: 'rkmk2', sharedWeights: true, seed: 1 })],
  ];
  it.each(cases)('%s: ∂L/∂θ and ∂L/∂Y₀ along tangent directions agree to 1e-7 (fourth-order differences)', (_, net) => {
    const G = net.group;
    const nn = G.size;
    const rng = createRandom(3);
    const B = 3;
    const Y0 = sample(G, B, 4);
    // A non-linear loss, L = Σ c·Y + ½Σ Y³.
    const C = Float64Array.from({ length: B * nn }, () => rng.normal());
    const loss = (Y: F) => dot(C, Y) + 0.5 * Y.reduce((s, y) => s + y * y * y, 0);
    const Y = net.forward(Y0);
    const gTheta = new Float64Array(net.parameters.size);
    const gY0 = net.vjp(
      Y0,
      Y.map((y, i) => C[i]! + 1.5 * y * y),
      gTheta,
    );
    const theta = net.parameters.get();
    for (let trial = 0; trial < 3; trial++) {
      const dir = Float64Array.from(theta, () => rng.normal());
      const fd = derivative((s) => {
        net.parameters.set(theta.map((t, i) => t + s * dir[i]!));
        return loss(net.forward(Y0));
      });
      net.parameters.set(theta);
      expect(Math.abs(fd - dot(gTheta, dir)) / Math.abs(fd)).toBeLessThan(1e-7);
      // Y₀,b ← exp(ε ξ_b)·Y₀,b stays on the group: dL/dε = Σ_b ⟨∂L/∂Y₀,b, ξ̂_b·Y₀,b⟩.
      const xi = Float64Array.from({ length: B * G.dim }, () => rng.normal());
      const moved = (s: number) => {
        const Z = Y0.slice();
        for (let b = 0; b < B; b++) {
          const e = G.exp(xi.subarray(b * G.dim, (b + 1) * G.dim).map((x) => x * s));
          G.compose(e, Y0.subarray(b * nn, (b + 1) * nn), Z.subarray(b * nn, (b + 1) * nn));
        }
        return Z;
      };
      const fdY = derivative((s) => loss(net.forward(moved(s))));
      let analytic = 0;
      const n = net.n;
      for (let b = 0; b < B; b++) {
        const X = G.hat(xi.subarray(b * G.dim, (b + 1) * G.dim));
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += X[i * n + k]! * Y0[b * nn + k * n + j]!;
            analytic += gY0[b * nn + i * n + j]! * s;
          }
      }
      expect(Math.abs(fdY - analytic) / Math.abs(fdY)).toBeLessThan(1e-7);
    }
  });

  it('vjp adds into gTheta and does not change θ or the input', () => {
    const net = createLieResNet({ n: 3, depth: 3, hidden: 4, seed: 2 });
    const Y0 = sample(SO3, 2, 1);
    const copy = Y0.slice();
    const theta = net.parameters.get();
    const g = Float64Array.from({ length: 18 }, (_, i) => Math.sin(i));
    const once = new Float64Array(net.parameters.size);
    net.vjp(Y0, g, once);
    const twice = once.slice();
    net.vjp(Y0, g, twice);
    expect(
      maxDiff(
        twice,
        once.map((x) => 2 * x),
      ),
    ).toBeLessThan(1e-14);
    expect(maxDiff(Y0, copy)).toBe(0);
    expect(maxDiff(net.parameters.get(), theta)).toBe(0);
  });
});

/** Adam on θ (Kingma & Ba 2015), full batch. */
function adamFit(net: LieResNet, X: F, target: F, steps: number, learningRate: number): number[] {
  const P = net.parameters.size;
  const m = new Float64Array(P),
    v = new Float64Array(P),
    g = new Float64Array(P);
  const B = X.length / net.group.size;
  const losses: number[] = [];
  for (let k = 1; k <= steps; k++) {
    const Y = net.forward(X);
    losses.push((0.5 * Y.reduce((s, y, i) => s + (y - target[i]!) ** 2, 0)) / B);
    g.fill(0);
    net.vjp(
      X,
      Y.map((y, i) => (y - target[i]!) / B),
      g,
    );
    for (let i = 0; i < P; i++) {
      m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
      v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
      net.theta[i] -= (learningRate * m[i]!) / (1 - 0.9 ** k) / (Math.sqrt(v[i]! / (1 - 0.999 ** k)) + 1e-8);
    }
  }
  return losses;
}

describe('createLieResNet: training on an attitude task', () => {
  // Targets: the time-1 flow of R' = ω(R)̂·R, ω = (R e₃) × e₃ + ½e₃ (the body axis tilts to
  // the vertical while the body spins about it), by RKMK4 at 100 steps.
  const target = (Y0: F) => {
    const problem = lieProblem({
      manifold: SO3,
      generator: (t, R, out = new Float64Array(3)) => {
        out[0] = R[5]!;
        out[1] = -R[2]!;
        out[2] = 0.5;
        return out;
      },
    });
    const out = new Float64Array(Y0.length);
    for (let b = 0; b < Y0.length / 9; b++) out.set(integrate(createRkmk4(), problem, Y0.slice(9 * b, 9 * b + 9), { tEnd: 1, steps: 100 }).yFinal, 9 * b);
    return out;
  };
  it('learns the attitude flow (training loss ÷ 1000, held-out ÷ 50 in 150 Adam steps, fixed seeds) with rotations as outputs; the Euclidean ResNet of the same size fits 10× worse and leaves SO(3)', () => {
    const X = sample(SO3, 48, 11);
    const T = target(X);
    const Xt = sample(SO3, 24, 12);
    const Tt = target(Xt);
    const make = (method: 'lie-euler' | 'euclidean') => createLieResNet({ n: 3, depth: 4, hidden: 8, method, gain: 0.1, seed: 3 });
    const lie = make('lie-euler');
    const flat = make('euclidean');
    const lieLoss = adamFit(lie, X, T, 150, 0.02);
    const flatLoss = adamFit(flat, X, T, 150, 0.02);
    const heldOut = (net: LieResNet) => (0.5 * net.forward(Xt).reduce((s, y, i) => s + (y - Tt[i]!) ** 2, 0)) / 24;
    // Measured: 0.756 → 1.3e-4 (held out 5.3e-3); Euclidean 0.757 → 1.3e-2 (held out 1.7e-2), ‖YᵀY − I‖ 0.45.
    expect(lieLoss.at(-1)! / lieLoss[0]!).toBeLessThan(1e-3);
    expect(heldOut(lie) / lieLoss[0]!).toBeLessThan(2e-2);
    expect(lieLoss.at(-1)!).toBeLessThan(flatLoss.at(-1)! / 10);
    expect(heldOut(lie)).toBeLessThan(heldOut(flat) / 2);
    expect(worstDefect(SO3, lie.forward(Xt))).toBeLessThan(1e-14);
    expect(worstDefect(SO3, flat.forward(Xt))).toBeGreaterThan(1e-2);
  });
});

describe('createLieResNet: the Layer contract', () => {
  const net = createLieResNet({ n: 3, depth: 3, hidden: 4, method: 'rkmk2', seed: 5 });
  layerConformance(net, { input: sample(SO3, 3, 2) });
  const so4 = createLieResNet({ n: 4, depth: 2, hidden: 3, sharedWeights: true, seed: 5 });
  layerConformance(so4, { input: sample(createSO(4), 2, 2) });
});

describe('createLieResNet: bad input', () => {
  it('refuses bad options with coded errors naming them', () => {
    expectPhaseflowError(() => createLieResNet(undefined as never), 'INVALID_ARGUMENT', 'options');
    expectPhaseflowError(() => createLieResNet({ n: 1, depth: 2 }), 'INVALID_ARGUMENT', 'options.n');
    expectPhaseflowError(() => createLieResNet({ n: 3, depth: 0 }), 'INVALID_ARGUMENT', 'options.depth');
    expectPhaseflowError(() => createLieResNet({ n: 3, depth: 2, hidden: 0 }), 'INVALID_ARGUMENT', 'options.hidden');
    expectPhaseflowError(() => createLieResNet({ n: 3, depth: 2, finalTime: -1 }), 'INVALID_ARGUMENT', 'options.finalTime');
    expectPhaseflowError(() => createLieResNet({ n: 3, depth: 2, finalTime: Infinity }), 'NON_FINITE_INPUT', 'options.finalTime');
    expectPhaseflowError(() => createLieResNet({ n: 3, depth: 2, method: 'rk4' as never }), 'INVALID_ARGUMENT', 'options.method');
    expectPhaseflowError(() => createLieResNet({ n: 3, depth: 2, method: { name: 'rk4' } as never }), 'INVALID_ARGUMENT', 'options.method');
    expectPhaseflowError(() => createLieResNet({ n: 3, depth: 2, sharedWeights: 1 as never }), 'INVALID_ARGUMENT', 'options.sharedWeights');
    expectPhaseflowError(() => createLieResNet({ n: 3, depth: 2, seed: -1 }), 'INVALID_ARGUMENT', 'options.seed');
    expectPhaseflowError(() => createLieResNet({ n: 3, depth: 2, layers: 3 } as never), 'UNKNOWN_OPTION', 'options.layers');
  });
  it('refuses inputs that are not batches of rotations: sizes, NaN, distance from SO(n)', () => {
    const net = createLieResNet({ n: 3, depth: 2, hidden: 3 });
    const Y = sample(SO3, 2, 1);
    expectPhaseflowError(() => net.forward([1, 0, 0, 0, 1, 0, 0, 0, 1] as never), 'INVALID_ARGUMENT', 'input');
    expectPhaseflowError(() => net.forward(new Float64Array(10)), 'SHAPE_MISMATCH', 'input');
    expectPhaseflowError(() => net.forward(new Float64Array(0)), 'SHAPE_MISMATCH', 'input');
    const nan = Y.slice();
    nan[4] = NaN;
    expectPhaseflowError(() => net.forward(nan), 'NON_FINITE_INPUT', 'input[4]');
    const reflected = Y.slice();
    for (let i = 9; i < 12; i++) reflected[i] = -reflected[i]!; // det −1: distance 2
    const err = expectPhaseflowError(() => net.forward(reflected), 'NOT_ON_MANIFOLD', 'input[1]');
    expect(err.details.distance).toBeGreaterThanOrEqual(2);
    const scaled = Y.map((y) => 1.001 * y);
    expect(expectPhaseflowError(() => net.trajectory(scaled), 'NOT_ON_MANIFOLD', 'input[0]').details.distance).toBeGreaterThan(1e-3);
    expectPhaseflowError(() => net.vjp(Y, new Float64Array(9)), 'SHAPE_MISMATCH', 'gradient');
    expectPhaseflowError(() => net.vjp(Y, Y, new Float64Array(3)), 'SHAPE_MISMATCH', 'gTheta');
    expectPhaseflowError(() => net.generator(2, Y.subarray(0, 9)), 'INVALID_ARGUMENT', 'layer');
    expectPhaseflowError(() => net.generator(0, new Float64Array(4)), 'SHAPE_MISMATCH', 'y');
    expectPhaseflowError(() => net.parameters.set(new Float64Array(3)), 'SHAPE_MISMATCH', 'theta');
  });
  it('takes any RKMK integrator (its tableau and truncation) and reports its order', () => {
    const net = createLieResNet({ n: 3, depth: 2, hidden: 3, method: createRkmk(DOPRI5) });
    expect(net.order).toBe(5);
    expect(net.method).toBe('rkmk-dopri5');
    expect(worstDefect(SO3, net.forward(sample(SO3, 2, 3)))).toBeLessThan(1e-14);
  });
});
