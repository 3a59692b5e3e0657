/**
 * Conformance of the Observer role: a name and handlers that are functions; handlers that
 * follow a real integration run (core's `integrate` over Kepler with a Störmer–Verlet control)
 * and a training run (the event sequence every Trainer emits: run:start, step, batch:end,
 * epoch:end with 0-based indices, run:end) without throwing and without modifying the events
 * or the states they are handed; a stop requested with a reason in words; and a second run
 * observed after the first.
 */
import { checkOptions, createEmitter, integrate, invalid, type Observer, type RunControl } from '@phaseflow/core';
import type { ReferenceProblem } from '@phaseflow/problems';
import type { CheckResult } from './checks.js';
import { stormerVerletControl } from './controls.js';
import { referenceProblems } from './references.js';
import type { NamedCheck } from './trainer-conformance.js';

/** Options of {@link observerChecks} and {@link runObserverConformance}. */
export interface ObserverConformanceOptions {
  /** Runs to observe (default both): an integration run, a training run. */
  readonly runs?: readonly ('integration' | 'training')[];
  /** Steps of the integration run (default 50). */
  readonly steps?: number;
}

/** The outcome of {@link runObserverConformance}. */
export interface ObserverConformanceReport {
  readonly observer: string;
  readonly ok: boolean;
  readonly results: CheckResult[];
}

/** A deep copy of the numbers (and their places) in an event, to see whether a handler changed it. */
function snapshot(value: unknown, depth = 0): unknown {
  if (depth > 4) return '…';
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((v) => snapshot(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') out[k] = snapshot(v, depth + 1);
    return out;
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const describeError = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * Wrap `observer`: every handler call is checked — it must not throw, must not change the
 * event (states included), and stop reasons must be non-empty strings.
 */
function watched(observer: Observer, problems: string[]): Observer {
  const on: Record<string, (e: never, c: RunControl) => void> = {};
  for (const [kind, handler] of Object.entries(observer.on)) {
    if (typeof handler !== 'function') continue;
    on[kind] = (event, control) => {
      const before = snapshot(event);
      const guarded: RunControl = {
        stop(reason) {
          if (typeof reason !== 'string' || reason.trim() === '') problems.push(`${kind}: stop(${JSON.stringify(reason)}) — a reason must say why, in words`);
          control.stop(reason);
        },
      };
      try {
        (handler as (e: unknown, c: RunControl) => void).call(observer.on, event, guarded);
      } catch (e) {
        problems.push(`${kind}: the handler threw ${describeError(e)}`);
        return;
      }
      if (!same(snapshot(event), before)) problems.push(`${kind}: the handler modified the event it was handed (events and states are read-only)`);
    };
  }
  return { name: observer.name, on };
}

/** The events of a small training run, as every Trainer emits them. */
function trainingRun(observer: Observer): void {
  const events = createEmitter([observer]);
  const emit: typeof events.emit = (kind, event) => events.emit(kind, event);
  const state = { weights: Float64Array.of(0.5, -0.25) };
  const epochs = 3;
  const batches = 2;
  emit('run:start', { run: 'training', name: 'conformance-trainer', total: epochs });
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let batch = 0; batch < batches; batch++) {
      step++;
      const loss = 1 / (1 + step);
      emit('step', { step, t: 0.01 * step, h: 0.01, state, loss });
      emit('batch:end', { epoch, batch, loss });
      state.weights[0] = 0.5 - 0.01 * step;
    }
    const metrics = { accuracy: 0.5 + 0.1 * epoch, learningRate: 0.01, validationLoss: 1 / (2 + epoch), validationAccuracy: 0.4 + 0.1 * epoch };
    emit('epoch:end', { epoch, total: epochs, loss: 1 / (1 + step), metrics });
    if (events.stopReason !== undefined) break;
  }
  emit('run:end', {
    status: events.stopReason === undefined ? 'completed' : 'stopped',
    steps: step,
    t: 0.01 * step,
    ...(events.stopReason !== undefined && { reason: events.stopReason }),
  });
}

/**
 * The checks of the Observer contract for `observer`; {@link runObserverConformance} runs them
 * all and `observerConformance` of `@phaseflow/testkit/vitest` registers one test per check.
 *
 * @example
 * ```ts
 * const checks = observerChecks(createEnergyObserver());
 * ```
 */
export function observerChecks(observer: Observer, options: ObserverConformanceOptions = {}): NamedCheck[] {
  if (observer === null || typeof observer !== 'object' || Array.isArray(observer)) invalid('observer', 'an Observer { name, on }', observer);
  // An object without `on` is no observer at all; a bad name or handler is judged by the checks.
  if (!('on' in observer)) invalid('observer.on', 'an object of event handlers', undefined);
  const o = checkOptions('options', options, ['runs', 'steps']);
  const runs = o.runs ?? ['integration', 'training'];
  if (!Array.isArray(runs) || runs.some((r) => r !== 'integration' && r !== 'training'))
    invalid('options.runs', "an array of 'integration' and 'training'", runs);
  const steps = o.steps ?? 50;
  if (!Number.isInteger(steps) || steps < 1) invalid('options.steps', 'an integer ≥ 1', steps);
  const name = typeof observer.name === 'string' ? observer.name : String(observer.name);
  const verdict = (check: string, problems: string[], good: string): CheckResult => ({
    check,
    ok: problems.length === 0,
    message: problems.length === 0 ? `${name}: ${good}` : `${name}: ${[...new Set(problems)].slice(0, 5).join('; ')}`,
  });
  const kepler = referenceProblems('separable-hamiltonian')[0] as ReferenceProblem<unknown>;
  const integration = (problems: string[]) => {
    integrate(stormerVerletControl as never, kepler.problem as never, kepler.y0(), { tEnd: steps * 0.01, h: 0.01, observers: [watched(observer, problems)] });
  };

  const checks: NamedCheck[] = [
    {
      name: 'declares a name and handlers that are functions',
      run: async () => {
        const problems: string[] = [];
        if (typeof observer.name !== 'string' || observer.name === '') problems.push(`name ${JSON.stringify(observer.name)} (expected a non-empty string)`);
        if (observer.on === null || typeof observer.on !== 'object') problems.push('on is not an object of handlers');
        else {
          for (const [kind, handler] of Object.entries(observer.on)) {
            if (handler !== undefined && typeof handler !== 'function') problems.push(`on[${JSON.stringify(kind)}] is ${typeof handler}, not a function`);
          }
          try {
            createEmitter([observer]);
          } catch (e) {
            problems.push(`createEmitter refuses it: ${describeError(e)}`);
          }
        }
        return verdict('shape', problems, 'name and handlers well formed');
      },
    },
  ];
  if (typeof observer.on !== 'object' || observer.on === null) return checks;
  if (runs.includes('integration')) {
    checks.push({
      name: 'follows an integration run without throwing or modifying events and states',
      run: async () => {
        const problems: string[] = [];
        try {
          integration(problems);
        } catch (e) {
          problems.push(`the run failed: ${describeError(e)}`);
        }
        return verdict('integration', problems, `followed ${steps} steps of Störmer–Verlet on ${kepler.name}`);
      },
    });
  }
  if (runs.includes('training')) {
    checks.push({
      name: 'follows a training run (0-based epochs and batches) without throwing or modifying events',
      run: async () => {
        const problems: string[] = [];
        try {
          trainingRun(watched(observer, problems));
        } catch (e) {
          problems.push(`the run failed: ${describeError(e)}`);
        }
        return verdict('training', problems, 'followed 3 epochs of 2 batches');
      },
    });
  }
  checks.push({
    name: 'observes a second run after the first',
    run: async () => {
      const problems: string[] = [];
      try {
        for (let k = 0; k < 2; k++) {
          if (runs.includes('integration')) integration(problems);
          if (runs.includes('training')) trainingRun(watched(observer, problems));
        }
      } catch (e) {
        problems.push(`the second run failed: ${describeError(e)}`);
      }
      return verdict('reuse', problems, 'observed two runs in a row');
    },
  });
  return checks;
}

/**
 * Run every check of the Observer contract and collect the verdicts.
 *
 * @example
 * ```ts
 * const report = await runObserverConformance(createRecorder({ every: 10 }));
 * report.ok; // true
 * ```
 */
export async function runObserverConformance(observer: Observer, options: ObserverConformanceOptions = {}): Promise<ObserverConformanceReport> {
  const results: CheckResult[] = [];
  for (const c of observerChecks(observer, options)) results.push(await c.run());
  return { observer: observer.name, ok: results.every((r) => r.ok), results };
}
