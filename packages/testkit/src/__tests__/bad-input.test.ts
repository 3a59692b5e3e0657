/**
 * Bad input over the testkit itself (issue 13): every export of both entries, the later
 * arguments of the checks (the reference problem, the options), the control integrators'
 * steps, and the factories' options, each answered with a coded PhaseflowError naming the
 * argument. The suite registrars of `@phaseflow/testkit/vitest` are probed here, during
 * collection, where `describe` may be called: each must refuse bad input before it registers
 * anything.
 */
import { isPhaseflowError } from '@phaseflow/core';
import { kepler } from '@phaseflow/problems';
import * as testkit from '@phaseflow/testkit';
import { formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import * as testkitVitest from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

const { explicitMidpoint, stormerVerletControl, createControlLayer } = testkit;
const ode = kepler({ kind: 'ode' });
const sep = kepler();
const withRef = [explicitMidpoint, ode];
const checksOf = [
  'measureOrder',
  'checkOrder',
  'checkReversibility',
  'checkBackward',
  'checkSymplecticity',
  'checkNoMutation',
  'checkAdvance',
  'checkStaysOnManifold',
];

const main = await probeBadInputs(testkit as unknown as Record<string, unknown>, {
  valid: {
    ...Object.fromEntries(checksOf.map((k) => [k, withRef])),
    checkStageTimes: [explicitMidpoint, 'ode'],
    checkBadInput: [explicitMidpoint],
    runConformance: [explicitMidpoint],
    lieIntegratorConformance: [explicitMidpoint],
    mislabel: [explicitMidpoint],
    jacobian: [(x: Float64Array) => x],
    trainerChecks: [testkit.createControlTrainer()],
    runTrainerConformance: [testkit.createControlTrainer()],
    layerChecks: [createControlLayer()],
    runLayerConformance: [createControlLayer()],
    observerChecks: [testkit.createControlObserver()],
    runObserverConformance: [testkit.createControlObserver()],
    'explicitMidpoint.step': [ode.problem, 0, ode.y0(), 0.1],
    'explicitEuler.step': [ode.problem, 0, ode.y0(), 0.1],
    'stormerVerletControl.step': [sep.problem, 0, sep.y0(), 0.1],
    'symplecticEulerControl.step': [sep.problem, 0, sep.y0(), 0.1],
  },
  accepts: {
    measureAbortLatency: 'a function is a valid run (its result is awaited)',
    referenceProblems: 'any non-empty string is a problem kind (plugins define their own; unknown kinds have no default problems)',
  },
});

// The suite registrars, at collection time (where describe may be called): a value that is no
// object at all must be refused before anything is registered. An object that breaks the
// contract is answered by failing checks, by design; the check builders (trainerChecks,
// layerChecks, observerChecks) are probed above.
const notObjects: [string, unknown][] = [
  ['null', null],
  ['NaN', NaN],
  ["''", ''],
  ['true', true],
  ['a function', () => 0],
];
const registrarAnswers = Object.fromEntries(
  (['integratorConformance', 'trainerConformance', 'layerConformance', 'observerConformance'] as const).flatMap((name) =>
    notObjects.map(([label, bad]) => {
      try {
        (testkitVitest[name] as (x: unknown, o?: unknown) => void)(bad, {});
        return [`${name}(${label})`, 'registered'];
      } catch (e) {
        return [`${name}(${label})`, isPhaseflowError(e) && e.details.argument ? 'coded' : String(e)];
      }
    }),
  ),
);

// The expectation helpers: bad calls, codes and arguments are coded; a valid expectation that
// fails (the probe's () => 0 throws nothing) fails as an AssertionError, which is its answer.
const expectations = await probeBadInputs(
  { expectPhaseflowError: testkitVitest.expectPhaseflowError, expectPhaseflowErrorAsync: testkitVitest.expectPhaseflowErrorAsync },
  { valid: { expectPhaseflowError: [() => 0, 'INVALID_ARGUMENT'], expectPhaseflowErrorAsync: [() => 0, 'INVALID_ARGUMENT'] } },
);

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/testkit: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
    expect(main.acceptedAllowed).toBe(5); // measureAbortLatency's function; referenceProblems' four non-empty strings
  });
  it('@phaseflow/testkit/vitest: the suite registrars refuse non-objects before registering a suite', () => {
    expect(Object.entries(registrarAnswers).filter(([, a]) => a !== 'coded')).toEqual([]);
  });
  it(`@phaseflow/testkit/vitest: the expectation helpers: ${formatBadInputCounts(expectations)}`, () => {
    expect(expectations.findings.filter((f) => !(f.outcome === 'other-error' && f.detail.startsWith('AssertionError')))).toEqual([]);
  });
  it('the control integrators step when their step is detached from them (no `this`)', () => {
    const { step } = explicitMidpoint;
    expect(step(ode.problem, 0, ode.y0(), 0.1)).toEqual(explicitMidpoint.step(ode.problem, 0, ode.y0(), 0.1));
    const { step: kick } = stormerVerletControl;
    expect(kick(sep.problem, 0, sep.y0(), 0.1)).toEqual(stormerVerletControl.step(sep.problem, 0, sep.y0(), 0.1));
  });
});
