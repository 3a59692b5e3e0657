/**
 * Bad input over @phaseflow/cli's programmatic API (issue 13): every export, `main` at both
 * of its arguments (with a quiet io), `reportHtml`'s second argument and every option of
 * `createProgress`, each answered with a coded PhaseflowError naming the argument. What a
 * user types on the command line is not covered here: `main` reports that on `io.err` with
 * exit code 2 (cli.test.ts).
 */
import { tmpdir } from 'node:os';
import * as cli from '@phaseflow/cli';
import { formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const lines: string[] = [];
const quiet: cli.Io = { out: (l) => void lines.push(l), err: (l) => void lines.push(l), isTTY: false, cwd: tmpdir() };
const sink = { write: () => true, isTTY: false };

const main = await probeBadInputs(cli as unknown as Record<string, unknown>, {
  skip: {
    main: 'probed below with a quiet io (the default io writes to this process’s stdout and stderr)',
    formatNumber: 'probed below: NaN and ±Infinity are numbers it formats',
  },
  valid: { reportHtml: [[]] },
  accepts: { loadDemos: '[] is a valid (empty) list of providers' },
});
const quietMain = await probeBadInputs(
  { main: (argv: unknown) => cli.main(argv as string[], quiet), mainIo: (io: unknown) => cli.main(['--help'], io as cli.Io) },
  { accepts: { main: 'an array of strings is a valid argv ([]: the usage on io.err, exit code 2; unknown words: exit code 2)' } },
);
const format = await probeBadInputs({ formatNumber: cli.formatNumber });
// Any string is a label and true a valid force: each accepted, the rest refused.
const progressAccepts = { 'createProgress.label': 'any string is a label', 'createProgress.force': 'true is a valid boolean' };
const progress = await probeBadInputs(
  { createProgress: Object.fromEntries(['label', 'stream', 'force', 'every'].map((k) => [k, (v: unknown) => cli.createProgress({ stream: sink, [k]: v })])) },
  { accepts: progressAccepts },
);

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/cli: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
    expect(main.acceptedAllowed).toBe(1);
  });
  it(`main(argv, io) with a quiet io: ${formatBadInputCounts(quietMain)}`, () => {
    expect(formatBadInputFindings(quietMain), formatBadInputCounts(quietMain)).toBe('');
    expect(quietMain.acceptedAllowed).toBe(2); // [] and the one sampled array of strings (an unknown command: exit code 2)
  });
  it(`formatNumber formats numbers, NaN and ±Infinity included, and refuses the rest: ${formatBadInputCounts(format)}`, () => {
    expect(format.findings.filter((f) => !/= (NaN|-?Infinity)$/.test(f.input))).toEqual([]);
    expect(format.findings.length).toBeGreaterThanOrEqual(3);
  });
  it(`every option of createProgress: ${formatBadInputCounts(progress)}`, () => {
    expect(formatBadInputFindings(progress), formatBadInputCounts(progress)).toBe('');
    expect(progress.acceptedAllowed).toBe(6); // true, and the five strings of the probe ('', 'not-a-valid-value', three samples)
  });
});
