import { describe, expect, it } from 'vitest';
import { float64Space, integratorNames, isPhaseflowError, resolveIntegrator, type Integrator, type OdeProblem } from '@phaseflow/core';

function expectPhaseflowError(call: () => unknown, code: string, argument?: string): void {
  let caught: unknown;
  try {
    call();
  } catch (e) {
    caught = e;
  }
  expect(isPhaseflowError(caught, code as never), String(caught)).toBe(true);
  if (argument !== undefined) expect((caught as { details: { argument?: string } }).details.argument).toBe(argument);
}

function euler(name: string): Integrator<OdeProblem<Float64Array>, Float64Array> {
  return {
    name,
    order: 1,
    problemKinds: ['ode'],
    properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false, denseOutput: false },
    step(problem, t, y, h, out) {
      const dy = problem.f(t, y);
      return float64Space.axpy(h, dy, y, out);
    },
  };
}

describe('resolveIntegrator', () => {
  const first = { euler: () => euler('euler'), shared: () => euler('first') };
  const second = { shared: () => euler('second'), other: () => euler('other') };

  it('returns an Integrator unchanged and makes a fresh one per name', () => {
    const given = euler('mine');
    expect(resolveIntegrator('integrator', given, first)).toBe(given);
    const a = resolveIntegrator('integrator', 'euler', first);
    const b = resolveIntegrator('integrator', 'euler', first);
    expect(a.name).toBe('euler');
    expect(a).not.toBe(b);
  });

  it('the first record that names a method wins; names are listed once', () => {
    expect(resolveIntegrator('integrator', 'shared', first, second).name).toBe('first');
    expect(integratorNames(first, second)).toEqual(['euler', 'shared', 'other']);
  });

  it('rejects unknown names and non-integrators with coded errors naming the argument', () => {
    expectPhaseflowError(() => resolveIntegrator('method', 'rk99', first), 'NOT_AVAILABLE', 'method');
    expectPhaseflowError(() => resolveIntegrator('method', 42, first), 'INVALID_ARGUMENT', 'method');
    expectPhaseflowError(() => resolveIntegrator('method', { step: 1 }, first), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => resolveIntegrator('method', 'bad', { bad: () => ({}) }), 'INVALID_ARGUMENT');
  });
});
