/**
 * The gradient engine of neural ODEs, generic in the state type: the forward solve on a
 * fixed grid (or adaptive), and the three ways back — back-propagation through the solver
 * (done by the caller's autodiff over `forward`), the continuous adjoint and the reversible
 * reconstruction. Tensor and Float64 backends plug in through {@link FieldBackend}.
 */
import {
  PhaseflowError,
  integrate,
  odeProblem,
  type AdaptiveOptions,
  type AnyIntegrator,
  type Integrator,
  type OdeProblem,
  type VectorSpace,
} from '@phaseflow/core';
import { augmentedSpace, type AugmentedState } from './spaces.js';

/** @internal What the engine needs of a differentiable vector field f_θ(t, y) and its solver. */
export interface FieldBackend<S> {
  readonly space: VectorSpace<S>;
  /** Run `fn` keeping only what it returns (tf.tidy for tensors). */
  tidy<T>(fn: () => T): T;
  release(x: S): void;
  /** f_θ(t, y) on the flat state. */
  f(t: number, y: S): S;
  /** [aᵀ ∂f/∂y, aᵀ ∂f/∂θ] at (t, y). */
  vjp(t: number, y: S, a: S): [S, S];
  /** One step of the forward integrator from (t, y) with step h (h < 0 steps backward). */
  step(t: number, y: S, h: number): S;
  /** [aᵀ ∂Φ/∂y, aᵀ ∂Φ/∂θ] of one integrator step Φ from (t, y) with step h. */
  stepVjp(t: number, y: S, h: number, a: S): [S, S];
  /** Adaptive forward solve from t0 to t1. */
  solve(t0: number, t1: number, y: S, options: AdaptiveOptions): S;
  /** A zero parameter-gradient vector. */
  thetaZeros(): S;
  /** Called at every field evaluation (memory probes). */
  onEvaluate?(): void;
}

/** @internal The time grid of a solve. */
export interface Schedule {
  readonly t0: number;
  /** Output times, strictly increasing, > t0. */
  readonly times: readonly number[];
  /** Fixed steps per interval (absent for adaptive runs). */
  readonly steps?: readonly number[];
  readonly adaptive?: AdaptiveOptions;
  /** Integrator of the adjoint's backward pass (must solve 'ode' problems). */
  readonly adjointIntegrator: Integrator<OdeProblem<never>, never>;
  /** Check the state for NaN/Inf every step. */
  readonly checkFinite: boolean;
}

/** @internal Fixed steps per interval for step size h (the grid lands on every output time). */
export function stepsFor(t0: number, times: readonly number[], h: number): number[] {
  const out: number[] = [];
  let prev = t0;
  for (const t of times) {
    out.push(Math.max(1, Math.ceil((t - prev) / h - 1e-9)));
    prev = t;
  }
  return out;
}

function nonFinite(t: number, step: number, h: number, what: string): never {
  throw new PhaseflowError('NON_FINITE_STATE', `${what} became non-finite at step ${step}, t = ${t} (h = ${h})`, { step, t, h });
}

/**
 * @internal Solve forward; returns the states at every output time (owned by the caller).
 * Under a tfjs gradient tape this is back-propagation through the solver.
 */
export function forward<S>(be: FieldBackend<S>, y0: S, s: Schedule): { states: S[]; steps: number } {
  const states: S[] = [];
  let y = y0;
  let prev = s.t0;
  let steps = 0;
  for (let k = 0; k < s.times.length; k++) {
    const t1 = s.times[k]!;
    if (s.steps) {
      const n = s.steps[k]!;
      const h = (t1 - prev) / n;
      for (let i = 0; i < n; i++) {
        const t = prev + i * h;
        const yi = y;
        const next = be.tidy(() => be.step(t, yi, h));
        steps++;
        // yi is an intermediate state (not y0, not a saved output) exactly when i > 0.
        if (i > 0) be.release(yi);
        if (s.checkFinite && !be.space.isFinite(next)) {
          be.release(next);
          for (const st of states) be.release(st);
          nonFinite(prev + (i + 1) * h, steps, h, 'state');
        }
        y = next;
      }
    } else {
      const yi = y;
      y = be.tidy(() => be.solve(prev, t1, yi, s.adaptive!));
      steps++;
    }
    states.push(y);
    prev = t1;
  }
  return { states, steps };
}

/**
 * @internal The continuous adjoint (Chen et al. 2018): integrate backward from each output
 * time t_k to t_{k−1} the augmented system
 *   y' = f(t, y),  a' = −aᵀ∂f/∂y,  g' = −aᵀ∂f/∂θ,
 * starting from the saved forward state, adding the loss cotangent at every output time.
 * Memory: the K saved outputs and one augmented state — independent of the number of steps.
 */
export function adjointBackward<S>(
  be: FieldBackend<S>,
  states: readonly S[],
  cotangents: readonly (S | undefined)[],
  s: Schedule,
): { dy0: S; dtheta: S } {
  const aug = augmentedSpace(be.space);
  const problem = odeProblem<AugmentedState<S>>(
    (t, z) => {
      be.onEvaluate?.();
      const fy = be.f(t, z.y);
      const [ay, ag] = be.vjp(t, z.y, z.a);
      return { y: fy, a: be.space.scale(-1, ay), g: be.space.scale(-1, ag) };
    },
    { space: aug },
  );
  const integ = s.adjointIntegrator as unknown as Integrator<OdeProblem<AugmentedState<S>>, AugmentedState<S>>;
  let a: S | undefined;
  let g: S = be.thetaZeros();
  for (let k = s.times.length - 1; k >= 0; k--) {
    const t1 = s.times[k]!;
    const t0 = k === 0 ? s.t0 : s.times[k - 1]!;
    a = addCotangent(be, a, cotangents[k]);
    if (a === undefined) continue; // nothing flows back yet
    let z: AugmentedState<S> = { y: states[k]!, a, g };
    const owned = new Set<S>([a, g]);
    const drop = (old: AugmentedState<S>, keep: AugmentedState<S>) => {
      for (const key of ['y', 'a', 'g'] as const) {
        const v = old[key];
        if (owned.has(v) && v !== keep[key]) {
          be.release(v);
          owned.delete(v);
        }
      }
      for (const key of ['y', 'a', 'g'] as const) owned.add(keep[key]);
    };
    if (s.steps) {
      const n = s.steps[k]!;
      const h = (t1 - t0) / n;
      for (let i = n; i > 0; i--) {
        const t = t0 + i * h;
        const zi = z;
        const next = be.tidy(() => integ.step(problem, t, zi, -h) as unknown as AugmentedState<S>);
        drop(zi, next);
        z = next;
        if (s.checkFinite && !aug.isFinite(z)) nonFinite(t - h, n - i + 1, -h, 'adjoint state');
      }
    } else {
      const zi = z;
      const next = be.tidy(() => {
        const sol = integrate(integ, problem, zi, { t0: t1, tEnd: t0, adaptive: s.adaptive! });
        return sol.yFinal;
      });
      drop(zi, next);
      z = next;
    }
    if (owned.has(z.y)) be.release(z.y);
    a = z.a;
    g = z.g;
  }
  if (a === undefined) a = be.space.zeros(states[0] as S);
  return { dy0: a, dtheta: g };
}

/** a ← a + cₖ at an output time (the first cotangent is copied); the old a is released. */
function addCotangent<S>(be: FieldBackend<S>, a: S | undefined, ck: S | undefined): S | undefined {
  if (ck === undefined) return a;
  if (a === undefined) return be.tidy(() => be.space.clone(ck));
  const old: S = a;
  const sum = be.tidy(() => be.space.axpy(1, ck, old));
  be.release(old);
  return sum;
}

/**
 * @internal Exact gradients of the discrete solution without storing it: walk the grid
 * backwards, reconstruct y_n = Φ₋ₕ(y_{n+1}) with the (time-reversible) integrator itself,
 * and pull the cotangent through one step, aₙ = aₙ₊₁ᵀ ∂Φ/∂y (y_n), g += aₙ₊₁ᵀ ∂Φ/∂θ.
 * The saved output states restart the reconstruction at every output time.
 */
export function reversibleBackward<S>(
  be: FieldBackend<S>,
  states: readonly S[],
  cotangents: readonly (S | undefined)[],
  s: Schedule,
): { dy0: S; dtheta: S } {
  let a: S | undefined;
  let g: S = be.thetaZeros();
  for (let k = s.times.length - 1; k >= 0; k--) {
    const t1 = s.times[k]!;
    const t0 = k === 0 ? s.t0 : s.times[k - 1]!;
    a = addCotangent(be, a, cotangents[k]);
    if (a === undefined) continue;
    let acur: S = a;
    const n = s.steps![k]!;
    const h = (t1 - t0) / n;
    let y: S = states[k] as S;
    for (let i = n; i > 0; i--) {
      const t = t0 + i * h;
      const yi = y;
      const prev = be.tidy(() => be.step(t, yi, -h));
      if (yi !== states[k]) be.release(yi);
      const ai = acur;
      const [an, gn] = be.tidy(() => be.stepVjp(t - h, prev, h, ai));
      be.release(ai);
      const gi = g;
      g = be.tidy(() => be.space.axpy(1, gn, gi));
      be.release(gi);
      be.release(gn);
      acur = an;
      y = prev;
      if (s.checkFinite && !be.space.isFinite(acur)) nonFinite(t - h, n - i + 1, -h, 'adjoint state');
    }
    a = acur;
    if (y !== states[k]) be.release(y);
  }
  if (a === undefined) a = be.space.zeros(states[0] as S);
  return { dy0: a, dtheta: g };
}

/** @internal True when `integrator` can solve problems of `kind`. */
export function solves(integrator: AnyIntegrator, kind: string): boolean {
  return integrator.problemKinds.includes(kind);
}
