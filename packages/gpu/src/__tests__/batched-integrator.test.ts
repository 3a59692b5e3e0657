import { afterAll, describe, expect, it } from 'vitest';
import { integrate, isPhaseflowError, type Observer } from '@phaseflow/core';
import { createGaussLegendre, createYoshida6 } from '@phaseflow/symplectic';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import {
  FLOAT32_EPSILON,
  MAX_COMPONENTS,
  batchedMethodNames,
  chooseGpuBackend,
  createBatchedIntegrator,
  createBatchedSpace,
  nonFiniteMembers,
  type FieldVector,
} from '@phaseflow/gpu';

const backend = chooseGpuBackend({ prefer: 'webasm' });
afterAll(() => backend.destroy());

const oscillator = (_t: number, y: FieldVector, p: FieldVector) => [y[1], -p[0] * y[0]];
const pendulum = { dVdq: (q: FieldVector, p: FieldVector) => [p[0] * Math.sin(q[0])] };
const pendulumEnergy = (y: Float64Array, p: Float64Array) => 0.5 * y[1]! * y[1]! - p[0]! * Math.cos(y[0]!);

describe('createBatchedIntegrator plays core’s Integrator role', () => {
  const rows = [[1], [4], [9]];
  const batch = createBatchedIntegrator({
    method: 'rk4',
    field: oscillator,
    dimension: 2,
    parameters: rows,
    backend,
    energy: (y, p) => 0.5 * (y[1]! * y[1]! + p[0]! * y[0]! * y[0]!),
  });
  const y0 = batch.state(rows.map(() => [1, 0]));

  it('describes itself', () => {
    expect(batch.name).toBe('batched-rk4');
    expect(batch.order).toBe(4);
    expect(batch.problemKinds).toEqual(['batched']);
    expect(batch.properties).toEqual({ explicit: true, symplectic: false, timeReversible: false, adaptive: false });
    expect(batch.members).toBe(3);
    expect(batch.components).toBe(2);
    expect(batch.parameterCount).toBe(1);
    expect(batch.space.name).toBe('batched(f32, 3×2)');
    expect(batch.problem.kind).toBe('batched');
    expect(batch.method).toEqual({ kind: 'runge-kutta', name: 'rk4', order: 4 });
  });

  it('integrate keeps save points and feeds observers; member m follows cos(ω_m t)', () => {
    const seen: number[] = [];
    const observer: Observer = { name: 'times', on: { step: (e) => void seen.push(e.t) } };
    const sol = integrate(batch, batch.problem, y0, { tEnd: 1, h: 0.01, save: { every: 25 }, observers: [observer] });
    expect(sol.t.map((t) => Math.round(t * 100) / 100)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(seen).toHaveLength(100);
    for (const [k, t] of sol.t.entries()) {
      rows.forEach(([w2], m) => expect(sol.y[k]!.values[2 * m]).toBeCloseTo(Math.cos(Math.sqrt(w2!) * t), 5));
    }
    // Saved states are copies, not views of the running state.
    expect(sol.y[0]!.values).toEqual(y0.values);
  });

  it('a run nobody watches step by step goes through advance (one launch per chunk) and gives the same states', () => {
    const watched = integrate(batch, batch.problem, y0, { tEnd: 1, h: 0.01, observers: [{ name: 'w', on: { step: () => {} } }] });
    const chunked = integrate(batch, batch.problem, y0, { tEnd: 1, h: 0.01 });
    // One launch compensates its n steps together; n launches of one step compensate each alone.
    for (let i = 0; i < 6; i++) expect(Math.abs(chunked.yFinal.values[i]! - watched.yFinal.values[i]!)).toBeLessThan(4 * FLOAT32_EPSILON * 100);
  });

  it('save at given times (steps split at the save times) and an observer that stops the run', () => {
    const sol = integrate(batch, batch.problem, y0, { tEnd: 1, h: 0.1, save: { times: [0.25, 0.5, 1] } });
    expect(sol.t).toEqual([0.25, 0.5, 1]);
    expect(sol.y[0]!.values[0]).toBeCloseTo(Math.cos(0.25), 4);
    const stop: Observer = { name: 'stop', on: { step: (e, control) => e.step === 3 && control.stop('enough') } };
    const stopped = integrate(batch, batch.problem, y0, { tEnd: 1, h: 0.1, observers: [stop] });
    expect(stopped.status).toBe('stopped');
    expect(stopped.tFinal).toBeCloseTo(0.3, 12);
  });

  it('energies per member and the problem’s total energy (Float64 on the host)', () => {
    expect(Array.from(batch.energies(y0))).toEqual([0.5, 2, 4.5]);
    expect(batch.problem.energy!(y0)).toBe(7);
  });

  it('stepsPerLaunch splits a long advance into several launches with the same states', () => {
    const one = batch.advance(batch.problem, 0, y0, 0.01, 300);
    const split = createBatchedIntegrator({ method: 'rk4', field: oscillator, dimension: 2, parameters: rows, backend, stepsPerLaunch: 100 });
    const three = split.advance(split.problem, 0, y0, 0.01, 300);
    for (let i = 0; i < 6; i++) expect(Math.abs(three.values[i]! - one.values[i]!)).toBeLessThan(4 * FLOAT32_EPSILON * 300);
    // out may alias y.
    const inPlace = split.space.clone(y0);
    split.advance(split.problem, 0, inPlace, 0.01, 300, inPlace);
    expect(inPlace.values).toEqual(three.values);
    split.destroy();
  });

  it('advanceAsync on webasm (worker threads for ≥ 4096 cells) gives the same states as advance', async () => {
    const B = 4096;
    const big = createBatchedIntegrator({ method: 'leapfrog', field: pendulum, dimension: 1, parameters: Array.from({ length: B }, () => [1]), backend });
    const z0 = big.state(Array.from({ length: B }, (_, m) => [(3 * m) / B, 0]));
    const sync = big.advance(big.problem, 0, z0, 0.05, 50);
    const threaded = await big.advanceAsync(0, z0, 0.05, 50);
    expect(threaded.values).toEqual(sync.values);
    big.destroy();
  });

  it('setParameters changes every member’s parameters in place', () => {
    const b = createBatchedIntegrator({ method: 'euler', field: oscillator, dimension: 2, parameters: [[1], [1]], backend });
    b.setParameters([[0], [100]]);
    const y = b.step(
      b.problem,
      0,
      b.state([
        [1, 0],
        [1, 0],
      ]),
      0.1,
    );
    expect(Array.from(y.values)).toEqual([1, 0, 1, -10]);
    expectPhaseflowError(
      () =>
        b.setParameters([
          [1, 2],
          [3, 4],
        ]),
      'SHAPE_MISMATCH',
      'parameters[0]',
    );
    b.destroy();
  });
});

describe('splitting methods over (q, p)', () => {
  it('leapfrog on a pendulum grid keeps every member’s energy bounded over 10⁴ steps', () => {
    const grid = Array.from({ length: 64 }, (_, m) => [-2.5 + (5 * (m % 8)) / 7, -1.5 + (3 * Math.floor(m / 8)) / 7]);
    const b = createBatchedIntegrator({ method: 'leapfrog', field: pendulum, dimension: 1, parameters: grid.map(() => [1]), backend, energy: pendulumEnergy });
    expect(b.properties).toMatchObject({ symplectic: true, timeReversible: true });
    const y0 = b.state(grid);
    const e0 = b.energies(y0);
    const y = b.advance(b.problem, 0, y0, 0.05, 10_000);
    const e = b.energies(y);
    for (let m = 0; m < 64; m++) expect(Math.abs(e[m]! - e0[m]!)).toBeLessThan(2e-3);
    b.destroy();
  });

  it('takes the splitting integrator itself (coefficients read from @phaseflow/symplectic)', () => {
    const y6 = createYoshida6();
    const b = createBatchedIntegrator({ method: y6, field: pendulum, dimension: 1, parameters: [[1]], backend });
    expect(b.method).toEqual({ kind: 'splitting', name: 'yoshida6', order: 6 });
    for (const op of y6.sequence) expect(b.kernelSources[0]).toContain(String(Math.abs(op.c)));
    b.destroy();
  });

  it('∂T/∂p can be given (relativistic kinetic energy T = √(1 + p²))', () => {
    const field = { dVdq: (q: FieldVector) => [q[0]], dTdp: (p: FieldVector) => [p[0] / Math.sqrt(1 + p[0] * p[0])] };
    const b = createBatchedIntegrator({ method: 'stormer-verlet-position', field, dimension: 1, members: 2, backend });
    const y0 = b.state([
      [1, 0],
      [0, 2],
    ]);
    const y = b.advance(b.problem, 0, y0, 0.02, 500);
    const ref = b.float64Reference().integrate(y0, { tEnd: 10, steps: 500 }).y.at(-1)!;
    for (let i = 0; i < 4; i++) expect(Math.abs(y.values[i]! - ref[i]!)).toBeLessThan(FLOAT32_EPSILON * 500);
    b.destroy();
  });
});

describe('bad input', () => {
  const ok = { method: 'rk4', field: oscillator, dimension: 2, parameters: [[1], [2]], backend };

  it('method: unknown names, implicit methods and non-explicit tableaux', () => {
    expect(batchedMethodNames()).toEqual(expect.arrayContaining(['euler', 'rk4', 'dopri5', 'leapfrog', 'verlet', 'yoshida6', 'kahan-li8']));
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, method: 'rk5' }), 'NOT_AVAILABLE', 'options.method');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, method: createGaussLegendre() }), 'NOT_AVAILABLE', 'options.method');
    const implicitMidpoint = { name: 'implicit-midpoint', order: 2, fsal: false, c: [0.5], a: [[0.5]], b: [1], reference: 'x' };
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, method: implicitMidpoint }), 'UNSUPPORTED_PROBLEM', 'options.method.a[0]');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, method: 'leapfrog' }), 'FIELD_NOT_COMPILABLE', 'options.field');
  });

  it('parameters: ragged rows, non-finite values, members that disagree', () => {
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, parameters: [[1], [2, 3]] }), 'SHAPE_MISMATCH', 'options.parameters[1]');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, parameters: [[1], [NaN]] }), 'NON_FINITE_INPUT', 'options.parameters[1][0]');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, parameters: [[1], [Infinity]] }), 'NON_FINITE_INPUT', 'options.parameters[1][0]');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, parameters: [[1], ['2' as never]] }), 'INVALID_ARGUMENT', 'options.parameters[1][0]');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, parameters: [] }), 'INVALID_ARGUMENT', 'options.parameters');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, members: 3 }), 'SHAPE_MISMATCH', 'options.members');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, parameters: undefined }), 'INVALID_ARGUMENT', 'options.members');
  });

  it('dimension and batch beyond the limits, unknown options', () => {
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, dimension: 0 }), 'INVALID_ARGUMENT', 'options.dimension');
    const e = expectPhaseflowError(() => createBatchedIntegrator({ ...ok, dimension: MAX_COMPONENTS + 1 }), 'GPU_LIMIT_EXCEEDED', 'options.dimension');
    expect(e.details.max).toBe(MAX_COMPONENTS);
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, parameters: undefined, members: 2 ** 27 }), 'GPU_LIMIT_EXCEEDED', 'options.members');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, steps: 3 } as never), 'UNKNOWN_OPTION', 'options.steps');
    expectPhaseflowError(() => createBatchedIntegrator({ ...ok, backend: 'cuda' as never }), 'NOT_AVAILABLE', 'options.backend');
  });

  it('states of the wrong shape, a foreign problem, bad steps', () => {
    const b = createBatchedIntegrator(ok);
    const y0 = b.state([
      [1, 0],
      [1, 0],
    ]);
    expectPhaseflowError(() => b.state([1, 2, 3]), 'SHAPE_MISMATCH', 'values');
    expectPhaseflowError(() => b.state([[1, 0], [1]]), 'SHAPE_MISMATCH', 'values[1]');
    expectPhaseflowError(() => b.step(b.problem, 0, createBatchedSpace(3, 2).create(), 0.1), 'SHAPE_MISMATCH', 'y');
    expectPhaseflowError(() => b.step(b.problem, 0, y0, 0.1, createBatchedSpace(2, 3).create()), 'SHAPE_MISMATCH', 'out');
    expectPhaseflowError(() => b.step({ ...b.problem }, 0, y0, 0.1), 'INVALID_ARGUMENT', 'problem');
    expectPhaseflowError(() => b.step(b.problem, 0, y0, 0), 'INVALID_ARGUMENT', 'h');
    expectPhaseflowError(() => b.advance(b.problem, 0, y0, 0.1, -1), 'INVALID_ARGUMENT', 'n');
    expectPhaseflowError(() => b.energies(y0), 'NOT_AVAILABLE', 'options.energy');
    b.destroy();
  });

  it('a member that blows up stops the run with NON_FINITE_STATE; nonFiniteMembers names it', () => {
    // y' = p₀·y²: member 1 (p₀ = 1, y = 1) blows up at t = 1; the others stay finite.
    const b = createBatchedIntegrator({ method: 'euler', field: (_t, y, p) => [p[0] * y[0] * y[0]], dimension: 1, parameters: [[0], [1], [-1]], backend });
    const y0 = b.state([1, 1, 1]);
    let caught: unknown;
    try {
      integrate(b, b.problem, y0, { tEnd: 3, h: 0.01 });
    } catch (e) {
      caught = e;
    }
    expect(isPhaseflowError(caught, 'NON_FINITE_STATE')).toBe(true);
    const partial = (caught as { partial: { tFinal: number; yFinal: { values: Float32Array } } }).partial;
    expect(partial.tFinal).toBeGreaterThan(0.9);
    const next = b.step(b.problem, partial.tFinal, partial.yFinal as never, 0.01);
    expect(nonFiniteMembers(next)).toEqual([1]);
    b.destroy();
  });
});
