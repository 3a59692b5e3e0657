import { describe, expect, it } from 'vitest';
import { checkFinite, checkOptions, PhaseflowError } from '@phaseflow/core';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';

// A small module whose every answer class is known.
const fixture = {
  /** Coded, naming the argument, for every bad value. */
  strict(options: unknown = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new PhaseflowError('INVALID_ARGUMENT', 'options: expected an object', { argument: 'options', expected: 'an object', received: String(options) });
    }
    checkOptions('options', options as Record<string, unknown>, ['n']);
    return 1;
  },
  /** Coded but unnamed. */
  vague(x: unknown) {
    throw new PhaseflowError('INVALID_ARGUMENT', `bad ${String(x)}`);
  },
  /** A TypeError from inside. */
  careless(x: { length: number } | null) {
    return x!.length.toFixed(2);
  },
  /** Returns on anything. */
  lenient(x: unknown) {
    return x;
  },
  /** No parameters: not probed. */
  constant() {
    return 42;
  },
  /** Async, coded on its second argument once given a valid first. */
  async scale(a: number, b: unknown) {
    checkFinite('a', a);
    return a * checkFinite('b', b);
  },
  table: { twice: (x: unknown) => 2 * checkFinite('x', x) },
};

describe('probeBadInputs', () => {
  it('classifies coded, unnamed, other and accepted answers, and skips parameterless functions', async () => {
    const r = await probeBadInputs(fixture, { samples: 2, valid: { scale: [2] } });
    const per = r.calls / (r.functions + 1); // scale is probed at two positions
    expect(r.noParameters).toEqual(['constant']);
    expect(r.functions).toBe(6);
    expect(r.calls).toBe(per * 7);
    const outcomes = (name: string) => new Set(r.findings.filter((f) => f.export === name).map((f) => f.outcome));
    expect(r.findings.filter((f) => f.export === 'strict')).toEqual([]);
    expect([...outcomes('vague')]).toEqual(['coded-unnamed']);
    expect(outcomes('careless').has('other-error')).toBe(true);
    expect([...outcomes('lenient')]).toEqual(['accepted']);
    expect(outcomes('table.twice').size).toBe(0);
    expect(outcomes('scale').size).toBe(0);
    expect(r.codedUnnamed).toBe(per);
    expect(r.findings.filter((f) => f.export === 'lenient').length).toBe(per - 3); // less the three suspect values
    expect(r.acceptedSuspect).toBeGreaterThanOrEqual(3 * 2); // −1, 0.5, −1e6 are fine numbers for table.twice and scale's b
    expect(r.coded + r.codedUnnamed + r.otherErrors + r.accepted + r.acceptedAllowed + r.acceptedSuspect).toBe(r.calls);
    expect(formatBadInputFindings(r)).toMatch(/^careless: \d+ × — e\.g\. argument 0 = /m);
  });

  it('counts allowed acceptances apart, honours skip, and is reproducible for a seed', async () => {
    const a = await probeBadInputs(fixture, { skip: { careless: 'fixture' }, accepts: { lenient: 'identity' }, seed: 3 });
    const b = await probeBadInputs(fixture, { skip: { careless: 'fixture' }, accepts: { lenient: 'identity' }, seed: 3 });
    expect(a.findings.some((f) => f.export === 'careless' || f.export === 'lenient')).toBe(false);
    expect(a.acceptedAllowed).toBeGreaterThan(0);
    expect(a.skipped).toEqual({ careless: 'fixture' });
    expect(a).toEqual(b);
  });

  it('refuses its own bad options with coded errors', async () => {
    await expectPhaseflowError(() => probeBadInputs(null as never), 'INVALID_ARGUMENT', 'module');
    await expectPhaseflowError(() => probeBadInputs(fixture, { skip: { nothere: 'x' } }), 'INVALID_ARGUMENT', 'options.skip.nothere');
    await expectPhaseflowError(() => probeBadInputs(fixture, { samples: -1 }), 'INVALID_ARGUMENT', 'options.samples');
    await expectPhaseflowError(() => probeBadInputs(fixture, { bogus: 1 } as never), 'UNKNOWN_OPTION');
  });
});

describe('formatBadInputCounts and eachOption', () => {
  it('eachOption probes each option alone, named group.key, and the counts line reads the report', async () => {
    const solve = (o: { h?: unknown; tEnd?: unknown }) => {
      checkFinite('options.h', o.h);
      checkFinite('options.tEnd', o.tEnd);
      return 0;
    };
    const report = await probeBadInputs({ solve: eachOption(['h', 'tEnd'], (key, value) => solve({ h: 0.1, tEnd: 1, [key]: value })) });
    expect(report.functions).toBe(2);
    expect(formatBadInputFindings(report)).toBe('');
    expect(formatBadInputCounts(report)).toBe(
      `2 functions, ${report.calls} calls: ${report.coded} coded, 0 unnamed, 0 other errors, 0 accepted (+${report.acceptedSuspect} suspect values accepted)`,
    );
    // A key that the call ignores is found: its bad values are accepted.
    const lax = await probeBadInputs({ solve: eachOption(['h', 'ignored'], (key, value) => solve({ h: 0.1, tEnd: 1, ...(key === 'h' && { h: value }) })) });
    expect(formatBadInputFindings(lax)).toMatch(/^solve\.ignored: /);
  });

  it('refuse what they cannot read, with coded errors', () => {
    expectPhaseflowError(() => formatBadInputCounts({} as never), 'INVALID_ARGUMENT', 'report');
    expectPhaseflowError(() => eachOption(['h', ''], () => 0), 'INVALID_ARGUMENT', 'keys');
    expectPhaseflowError(() => eachOption(['h'], null as never), 'INVALID_ARGUMENT', 'make');
  });
});
