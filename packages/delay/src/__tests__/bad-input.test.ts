/**
 * Bad input over @phaseflow/delay (issue 13): `solveDelay` probed at both arguments, and each
 * of its options probed on its own inside an otherwise valid call, each answered with a coded
 * PhaseflowError naming the argument.
 */
import { isPhaseflowError } from '@phaseflow/core';
import * as delay from '@phaseflow/delay';
import { formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const thrown = (call: () => unknown) => {
  try {
    call();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, argument: e.details.argument } : e;
  }
  return 'returned';
};

const f = (_t: number, _x: number, xd: number) => -xd;
const base = { tau: 1, history: 1, h: 0.25, tEnd: 2 };

/** One function per option: solveDelay(f, { ...base, [key]: value }). */
const options = Object.fromEntries(
  (['tau', 'history', 'h', 'tEnd', 't0'] as const).map((key) => [key, (value: unknown) => delay.solveDelay(f, { ...base, [key]: value })]),
);

const main = await probeBadInputs(delay as unknown as Record<string, unknown>, { valid: { solveDelay: [f] } });
// −1, 0.5 and −1e6 are valid for some options (t0, history) and counted apart; the rest must be refused.
const perOption = await probeBadInputs({ options }, { accepts: { 'options.history': 'a function of t is a valid history (the probe passes () => 0)' } });

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/delay: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`each option of solveDelay: ${formatBadInputCounts(perOption)}`, () => {
    expect(formatBadInputFindings(perOption), formatBadInputCounts(perOption)).toBe('');
    expect(perOption.acceptedAllowed).toBe(1); // the function, and nothing else
  });

  it('refuses a grid too long to allocate before allocating it', () => {
    expect(thrown(() => delay.solveDelay(f, { ...base, tEnd: 1e12, h: 1e-3 }))).toEqual({ code: 'ALLOCATION_TOO_LARGE', argument: 'options.h' });
  });
});
