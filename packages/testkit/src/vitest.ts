/**
 * Vitest bindings: one call registers a conformance suite inside a plugin's own tests.
 *
 * @example
 * ```ts
 * import { integratorConformance } from '@phaseflow/testkit/vitest';
 * integratorConformance(createMyIntegrator());
 * ```
 */
import {
  checkOptions,
  invalid,
  isPhaseflowError,
  type Integrator,
  type Layer,
  type Observer,
  type PhaseflowError,
  type PhaseflowErrorCode,
  type Problem,
  type Trainer,
} from '@phaseflow/core';
import { describe, expect, it } from 'vitest';
import { checkConformanceOptions, runConformance, type ConformanceOptions } from './checks.js';
import { layerChecks, type LayerConformanceOptions } from './layer-conformance.js';
import { observerChecks, type ObserverConformanceOptions } from './observer-conformance.js';
import { trainerChecks, type NamedCheck, type TrainerConformanceOptions } from './trainer-conformance.js';

/** Register `conformance: <name>` with one test per check and problem. */
export function integratorConformance<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, options: ConformanceOptions = {}): void {
  // Refuse bad input here, before describe: an error inside describe's callback fails the whole file.
  checkConformanceOptions(integrator, options);
  describe(`conformance: ${integrator.name}`, () => {
    const report = runConformance(integrator, options);
    for (const r of report.results) {
      it(`${r.check}${r.problem ? ` on ${r.problem}` : ''}`, () => {
        expect(r.ok, r.message).toBe(true);
      });
    }
  });
}

/** Options of the role suites' vitest bindings. */
export interface SuiteOptions {
  /** Per-test timeout in milliseconds (default: the project's). */
  readonly timeout?: number;
}

function register(title: string, checks: NamedCheck[], suite: SuiteOptions | undefined): void {
  const s = checkOptions('suite', suite, ['timeout']);
  if (s.timeout !== undefined && !(typeof s.timeout === 'number' && s.timeout > 0)) invalid('suite.timeout', 'a positive number of milliseconds', s.timeout);
  describe(title, () => {
    for (const c of checks) {
      it(
        c.name,
        async () => {
          const r = await c.run();
          expect(r.ok, r.message).toBe(true);
        },
        s.timeout,
      );
    }
  });
}

/**
 * Register `trainer conformance: <name>`, one test per check of the Trainer contract (see
 * `trainerChecks`): run:start/run:end once, 0-based indices, stop, aborts with `partial`,
 * coded errors, and no resource left behind when a counter is given.
 *
 * @example
 * ```ts
 * trainerConformance(createRidge(), { model: () => createReadout({ inputDim: 3, outputDim: 1 }), data });
 * ```
 */
export function trainerConformance<M, D>(trainer: Trainer<M, D>, options: TrainerConformanceOptions<M, D>, suite?: SuiteOptions): void {
  register(`trainer conformance: ${trainer?.name}`, trainerChecks(trainer, options), suite);
}

/**
 * Register `layer conformance: <name>`, one test per check of the Layer contract (see
 * `layerChecks`): deterministic forward, parameter round trip, forwardEnsemble = set + forward,
 * inverse ∘ forward = id when declared.
 *
 * @example
 * ```ts
 * layerConformance(createMlp64({ sizes: [2, 4, 1], seed: 1 }), { input: { x: Float64Array.of(0.1, 0.2), rows: 1, cols: 2 } });
 * ```
 */
export function layerConformance<I, O>(layer: Layer<I, O>, options: LayerConformanceOptions<I, O>, suite?: SuiteOptions): void {
  register(`layer conformance: ${layer?.name}`, layerChecks(layer, options), suite);
}

/**
 * Register `observer conformance: <name>`, one test per check of the Observer contract (see
 * `observerChecks`).
 *
 * @example
 * ```ts
 * observerConformance(createEnergyObserver({ every: 10 }));
 * ```
 */
export function observerConformance(observer: Observer, options?: ObserverConformanceOptions, suite?: SuiteOptions): void {
  register(`observer conformance: ${observer?.name}`, observerChecks(observer, options), suite);
}

function checkCaught(caught: unknown, code: PhaseflowErrorCode, argument: string | undefined, threw: boolean): PhaseflowError {
  expect(
    isPhaseflowError(caught, code),
    threw ? `expected a PhaseflowError ${code}, got ${String(caught)}` : `expected a PhaseflowError ${code}, but nothing was thrown`,
  ).toBe(true);
  const err = caught as PhaseflowError;
  if (argument !== undefined) expect(err.details.argument, err.message).toBe(argument);
  return err;
}

/** The code and argument an expectation names: a code in core's style (`INVALID_ARGUMENT`), an optional non-empty argument. */
function checkExpectation(code: unknown, argument: unknown): void {
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(code)) invalid('code', 'a PhaseflowError code (e.g. "INVALID_ARGUMENT")', code);
  if (argument !== undefined && (typeof argument !== 'string' || argument === ''))
    invalid('argument', 'the argument the error must name (a non-empty string), or undefined', argument);
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';

/**
 * Assert that `call` throws a PhaseflowError with `code` (and, when given, naming `argument`).
 * A call that returns a promise (an async function, `trainer.fit`), or a promise itself, is
 * awaited: the assertion then resolves once it rejected with that error.
 *
 * @example
 * ```ts
 * expectPhaseflowError(() => integrate(m, p, y0, { tEnd: 1, h: 0 }), 'INVALID_ARGUMENT', 'options.h');
 * await expectPhaseflowError(() => trainer.fit(model, data, { epoch: 3 } as never), 'UNKNOWN_OPTION');
 * ```
 */
export function expectPhaseflowError(
  call: PromiseLike<unknown> | (() => PromiseLike<unknown>),
  code: PhaseflowErrorCode,
  argument?: string,
): Promise<PhaseflowError>;
export function expectPhaseflowError(call: () => unknown, code: PhaseflowErrorCode, argument?: string): PhaseflowError;
export function expectPhaseflowError(call: unknown, code: PhaseflowErrorCode, argument?: string): PhaseflowError | Promise<PhaseflowError> {
  if (!isThenable(call) && typeof call !== 'function') invalid('call', 'a function (or a promise)', call);
  checkExpectation(code, argument);
  if (isThenable(call)) return expectPhaseflowErrorAsync(call, code, argument);
  let result: unknown;
  try {
    result = call();
  } catch (e) {
    return checkCaught(e, code, argument, true);
  }
  if (isThenable(result)) return expectPhaseflowErrorAsync(result, code, argument);
  return checkCaught(undefined, code, argument, false);
}

/**
 * Assert that a promise (or the promise an async call returns) rejects with a PhaseflowError
 * of `code`, naming `argument` when given. Throwing synchronously counts as rejecting.
 *
 * @example
 * ```ts
 * const err = await expectPhaseflowErrorAsync(trainer.fit(model, data, { signal: AbortSignal.abort() }), 'ABORTED');
 * err.partial; // the history so far
 * ```
 */
export async function expectPhaseflowErrorAsync(
  call: PromiseLike<unknown> | (() => unknown),
  code: PhaseflowErrorCode,
  argument?: string,
): Promise<PhaseflowError> {
  if (!isThenable(call) && typeof call !== 'function') invalid('call', 'a promise or a function', call);
  checkExpectation(code, argument);
  try {
    await (isThenable(call) ? call : (call as () => unknown)());
  } catch (e) {
    return checkCaught(e, code, argument, true);
  }
  return checkCaught(undefined, code, argument, false);
}
