/**
 * Bad input over @phaseflow/observers (issue 13): every export (both call forms of the
 * callback and stop-condition observers), the observers they make (their handlers called with
 * bad events and run controls, their reports and resets), and each option of every factory
 * probed on its own inside an otherwise valid call, each answered with a coded PhaseflowError
 * naming the argument.
 */
import { isPhaseflowError, separableHamiltonian, type RunControl } from '@phaseflow/core';
import * as observers from '@phaseflow/observers';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const { createCallbackObserver, createEarlyStopping, createEnergyObserver, createRecorder, createStopWhen } = observers;

const thrown = (call: () => unknown) => {
  try {
    call();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, argument: e.details.argument } : e;
  }
  return 'returned';
};

const oscillator = separableHamiltonian<Float64Array>({
  dTdp: (p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
  dVdq: (q, out = new Float64Array(1)) => ((out[0] = q[0]!), out),
  T: (p) => 0.5 * p[0]! ** 2,
  V: (q) => 0.5 * q[0]! ** 2,
});
const state = () => ({ q: Float64Array.of(1), p: Float64Array.of(0) });
const start = () => ({ run: 'integration', name: 'probe', problem: oscillator, t0: 0, tEnd: 1, state: state() });
const stepEvent = () => ({ step: 1, t: 0.1, h: 0.1, state: state() });
const epochEvent = () => ({ epoch: 0, loss: 1, metrics: {} });
const control: RunControl = { stop: () => undefined };

/** The entry: both call forms, with valid first arguments reaching the second. */
function probeMain() {
  return probeBadInputs(observers as unknown as Record<string, unknown>, {
    accepts: {
      createStopWhen: 'a function is a valid predicate (the positional form)',
      createCallbackObserver: 'any non-empty string is a valid observer name (the positional form)',
    },
    valid: {
      createCallbackObserver: [{ step: () => undefined }],
      createStopWhen: [() => false],
    },
  });
}

/**
 * What the factories make: each observer's handlers (a fresh observer per call, started on a
 * valid run where a handler needs one), with a valid event reaching the run-control argument.
 */
function probeMade() {
  const energy = () => {
    const o = createEnergyObserver();
    o.on['run:start']!(start(), control);
    return o;
  };
  const recorder = () => {
    const o = createRecorder();
    o.on['run:start']!(start(), control);
    return o;
  };
  const stopWhen = () => createStopWhen(() => true);
  const early = () => createEarlyStopping({ patience: 1 });
  const module = {
    energy: {
      start: (...a: unknown[]) => createEnergyObserver().on['run:start']!(...(a as [never, never])),
      step: (...a: unknown[]) => energy().on.step!(...(a as [never, never])),
      end: (...a: unknown[]) => energy().on['run:end']!(...(a as [never, never])),
    },
    recorder: {
      start: (...a: unknown[]) => createRecorder().on['run:start']!(...(a as [never, never])),
      step: (...a: unknown[]) => recorder().on.step!(...(a as [never, never])),
    },
    stopWhen: { step: (...a: unknown[]) => stopWhen().on.step!(...(a as [never, never])) },
    early: { epochEnd: (...a: unknown[]) => early().on['epoch:end']!(...(a as [never, never])) },
  };
  return probeBadInputs(module, {
    // The control argument is probed where a handler reads it (a stop request).
    valid: {
      'stopWhen.step': [stepEvent()],
      'early.epochEnd': [epochEvent()],
    },
  });
}

/**
 * Every option of every factory probed on its own inside an otherwise valid call. Values valid
 * for an option are listed in `accepts` and accepted exactly once each.
 */
async function probeOptions() {
  const module = {
    createEnergyObserver: eachOption(['every', 'maxSamples'], (k, v) => createEnergyObserver({ [k]: v } as never)),
    createRecorder: eachOption(['every', 'map', 'limit'], (k, v) => createRecorder({ [k]: v } as never)),
    createCallbackObserver: eachOption(['handlers', 'name'], (k, v) => createCallbackObserver({ handlers: {}, [k]: v } as never)),
    createStopWhen: eachOption(['predicate', 'reason'], (k, v) => createStopWhen({ predicate: () => false, [k]: v } as never)),
    createEarlyStopping: eachOption(['monitor', 'patience', 'minDelta', 'mode'], (k, v) => createEarlyStopping({ [k]: v } as never)),
  };
  const accepts = {
    'createRecorder.map': "the probe's own `() => 0` is a valid map of states",
    'createStopWhen.predicate': "the probe's own `() => 0` is a valid predicate",
    'createCallbackObserver.name': 'any non-empty string is a valid observer name',
    'createStopWhen.reason': 'any non-empty string is a valid stop reason',
    'createEarlyStopping.monitor': "any non-empty string is a valid metric name (checked against each epoch's metrics when it ends)",
  };
  return { r: await probeBadInputs(module, { accepts }), accepts };
}

const main = await probeMain();
const made = await probeMade();
const options = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/observers: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`the observers it makes, their handlers called with bad events: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`each option of every factory: ${formatBadInputCounts(options.r)}`, () => {
    expect(formatBadInputFindings(options.r), formatBadInputCounts(options.r)).toBe('');
    // The one valid value each (a function), and the strings that are valid names.
    expect(options.r.acceptedAllowed).toBe(2 + 3 * 4);
  });

  it('names the second argument of the positional call forms', () => {
    expect(thrown(() => createCallbackObserver({}, '' as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'name' });
    expect(thrown(() => createStopWhen(() => true, 5 as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'reason' });
  });
});
