/**
 * Fixed steps of an explicit Runge–Kutta method on Float64Array states, for `advance` and
 * `prepareAdvance`: every stage and the update fused into one pass over the components, with
 * the coefficients h·aᵢⱼ, h·bᵢ and cᵢh computed once per run. The arithmetic is that of the
 * generic engine (`evaluateStages`, `propagate` over core's float64Space), term by term in the
 * same order, so the states are bitwise those of `step`.
 */
import type { OdeProblem } from '@phaseflow/core';
import { fieldFailed } from './engine.js';
import type { ButcherTableau } from './tableau.js';

type F = Float64Array;

/**
 * `steps` ≥ 1 steps of size h from (t, y): the first writes `out` (a new array when absent; it
 * may be y), the others update the result in place. `k` holds the stage buffers (replaced by
 * what f returns), `tmp` the stage argument; `ch[i] = cᵢh`, `A[i·s + j] = h·aᵢⱼ`, `B[i] = h·bᵢ`.
 */
export type RungeKuttaKernel = (
  problem: OdeProblem<F>,
  t: number,
  y: F,
  h: number,
  steps: number,
  out: F | undefined,
  k: F[],
  tmp: F,
  ch: Float64Array,
  A: Float64Array,
  B: Float64Array,
) => F;

/** The coefficients of one run (step h) in the kernel's layout, for the `stages` stages a fixed step uses. */
export function kernelCoefficients(tab: ButcherTableau, stages: number, h: number): { ch: Float64Array; A: Float64Array; B: Float64Array } {
  const ch = new Float64Array(stages);
  const A = new Float64Array(stages * stages);
  const B = new Float64Array(stages);
  for (let i = 0; i < stages; i++) {
    ch[i] = tab.c[i]! * h;
    const row = tab.a[i]!;
    for (let j = 0; j < row.length && j < stages; j++) A[i * stages + j] = h * row[j]!;
    B[i] = h * tab.b[i]!;
  }
  return { ch, A, B };
}

/** The nonzero pattern of a tableau's first `stages` stages: which aᵢⱼ and bᵢ enter the sums. */
function pattern(tab: ButcherTableau, stages: number): { rows: number[][]; weights: number[] } {
  const rows: number[][] = [];
  for (let i = 0; i < stages; i++) {
    const row = tab.a[i]!;
    const js: number[] = [];
    for (let j = 0; j < row.length && j < stages; j++) if (row[j] !== 0) js.push(j);
    rows.push(js);
  }
  const weights: number[] = [];
  for (let i = 0; i < stages; i++) if (tab.b[i] !== 0) weights.push(i);
  return { rows, weights };
}

/**
 * The kernel of a tableau, compiled into code of its own (each stage one fused loop, no
 * dispatch over stages or coefficients, type feedback of its own, so that on small systems the
 * calls of f are inlined as in a hand-written loop; `createRungeKutta` compiles one per
 * integrator, on its first fixed-step run), or {@link loopKernel} where the environment
 * forbids code generation (a Content-Security-Policy without 'unsafe-eval'). Only the nonzero
 * pattern of the tableau goes into the source; the values arrive in `A`, `B` and `ch`.
 *
 * @example
 * ```ts
 * const run = rungeKuttaKernel(RK4, 4);
 * const { ch, A, B } = kernelCoefficients(RK4, 4, 0.01);
 * run(problem, 0, y, 0.01, 100, y, stageBuffers, tmp, ch, A, B);
 * ```
 */
export function rungeKuttaKernel(tab: ButcherTableau, stages: number): RungeKuttaKernel {
  const { rows, weights } = pattern(tab, stages);
  return compile(stages, rows, weights) ?? ((...args) => loopKernel(stages, rows, weights, ...args));
}

function compile(s: number, rows: number[][], weights: number[]): RungeKuttaKernel | undefined {
  const sum = (base: string, terms: string[]): string => [base, ...terms].join(' + ');
  const lines: string[] = ["'use strict';", 'const n = y.length;'];
  for (let i = 0; i < s; i++) lines.push(`let k${i} = k[${i}];`);
  for (let i = 1; i < s; i++) {
    lines.push(`const c${i} = ch[${i}];`);
    for (const j of rows[i]!) lines.push(`const a${i}_${j} = A[${i * s + j}];`);
  }
  for (const i of weights) lines.push(`const b${i} = B[${i}];`);
  // A throw of f is reported with the time of the stage (`fail`, engine.ts's fieldFailed).
  lines.push(
    'let z = y;',
    'let ts = t;',
    'let tf = t;',
    'try {',
    'for (let step = 0; step < steps; step++) {',
    'ts = t + step * h;',
    'tf = ts;',
    'k0 = problem.f(ts, z, k0);',
  );
  for (let i = 1; i < s; i++) {
    lines.push(
      `for (let l = 0; l < n; l++) tmp[l] = ${sum(
        'z[l]',
        rows[i]!.map((j) => `a${i}_${j} * k${j}[l]`),
      )};`,
      `tf = ts + c${i};`,
      `k${i} = problem.f(tf, tmp, k${i});`,
    );
  }
  lines.push(
    'const o = step === 0 ? (out === undefined ? new Float64Array(n) : out) : z;',
    `for (let l = 0; l < n; l++) o[l] = ${sum(
      'z[l]',
      weights.map((i) => `b${i} * k${i}[l]`),
    )};`,
    'z = o;',
    '}',
    '} catch (e) {',
    'fail(e, tf);',
    '}',
  );
  for (let i = 0; i < s; i++) lines.push(`k[${i}] = k${i};`);
  lines.push('return z;');
  try {
    // Compiled from the tableau's nonzero pattern only (see rungeKuttaKernel).
    const kernel = new Function('problem', 't', 'y', 'h', 'steps', 'out', 'k', 'tmp', 'ch', 'A', 'B', 'fail', lines.join('\n'));
    return ((problem, t, y, h, steps, out, k, tmp, ch, A, B) => kernel(problem, t, y, h, steps, out, k, tmp, ch, A, B, fieldFailed)) as RungeKuttaKernel;
  } catch {
    return undefined;
  }
}

/** The same steps as a loop over stages and coefficients (where code cannot be generated). */
function loopKernel(
  s: number,
  rows: number[][],
  weights: number[],
  problem: OdeProblem<F>,
  t: number,
  y: F,
  h: number,
  steps: number,
  out: F | undefined,
  k: F[],
  tmp: F,
  ch: Float64Array,
  A: Float64Array,
  B: Float64Array,
): F {
  const n = y.length;
  let z = y;
  let tf = t;
  try {
    for (let step = 0; step < steps; step++) {
      const ts = t + step * h;
      tf = ts;
      k[0] = problem.f(ts, z, k[0]);
      for (let i = 1; i < s; i++) {
        tmp.set(z);
        for (const j of rows[i]!) {
          const a = A[i * s + j]!;
          const kj = k[j]!;
          for (let l = 0; l < n; l++) tmp[l] += a * kj[l]!;
        }
        tf = ts + ch[i]!;
        k[i] = problem.f(tf, tmp, k[i]);
      }
      const o = step === 0 ? (out ?? new Float64Array(n)) : z;
      if (o !== z) o.set(z);
      for (const i of weights) {
        const b = B[i]!;
        const ki = k[i]!;
        for (let l = 0; l < n; l++) o[l] += b * ki[l]!;
      }
      z = o;
    }
  } catch (e) {
    fieldFailed(e, tf);
  }
  return z;
}
