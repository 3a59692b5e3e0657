/**
 * Bad input over @phaseflow/adjoint (issue 13): every export of the package's one entry (with
 * valid prefixes reaching the later arguments of the engine's passes: backend, initial state,
 * schedule, saved states, cotangents, checkpoint spacing), what its factories make (a tape, the
 * traced vector space, the augmented space), and each member of a schedule, of a memory model
 * and of a field backend on its own inside an otherwise valid call — each answered with a coded
 * PhaseflowError naming the argument.
 */
import { float64Space, integrate, isPhaseflowError, odeProblem, type AnyIntegrator } from '@phaseflow/core';
import * as adjoint from '@phaseflow/adjoint';
import type { FieldBackend, Schedule } from '@phaseflow/adjoint';
import { createDopri5, createRk4 } from '@phaseflow/runge-kutta';
import { formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const thrown = (call: () => unknown) => {
  try {
    call();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, argument: e.details.argument ?? e.details.callback } : e;
  }
  return 'returned';
};

/**
 * y' = θ·y on Float64 vectors (θ a scalar), one rk4 step Φ = R(hθ)·y with R(z) = 1 + z + z²/2
 * + z³/6 + z⁴/24, so ∂Φ/∂y = R and ∂Φ/∂θ = h·R′(hθ)·y are written out.
 */
const THETA = 0.5;
const rk4 = createRk4();
const dopri5 = createDopri5();
const R = (z: number) => 1 + z + (z * z) / 2 + (z * z * z) / 6 + (z * z * z * z) / 24;
const dR = (z: number) => 1 + z + (z * z) / 2 + (z * z * z) / 6;
const dotOf = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const problem = odeProblem<Float64Array>((_t, y) => float64Space.scale(THETA, y), { space: float64Space });
const backend: FieldBackend<Float64Array> = {
  space: float64Space,
  tidy: (fn) => fn(),
  release: () => {},
  f: (_t, y) => float64Space.scale(THETA, y),
  vjp: (_t, y, a) => [float64Space.scale(THETA, a), Float64Array.of(dotOf(a, y))],
  step: (t, y, h) => rk4.step(problem, t, y, h),
  stepVjp: (_t, y, h, a) => [float64Space.scale(R(h * THETA), a), Float64Array.of(h * dR(h * THETA) * dotOf(a, y))],
  solve: (t0, times, y, options) =>
    integrate(dopri5, problem, y, { t0, tEnd: times[times.length - 1]!, adaptive: options, save: { times } }).y as Float64Array[],
  thetaZeros: () => new Float64Array(1),
};
const y0 = Float64Array.of(1, -0.5);
const fixed: Schedule = { t0: 0, times: [0.5, 1], steps: [2, 2], adjointIntegrator: rk4 as unknown as AnyIntegrator, checkFinite: true };
const adaptive: Schedule = {
  t0: 0,
  times: [0.5, 1],
  adaptive: { rtol: 1e-6, atol: 1e-8 },
  adjointIntegrator: dopri5 as unknown as AnyIntegrator,
  checkFinite: true,
};
const states = adjoint.solveForward(backend, y0, fixed).states;
const cotangents = [Float64Array.of(1, 0), Float64Array.of(0, 1)];
const checkpointed = () => adjoint.solveForward(backend, y0, fixed, { checkpointEvery: 1 }).checkpoints!;
const model = { stateBytes: 64, stepBytes: 1024 };

function probeMain() {
  const tape = adjoint.createTape();
  return probeBadInputs(adjoint as unknown as Record<string, unknown>, {
    valid: {
      solveForward: [backend, y0, fixed],
      adjointBackward: [backend, states, cotangents],
      reversibleBackward: [backend, states, cotangents],
      checkpointBackward: [backend, checkpointed(), cotangents, fixed],
      stepsFor: [0, [0.5, 1]],
      backpropBytes: [[10, 20]],
      planCheckpoints: [[10, 20], model, 1e6],
      memoryBoundExceeded: ['memory.maxBytes', 2e6, 1e6],
      accumulate: [tape.leaf(Float64Array.of(1, 2)), Float64Array.of(1, 1)],
    },
  });
}

function probeMade() {
  const tape = adjoint.createTape();
  const traced = adjoint.tracedSpace(tape);
  const x = tape.leaf(Float64Array.of(1, 2));
  const aug = adjoint.augmentedSpace(float64Space);
  const z = { y: Float64Array.of(1, 2), a: Float64Array.of(0.5, 0), g: Float64Array.of(0) };
  const module = { tape, traced, aug };
  return probeBadInputs(module, {
    accepts: { 'tape.record': "backward is any function (the probe's `() => 0` is one; it runs on tape.backward())" },
    valid: {
      'tape.record': [Float64Array.of(1)],
      'traced.axpy': [0.5, x],
      'traced.scale': [0.5],
      'traced.combine': [
        [1, 2],
        [x, x],
      ],
      'traced.dot': [x],
      'traced.errorNorm': [x, x, x, 1e-3],
      'aug.axpy': [0.5, z],
      'aug.scale': [0.5],
      'aug.combine': [
        [1, 2],
        [z, z],
      ],
      'aug.dot': [z],
      'aug.errorNorm': [z, z, z, 1e-3],
    },
  });
}

/** `name: (value) => make(key, value)`, one function per key. */
const eachKey = (keys: readonly string[], make: (key: string, value: unknown) => unknown) =>
  Object.fromEntries(keys.map((k) => [k, (v: unknown) => make(k, v)]));

const scheduleKeys = ['t0', 'times', 'steps', 'adjointIntegrator', 'checkFinite'] as const;
const backendKeys = ['space', 'tidy', 'release', 'f', 'vjp', 'valueAndVjp', 'step', 'stepVjp', 'stepsVjp', 'solve', 'thetaZeros', 'onEvaluate'] as const;

function probeOptions() {
  const module = {
    fixedSchedule: eachKey(scheduleKeys, (k, v) => adjoint.adjointBackward(backend, states, cotangents, { ...fixed, [k]: v } as never)),
    adaptiveSchedule: eachKey(['times', 'adaptive', 'adjointIntegrator'], (k, v) =>
      adjoint.adjointBackward(backend, states, cotangents, { ...adaptive, [k]: v } as never),
    ),
    forwardSchedule: eachKey(scheduleKeys, (k, v) => adjoint.solveForward(backend, y0, { ...fixed, [k]: v } as never)),
    forwardOptions: eachKey(['checkpointEvery'], (k, v) => adjoint.solveForward(backend, y0, fixed, { [k]: v } as never)),
    model: eachKey(['stateBytes', 'stepBytes'], (k, v) => adjoint.planCheckpoints([10], { ...model, [k]: v } as never)),
    forwardBackend: eachKey(backendKeys, (k, v) => adjoint.solveForward({ ...backend, [k]: v } as never, y0, fixed)),
    adaptiveBackend: eachKey(backendKeys, (k, v) => adjoint.solveForward({ ...backend, [k]: v } as never, y0, adaptive)),
    adjointBackend: eachKey(backendKeys, (k, v) => adjoint.adjointBackward({ ...backend, [k]: v } as never, states, cotangents, fixed)),
    reversibleBackend: eachKey(backendKeys, (k, v) => adjoint.reversibleBackward({ ...backend, [k]: v } as never, states, cotangents, fixed)),
    checkpointBackend: eachKey(backendKeys, (k, v) => adjoint.checkpointBackward({ ...backend, [k]: v } as never, checkpointed(), cotangents, fixed, 1)),
  };
  // A function is a valid member, and the probe's `() => 0` is one: a pass refuses what a
  // member it calls returns (tested below), and does not read the members it does not call.
  const unread: Record<string, readonly string[]> = {
    forwardBackend: ['f', 'vjp', 'valueAndVjp', 'stepVjp', 'stepsVjp', 'solve', 'thetaZeros', 'onEvaluate', 'release'],
    adaptiveBackend: ['f', 'vjp', 'valueAndVjp', 'step', 'stepVjp', 'stepsVjp', 'thetaZeros', 'onEvaluate', 'release'],
    adjointBackend: ['step', 'stepVjp', 'stepsVjp', 'solve', 'onEvaluate', 'release'],
    reversibleBackend: ['f', 'vjp', 'valueAndVjp', 'stepsVjp', 'solve', 'onEvaluate', 'release'],
    checkpointBackend: ['f', 'vjp', 'valueAndVjp', 'step', 'solve', 'onEvaluate', 'release'],
  };
  const accepts: Record<string, string> = {
    'fixedSchedule.checkFinite': 'true is a valid checkFinite',
    'forwardSchedule.checkFinite': 'true is a valid checkFinite',
  };
  for (const [group, keys] of Object.entries(unread))
    for (const k of keys)
      accepts[`${group}.${k}`] = ['release', 'onEvaluate'].includes(k)
        ? `any function is a valid ${k} (its result is not read)`
        : `a function is a valid ${k}, and this pass does not call it`;
  return probeBadInputs(module, { accepts });
}

/** The members each pass calls, with the call that reaches them. */
const passes: [string, readonly string[], (be: FieldBackend<Float64Array>) => unknown][] = [
  ['solveForward (fixed steps)', ['tidy', 'step'], (be) => adjoint.solveForward(be, y0, fixed)],
  ['solveForward (adaptive)', ['tidy', 'solve'], (be) => adjoint.solveForward(be, y0, adaptive)],
  ['adjointBackward', ['tidy', 'f', 'vjp', 'thetaZeros'], (be) => adjoint.adjointBackward(be, states, cotangents, fixed)],
  ['adjointBackward (valueAndVjp)', ['valueAndVjp'], (be) => adjoint.adjointBackward(be, states, cotangents, fixed)],
  ['reversibleBackward', ['tidy', 'step', 'stepVjp', 'thetaZeros'], (be) => adjoint.reversibleBackward(be, states, cotangents, fixed)],
  ['checkpointBackward', ['tidy', 'stepVjp', 'thetaZeros'], (be) => adjoint.checkpointBackward(be, checkpointed(), cotangents, fixed, 1)],
  ['checkpointBackward (stepsVjp)', ['stepsVjp'], (be) => adjoint.checkpointBackward(be, checkpointed(), cotangents, fixed, 1)],
];
const probed = await probeMain();

const main = probed;
const made = await probeMade();
const perOption = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/adjoint: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`what its factories make (tape, traced space, augmented space): ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`each member of a schedule, a memory model and a field backend: ${formatBadInputCounts(perOption)}`, () => {
    expect(formatBadInputFindings(perOption), formatBadInputCounts(perOption)).toBe('');
  });
});

describe('what a backend callback returns or throws', () => {
  it.each(passes)(
    '%s: a member returning no state of the right size is SHAPE_MISMATCH naming it; one that throws is CALLBACK_FAILED with the cause',
    (_name, members, run) => {
      for (const k of members) {
        expect(thrown(() => run({ ...backend, [k]: () => 0 }))).toEqual({ code: 'SHAPE_MISMATCH', argument: `backend.${k}` });
        const cause = new Error(`${k} failed`);
        let caught: unknown;
        try {
          run({
            ...backend,
            [k]: () => {
              throw cause;
            },
          });
        } catch (e) {
          caught = e;
        }
        expect(isPhaseflowError(caught, 'CALLBACK_FAILED'), String(caught)).toBe(true);
        expect((caught as { details: { callback: string } }).details.callback).toBe(`backend.${k}`);
        expect((caught as Error).cause).toBe(cause);
      }
    },
  );

  it('a PhaseflowError thrown by a callback passes unchanged (a memory guard in onEvaluate)', () => {
    const be = {
      ...backend,
      onEvaluate: () => adjoint.memoryBoundExceeded('memory.maxBytes', 2e6, 1e6, 'a hint'),
    };
    expect(thrown(() => adjoint.adjointBackward(be, states, cotangents, fixed))).toEqual({ code: 'MEMORY_BOUND_EXCEEDED', argument: 'memory.maxBytes' });
  });

  it('the valid calls still answer (the probe fixtures are sound)', () => {
    const { dy0, dtheta } = adjoint.adjointBackward(backend, states, cotangents, fixed);
    expect(dy0.length).toBe(2);
    expect(dtheta.length).toBe(1);
    expect(adjoint.solveForward(backend, y0, adaptive).states).toHaveLength(2);
    expect(adjoint.planCheckpoints([10, 20], model, 1e6, 'args.memory.maxBytes').every).toBeGreaterThan(0);
  });
});
