/**
 * One way to name integrators. Each integrator family exports its methods as a record of
 * factories (`rungeKuttaMethods`, `splittingMethods`, …); a layer or tool that accepts an
 * integrator by name resolves it against the records it was given. Records are plain data:
 * a third party's family takes part by passing its own record, no global registration.
 */
import { PhaseflowError } from './errors.js';
import type { AnyIntegrator } from './integrator.js';

/** A family's methods by name, as factories (each call a fresh instance: integrators keep scratch buffers). */
export type MethodRecord = Readonly<Record<string, () => unknown>>;

/**
 * Every name the records define, in record order, each once (the first record that defines a
 * name wins, as in {@link resolveIntegrator}).
 *
 * @example
 * ```ts
 * integratorNames(rungeKuttaMethods, splittingMethods); // ['euler', …, 'sofroniou-spaletta10']
 * ```
 */
export function integratorNames(...records: readonly MethodRecord[]): string[] {
  records.forEach((record, i) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new PhaseflowError('INVALID_ARGUMENT', `records[${i}]: expected a method record { name: () => Integrator, ... }`, {
        argument: `records[${i}]`,
        expected: 'a method record { name: () => Integrator, ... }',
        received: record === null ? 'null' : Array.isArray(record) ? 'an array' : typeof record,
      });
    }
    for (const [name, make] of Object.entries(record)) {
      if (typeof make !== 'function') {
        throw new PhaseflowError('INVALID_ARGUMENT', `records[${i}].${name}: expected a factory () => Integrator`, {
          argument: `records[${i}].${name}`,
          expected: 'a factory () => Integrator',
          received: make === null ? 'null' : typeof make,
        });
      }
    }
  });
  const names = new Set<string>();
  for (const record of records) for (const name of Object.keys(record)) names.add(name);
  return [...names];
}

function isIntegrator(value: unknown): value is AnyIntegrator {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { step?: unknown }).step === 'function' &&
    Array.isArray((value as { problemKinds?: unknown }).problemKinds)
  );
}

/**
 * An integrator given directly, or a fresh one made from the first record that names it.
 * `argument` is the option name reported in the error when the value is neither.
 *
 * @throws PhaseflowError `NOT_AVAILABLE` for an unknown name, `INVALID_ARGUMENT` for anything
 * that is neither a string nor an Integrator `{ name, problemKinds, step }`.
 * @example
 * ```ts
 * import { resolveIntegrator } from '@phaseflow/core';
 * import { rungeKuttaMethods } from '@phaseflow/runge-kutta';
 * resolveIntegrator('integrator', 'rk4', rungeKuttaMethods).order; // 4
 * ```
 */
export function resolveIntegrator(argument: string, value: unknown, ...records: readonly MethodRecord[]): AnyIntegrator {
  if (typeof argument !== 'string' || argument === '') {
    throw new PhaseflowError('INVALID_ARGUMENT', 'argument: expected the name of the option being resolved (a non-empty string, e.g. "options.method")', {
      argument: 'argument',
      expected: 'a non-empty string',
      received: typeof argument,
    });
  }
  if (isIntegrator(value)) return value;
  const known = integratorNames(...records);
  if (typeof value === 'string') {
    for (const record of records) {
      if (!Object.hasOwn(record, value)) continue;
      const made = record[value]!();
      if (!isIntegrator(made)) {
        throw new PhaseflowError('INVALID_ARGUMENT', `${argument}: the factory for ${JSON.stringify(value)} did not return an Integrator`, {
          argument,
          expected: 'a factory returning an Integrator { name, problemKinds, step }',
          received: typeof made,
        });
      }
      return made;
    }
    throw new PhaseflowError(
      'NOT_AVAILABLE',
      `${argument}: unknown integrator ${JSON.stringify(value)}; known: ${known.join(', ')} (or an Integrator object)`,
      {
        argument,
        expected: `an Integrator or one of ${known.join(', ')}`,
        received: JSON.stringify(value),
      },
    );
  }
  throw new PhaseflowError('INVALID_ARGUMENT', `${argument}: expected an Integrator or a method name`, {
    argument,
    expected: `an Integrator { name, problemKinds, step } or one of ${known.join(', ')}`,
    received: value === null ? 'null' : typeof value,
  });
}
