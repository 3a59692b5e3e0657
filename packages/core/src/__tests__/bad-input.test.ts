/**
 * Bad input over @phaseflow/core (issue 13): every export (the driver, the validators, the
 * error helpers, the lifecycle, step control, the spaces, problems, random sources, the
 * registry), the objects its factories make (an emitter, a run lifecycle, a PI controller, a
 * random source, a yielder, the spaces and the problems), and each option of the main entry
 * points probed on its own inside an otherwise valid call, each answered with a coded
 * PhaseflowError naming the argument.
 */
import * as core from '@phaseflow/core';
import { describe, expect, it } from 'vitest';

/**
 * The probe lives in @phaseflow/testkit, which peer-depends on core: core cannot list it (the
 * project graph would have a cycle), so the test loads it by name at run time (the workspace
 * links it) and types what it uses here.
 */
interface BadInputReport {
  readonly functions: number;
  readonly calls: number;
  readonly coded: number;
  readonly codedUnnamed: number;
  readonly otherErrors: number;
  readonly accepted: number;
  readonly acceptedAllowed: number;
  readonly acceptedSuspect: number;
  readonly findings: readonly unknown[];
}
interface Testkit {
  probeBadInputs(
    module: Record<string, unknown>,
    options?: {
      skip?: Record<string, string>;
      accepts?: Record<string, string>;
      valid?: Record<string, readonly unknown[]>;
    },
  ): Promise<BadInputReport>;
  formatBadInputFindings(report: BadInputReport): string;
  formatBadInputCounts(report: BadInputReport): string;
  eachOption(keys: readonly string[], make: (key: string, value: unknown) => unknown): Record<string, (value: unknown) => unknown>;
}
const testkitName = '@phaseflow/testkit';
const { probeBadInputs, formatBadInputFindings, formatBadInputCounts, eachOption } = (await import(testkitName)) as Testkit;

const {
  PhaseflowError,
  createEmitter,
  createPiController,
  createRandom,
  createRunLifecycle,
  createYielder,
  float64Space,
  hamiltonianProblem,
  integrate,
  integrateAsync,
  isPhaseflowError,
  odeProblem,
  partitionedProblem,
  phaseSpace,
  separableHamiltonian,
} = core;

const thrown = (call: () => unknown) => {
  try {
    call();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, argument: e.details.argument } : e;
  }
  return 'returned';
};

/** Explicit Euler on any vector space. */
const euler: core.Integrator<core.OdeProblem<Float64Array>, Float64Array> = {
  name: 'euler',
  order: 1,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
  step(problem, t, y, h, out) {
    core.checkStep(euler, problem, h);
    return problem.space.axpy(h, problem.f(t, y), y, out);
  },
};
const decayField = (_t: number, y: Float64Array, out?: Float64Array) => {
  const o = out ?? new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) o[i] = -y[i]!;
  return o;
};
const decay = odeProblem(decayField);
const y0 = () => Float64Array.of(1, 2);
const run = { tEnd: 1, steps: 4 };
const x = Float64Array.of(1, 2);
const phase = phaseSpace(float64Space);
const pq = () => ({ q: Float64Array.of(1), p: Float64Array.of(0) });
const identity = (y: Float64Array) => y;

const SKIP_F64 =
  "the per-stage arithmetic of every Float64 integrator: it trusts its operands by design (documented on float64Space; states are checked once where they enter — y0 by integrate, the field's results by its guard), and checking each operand of each stage costs 40–60 % on small systems (measured)";
const SKIP_PHASE =
  "the per-stage arithmetic of the phase space: it hands q and p to the component's arithmetic, which trusts its operands on Float64Array (see float64Space) and checks them on tensors";
const OWN = "the caller's own function, kept on the problem as given: its arguments come from the integrator, its results are checked by the driver's guard";

/** The main entry: every export, with valid prefixes reaching the later arguments. */
function probeMain() {
  return probeBadInputs(core as unknown as Record<string, unknown>, {
    skip: {
      'float64Space.axpy': SKIP_F64,
      'float64Space.scale': SKIP_F64,
      'float64Space.combine': SKIP_F64,
      'float64Space.copy': SKIP_F64,
      'float64Space.dot': SKIP_F64,
      'float64Space.norm': SKIP_F64,
      'float64Space.errorNorm': SKIP_F64,
    },
    accepts: {
      isPhaseflowError: 'a predicate: false is its answer for anything that is not a PhaseflowError (with that code)',
      isParametric: 'a predicate: false is its answer for anything without a parametric view',
      describeValue: 'renders any value for a message: every value is valid',
      callbackFailed: 'it returns (does not throw) the CALLBACK_FAILED error for whatever the callback threw, null and NaN included',
      checkFunction: "the probe's own `() => 0` is a function: the valid input",
      checkFiniteArray: '[] is a valid array: it holds no entry that is not finite',
      checkInRange: 'Infinity is a valid upper bound (none)',
      checkOptions: '[] (an entry point without options) and any list of option names are valid',
      createEmitter: '[] is a valid (empty) list of observers',
      odeProblem: "the probe's own `() => 0` is a function: a valid vector field (its results are checked where a run calls it)",
      withScope: "the probe's own `() => 0` is a valid scoped function (it returns 0)",
      randomDraws: "any object that is not one of core's sources is returned as it is (a Random of the caller's own; what it lacks shows where it is called)",
    },
    valid: {
      integrate: [euler, decay, y0()],
      integrateAsync: [euler, decay, y0()],
      callbackFailed: ['problem.f', new Error('user')],
      isPhaseflowError: [new PhaseflowError('INVALID_ARGUMENT', 'x')],
      checkAllocation: ['options.n', 10, 8],
      checkFinite: ['x'],
      checkFiniteArray: ['x'],
      checkFunction: ['x'],
      checkInRange: ['x', 0.5, 0],
      checkInteger: ['x', 3],
      checkLength: ['x', [1, 2]],
      checkModuleUrl: ['options.module'],
      checkNonNegative: ['x'],
      checkOneOf: ['x', 'a'],
      checkOptions: ['options', {}],
      checkPositive: ['x'],
      checkSameSize: ['a', 2, 'b'],
      checkStep: [euler, decay],
      checkTimes: ['times', [0.5], 0],
      invalid: ['x', 'a number'],
      withScope: [float64Space],
      requireParametric: ['layer'],
      resolveIntegrator: ['options.method', 'euler'],
      'float64Space.copy': [x],
      'float64Space.toFloat64': [x],
      'float64Space.axpy': [1, x, x],
      'float64Space.scale': [1, x],
      'float64Space.combine': [[1], [x], x],
      'float64Space.dot': [x],
      'float64Space.errorNorm': [x, x, x, 1e-6],
    },
  });
}

/** What the factories make, each method on a fresh object (so one call's effect does not decide the next). */
function probeMade() {
  const lifecycle = () => createRunLifecycle({ run: 'test', name: 'probe' });
  const running = () => {
    const l = lifecycle();
    l.start();
    return l;
  };
  const rng = createRandom(1);
  const module = {
    emitter: {
      has: (...a: unknown[]) => createEmitter([]).has(...(a as [never])),
      emit: (...a: unknown[]) => createEmitter([]).emit(...(a as [never, never])),
    },
    lifecycle: {
      start: (...a: unknown[]) => lifecycle().start(...(a as [never])),
      at: (...a: unknown[]) => running().at(...(a as [never, never])),
      step: (...a: unknown[]) => running().step(...(a as [never])),
      checkAbort: (...a: unknown[]) => running().checkAbort(...(a as [never])),
      fail: (...a: unknown[]) => running().fail(...(a as [never, never, never])),
      guard: (...a: unknown[]) => running().guard(...(a as [never, never])),
      finish: (...a: unknown[]) => running().finish(...(a as [never])),
    },
    controller: createPiController({ errorOrder: 4 }),
    rng,
    yielder: createYielder(20),
    float64Space,
    phase,
    ode: decay,
    separable: separableHamiltonian({ dTdp: identity, dVdq: identity }),
    partitioned: partitionedProblem({ velocity: (_t, _q, p) => p, force: (_t, q) => q }),
    hamiltonian: hamiltonianProblem({ dHdq: (q) => q, dHdp: (_q, p) => p }),
  };
  return probeBadInputs(module, {
    skip: {
      'float64Space.axpy': SKIP_F64,
      'float64Space.scale': SKIP_F64,
      'float64Space.combine': SKIP_F64,
      'float64Space.copy': SKIP_F64,
      'float64Space.dot': SKIP_F64,
      'float64Space.norm': SKIP_F64,
      'float64Space.errorNorm': SKIP_F64,
      'phase.axpy': SKIP_PHASE,
      'phase.scale': SKIP_PHASE,
      'phase.combine': SKIP_PHASE,
      'phase.copy': SKIP_PHASE,
      'phase.dot': SKIP_PHASE,
      'phase.norm': SKIP_PHASE,
      'phase.errorNorm': SKIP_PHASE,
      'ode.f': OWN,
      'separable.dTdp': OWN,
      'separable.dVdq': OWN,
      'partitioned.velocity': OWN,
      'partitioned.force': OWN,
      'hamiltonian.dHdq': OWN,
      'hamiltonian.dHdp': OWN,
    },
    accepts: {
      'emitter.has': 'a predicate over an open vocabulary (declaration merging): false for any kind no observer handles',
      'emitter.emit': "events are open to declaration merging: any object is a valid event of a plugin's own kind",
      'lifecycle.checkAbort': 'any message is valid; the signal decides whether the run ends',
      'lifecycle.guard': "the probe's own `() => 0` is a valid callback (it returns 0)",
      'lifecycle.start': "run:start events are open: a plugin's own fields are valid",
      'rng.fork': 'any non-empty string (or finite number) is a valid fork label',
      'rng.shuffle': '[] and any array are valid: shuffled in place',
    },
    valid: {
      'emitter.emit': ['custom:event'],
      'lifecycle.at': [1],
      'lifecycle.guard': ['options.loss'],
      'controller.tooSmall': [0.1],
      'controller.landing': [0, 0.1],
      'controller.accept': [0.5],
      'controller.reject': [2],
      'rng.uniformIn': [0],
      'rng.fillUniform': [new Float64Array(3), 0],
      'rng.fillNormal': [new Float64Array(3), 0],
      'float64Space.copy': [x],
      'float64Space.toFloat64': [x],
      'float64Space.axpy': [1, x, x],
      'float64Space.scale': [1, x],
      'float64Space.combine': [[1], [x], x],
      'float64Space.dot': [x],
      'float64Space.errorNorm': [x, x, x, 1e-6],
      'phase.copy': [pq()],
      'phase.toFloat64': [pq()],
      'phase.axpy': [1, pq(), pq()],
      'phase.scale': [1, pq()],
      'phase.combine': [[1], [pq()], pq()],
      'phase.dot': [pq()],
      'phase.errorNorm': [pq(), pq(), pq(), 1e-6],
      'ode.f': [0],
      'separable.dTdp': [],
      'partitioned.velocity': [0, Float64Array.of(1)],
      'partitioned.force': [0, Float64Array.of(1)],
      'hamiltonian.dHdq': [Float64Array.of(1)],
      'hamiltonian.dHdp': [Float64Array.of(1)],
    },
  });
}

/** `name: [make(value) for each key]`: one function per option, the others valid. */
const adaptiveEuler: core.Integrator<core.OdeProblem<Float64Array>, Float64Array> = {
  ...euler,
  name: 'adaptive-euler',
  properties: { ...euler.properties, adaptive: true },
  adaptive(problem, t0, start) {
    let t = t0;
    let y = problem.space.clone(start);
    const stats = { accepted: 0, rejected: 0, evaluations: 0 };
    return {
      stats,
      advance(tStop) {
        const h = Math.min(0.25, tStop - t);
        y = euler.step(problem, t, y, h);
        t = h === tStop - t ? tStop : t + h;
        stats.accepted++;
        return { t, y, h };
      },
    };
  },
};

/**
 * Every option of integrate / integrateAsync, of the lifecycle, the PI controller, the
 * initial step, the problem factories and an observer probed on its own inside an otherwise
 * valid call. Values valid for an option are listed in `accepts` and accepted exactly once each.
 */
function probeOptions() {
  const integrateKeys = ['t0', 'tEnd', 'h', 'steps', 'save', 'maxSteps', 'signal', 'observers', 'checkFiniteEvery', 'events', 'eventTolerance', 'eventSamples'];
  const module = {
    integrate: eachOption(integrateKeys, (k, v) => integrate(euler, decay, y0(), { ...run, ...(k === 'h' && { steps: undefined }), [k]: v } as never)),
    integrateAsync: eachOption([...integrateKeys, 'yieldEveryMs'], (k, v) =>
      integrateAsync(euler, decay, y0(), { ...run, ...(k === 'h' && { steps: undefined }), [k]: v } as never),
    ),
    adaptive: eachOption(['adaptive'], (k, v) => integrate(adaptiveEuler, decay, y0(), { tEnd: 1, [k]: v } as never)),
    saveEvery: eachOption(['every'], (k, v) => integrate(euler, decay, y0(), { ...run, save: { [k]: v } } as never)),
    saveTimes: eachOption(['times'], (k, v) => integrate(euler, decay, y0(), { ...run, save: { [k]: v } } as never)),
    event: eachOption(['g', 'direction', 'terminal', 'name'], (k, v) =>
      integrate(euler, decay, y0(), { ...run, events: [{ g: (_t: number, y: Float64Array) => y[0]! - 0.5, [k]: v }] } as never),
    ),
    observer: eachOption(['name', 'on', 'every', 'at'], (k, v) =>
      integrate(euler, decay, y0(), { ...run, observers: [{ name: 'o', on: { step: () => undefined }, [k]: v }] } as never),
    ),
    createRunLifecycle: eachOption(['run', 'name', 'observers', 'emitter', 'signal', 'partial', 'argument'], (k, v) =>
      createRunLifecycle({ run: 'test', name: 'probe', [k]: v } as never),
    ),
    createPiController: eachOption(['errorOrder', 'beta', 'safety', 'minFactor', 'maxFactor', 'minStep', 'maxStep', 'argument'], (k, v) =>
      createPiController({ errorOrder: 4, [k]: v } as never),
    ),
    initialStep: eachOption(['space', 'f', 't0', 'y0', 'f0', 'direction', 'order', 'atol', 'rtol', 'maxStep'], (k, v) =>
      core.initialStep({
        space: float64Space,
        f: decayField,
        t0: 0,
        y0: x,
        f0: decayField(0, x),
        direction: 1,
        order: 4,
        atol: 1e-6,
        rtol: 1e-3,
        [k]: v,
      } as never),
    ),
    odeProblem: eachOption(['space', 'name', 'energy'], (k, v) => odeProblem(decayField, { [k]: v } as never)),
    separableHamiltonian: eachOption(['dTdp', 'dVdq', 'T', 'V', 'space', 'name'], (k, v) =>
      separableHamiltonian({ dTdp: identity, dVdq: identity, [k]: v } as never),
    ),
    partitionedProblem: eachOption(['velocity', 'force', 'separable', 'energy', 'space', 'name'], (k, v) =>
      partitionedProblem({ velocity: (_t: number, _q: Float64Array, p: Float64Array) => p, force: (_t: number, q: Float64Array) => q, [k]: v } as never),
    ),
    hamiltonianProblem: eachOption(['dHdq', 'dHdp', 'H', 'space', 'name'], (k, v) =>
      hamiltonianProblem({ dHdq: (q: Float64Array) => q, dHdp: (_q: Float64Array, p: Float64Array) => p, [k]: v } as never),
    ),
    restoreRandom: eachOption(['seed', 'words', 'spareNormal'], (k, v) => core.restoreRandom({ ...createRandom(3).getState(), [k]: v } as never)),
  };
  const accepts = {
    'integrate.observers': '[] is a valid (empty) list of observers',
    'integrateAsync.observers': '[] is a valid (empty) list of observers',
    'integrate.events': '[] is a valid (empty) list of events',
    'integrateAsync.events': '[] is a valid (empty) list of events',
    'integrate.maxSteps': 'Infinity is a valid budget (none)',
    'integrateAsync.maxSteps': 'Infinity is a valid budget (none)',
    'adaptive.adaptive': 'true is a valid adaptive option (the integrator defaults)',
    'event.terminal': 'true is a valid terminal flag',
    'observer.at': '[] is a valid (empty) list of output times',
    'createRunLifecycle.observers': '[] is a valid (empty) list of observers',
    'createRunLifecycle.partial': "the probe's own `() => 0` is a valid partial-result function",
    'createPiController.maxStep': 'Infinity is a valid maxStep (no limit)',
    'initialStep.maxStep': 'Infinity is a valid maxStep (no limit)',
    'odeProblem.energy': "the probe's own `() => 0` is a valid energy function",
    'separableHamiltonian.T': "the probe's own `() => 0` is a valid kinetic energy",
    'separableHamiltonian.V': "the probe's own `() => 0` is a valid potential",
    'separableHamiltonian.dTdp': "the probe's own `() => 0` is a function (its results are checked where a run calls it)",
    'separableHamiltonian.dVdq': "the probe's own `() => 0` is a function (its results are checked where a run calls it)",
    'partitionedProblem.velocity': "the probe's own `() => 0` is a function (its results are checked where a run calls it)",
    'partitionedProblem.force': "the probe's own `() => 0` is a function (its results are checked where a run calls it)",
    'partitionedProblem.energy': "the probe's own `() => 0` is a valid energy function",
    'partitionedProblem.separable': 'true is a valid boolean',
    'hamiltonianProblem.dHdq': "the probe's own `() => 0` is a function (its results are checked where a run calls it)",
    'hamiltonianProblem.dHdp': "the probe's own `() => 0` is a function (its results are checked where a run calls it)",
    'hamiltonianProblem.H': "the probe's own `() => 0` is a valid Hamiltonian",
    'createPiController.argument': 'any non-empty string is a valid prefix of option names',
    'createRunLifecycle.argument': 'any non-empty string is a valid prefix of option names',
    'createRunLifecycle.name': 'any non-empty string is a valid run name',
    'createRunLifecycle.run': "any non-empty string is a valid run kind (a plugin's own word)",
    'event.g': "the probe's own `() => 0` is a valid event function",
    'event.name': 'any non-empty string is a valid event name',
    'observer.name': 'any non-empty string is a valid observer name',
    'odeProblem.name': 'any non-empty string is a valid problem name',
    'separableHamiltonian.name': 'any non-empty string is a valid problem name',
    'partitionedProblem.name': 'any non-empty string is a valid problem name',
    'hamiltonianProblem.name': 'any non-empty string is a valid problem name',
    'initialStep.f': "the probe's own `() => 0` is a function (initialStep reads its result through the space)",
    'restoreRandom.spareNormal': 'null is the saved "no spare normal"',
  };
  return probeBadInputs(module, { accepts }).then((r) => ({ r, accepts }));
}

const main = await probeMain();
const made = await probeMade();
const options = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/core: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`what its factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`every option of the driver, the lifecycle, step control and the problem factories: ${formatBadInputCounts(options.r)}`, () => {
    expect(formatBadInputFindings(options.r), formatBadInputCounts(options.r)).toBe('');
  });

  it('a run lifecycle refuses bad arguments to the verbs that end it, naming them', () => {
    const running = () => {
      const l = createRunLifecycle({ run: 'test', name: 'probe' });
      l.start();
      return l;
    };
    expect(thrown(() => running().fail('CONVERGENCE_FAILURE', '' as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'message' });
    expect(thrown(() => running().fail('CONVERGENCE_FAILURE', 'no', null as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'details' });
    expect(thrown(() => running().abort(5 as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'message' });
    expect(thrown(() => running().abort('stop', [] as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'details' });
    expect(thrown(() => running().failWith(new Error('x'), null as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'callback' });
    // Valid calls end the run as they always did: the run's own error, no argument blamed.
    expect(thrown(() => running().fail('CONVERGENCE_FAILURE', 'no'))).toEqual({ code: 'CONVERGENCE_FAILURE', argument: undefined });
    expect(thrown(() => running().failWith(new Error('x'), 'options.loss'))).toEqual({ code: 'CALLBACK_FAILED', argument: undefined });
  });

  it('the error helpers and checkStep name what they were handed', () => {
    expect(thrown(() => core.callbackFailed('problem.f', new Error('x'), null as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'details' });
    expect(thrown(() => core.callbackFailed('' as never, new Error('x')))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'callback' });
    expect(thrown(() => isPhaseflowError(new Error('x'), null as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'code' });
    expect(isPhaseflowError(new PhaseflowError('ABORTED', 'x'), 'ABORTED')).toBe(true);
    // An arrow-function step has no `this`: the integrator is named, not a TypeError.
    expect(thrown(() => core.checkStep(undefined as never, decay, 0.1))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'integrator' });
    expect(thrown(() => core.checkFinite(undefined as never, 1))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'argument' });
    expect(thrown(() => core.checkInteger('n', 3, { mn: 1 } as never))).toEqual({ code: 'UNKNOWN_OPTION', argument: 'bounds.mn' });
  });

  it('float64Space and the phase space check what they are handed per run and per step', () => {
    expect(thrown(() => float64Space.clone([1, 2] as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'y' });
    expect(thrown(() => float64Space.isFinite(null as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'y' });
    expect(thrown(() => float64Space.toFloat64(x, new Float64Array(3)))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'out' });
    expect(thrown(() => phase.size({ q: x } as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'y' });
    expect(thrown(() => phaseSpace({ name: 'half', clone: () => 0 } as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'component.zeros' });
  });

  it('createEmitter refuses null observers (it read null as none)', () => {
    expect(thrown(() => createEmitter(null as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'options.observers' });
    expect(thrown(() => createEmitter(null as never, 'fit.observers'))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'fit.observers' });
    expect(thrown(() => integrate(euler, decay, y0(), { ...run, observers: null as never }))).toEqual({
      code: 'INVALID_ARGUMENT',
      argument: 'options.observers',
    });
  });
});
