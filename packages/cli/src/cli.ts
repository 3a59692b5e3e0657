/**
 * The `phaseflow` command. `main(argv)` returns the exit code, so the command is testable
 * without a child process.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { invalid, PhaseflowError } from '@phaseflow/core';
import { DEMO_PACKS } from './catalogue.js';
import { findDemoProviders, installLine, loadDemos, type FoundDemo, type UnavailableProvider } from './discover.js';
import { renderSvg } from './render.js';
import { reportHtml, type DemoOutcome } from './report.js';

const HELP = `phaseflow — neural networks as dynamical systems

Usage:
  phaseflow demo [name ...] [--out DIR] [--seed N]   run demos (all by default) and write an HTML report
  phaseflow list                                    list the demos the installed packages provide
  phaseflow --help | --version

Options:
  --out DIR    report folder (default: phaseflow-report)
  --seed N     seed for every random choice (default: 1)
  --quiet      no progress bar, only the summary

Every installed package whose package.json has "phaseflow": { "demos": "./demos" }
contributes its demos, third-party plugins included. phaseflow's own demos come in packs:
  npm install -D @phaseflow/example-symplectic   (and the others \`phaseflow list\` names)
A demo whose optional packages are missing is listed as unavailable with the install line;
the others run.`;

/** Where `main` writes; replaceable in tests. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
  readonly cwd: string;
}

const defaultIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  isTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function discover(io: Io): Promise<{ demos: FoundDemo[]; unavailable: UnavailableProvider[] }> {
  const providers = findDemoProviders(io.cwd);
  const { demos, unavailable, problems } = await loadDemos(providers);
  for (const p of problems) io.err(`warning: could not load demos of ${p}`);
  return { demos, unavailable };
}

const NO_DEMOS = `no demos found: install a demo pack, e.g. ${installLine(['@phaseflow/example-symplectic'])}`;

function unavailableLines(demos: readonly FoundDemo[], providers: readonly UnavailableProvider[]): string[] {
  return [
    ...demos.filter((d) => d.missing.length).map((d) => `${d.demo.name.padEnd(24)} unavailable: needs ${d.missing.join(', ')} — ${installLine(d.missing)}`),
    ...providers.map((p) => `${p.packageName}: its demos are unavailable: needs ${p.missing.join(', ')} — ${installLine(p.missing)}`),
  ];
}

async function runDemos(selected: FoundDemo[], outDir: string, seed: number, io: Io, quiet: boolean): Promise<DemoOutcome[]> {
  mkdirSync(outDir, { recursive: true });
  const bars =
    !quiet && io.isTTY
      ? new cliProgress.MultiBar(
          { format: '{name} |{bar}| {percentage}% {info}', hideCursor: false, clearOnComplete: false, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  const outcomes: DemoOutcome[] = [];
  for (const [i, { demo, packageName }] of selected.entries()) {
    const label = `[${i + 1}/${selected.length}] ${demo.name}`;
    const bar = bars?.create(100, 0, { name: label.padEnd(28), info: '' });
    if (!bars && !quiet) io.err(`${label}: running`);
    const started = performance.now();
    let outcome: DemoOutcome;
    try {
      const result = await demo.run({
        seed,
        progress(fraction, message) {
          bar?.update(Math.round(100 * Math.min(1, Math.max(0, fraction))), { info: message ?? '' });
        },
      });
      const dir = join(outDir, demo.name);
      mkdirSync(dir, { recursive: true });
      const figureFiles: string[] = [];
      for (const f of result.figures) {
        const file = `${demo.name}/${f.name}.svg`;
        writeFileSync(join(outDir, file), await renderSvg(f.spec));
        figureFiles.push(file);
      }
      writeFileSync(join(dir, 'numbers.json'), `${JSON.stringify({ demo: demo.name, seed, summary: result.summary, numbers: result.numbers }, null, 2)}\n`);
      outcome = {
        name: demo.name,
        title: demo.title,
        description: demo.description,
        packageName,
        seconds: (performance.now() - started) / 1000,
        result,
        figureFiles,
      };
      bar?.update(100, { info: 'done' });
    } catch (e) {
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      outcome = { name: demo.name, title: demo.title, description: demo.description, packageName, seconds: (performance.now() - started) / 1000, error: msg };
      bar?.update(0, { info: 'FAILED' });
    }
    outcomes.push(outcome);
  }
  bars?.stop();
  return outcomes;
}

/** Run the command; resolves to the process exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  // A program calling main wrongly is told so (coded); what a user types is reported on io.err below.
  if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string')) invalid('argv', 'an array of strings (process.argv.slice(2))', argv);
  if (io === null || typeof io !== 'object' || typeof io.out !== 'function' || typeof io.err !== 'function' || typeof io.cwd !== 'string') {
    invalid('io', 'an Io { out(line), err(line), isTTY, cwd }', io);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string', default: 'phaseflow-report' },
        seed: { type: 'string', default: '1' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (e) {
    io.err(`phaseflow: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (values.version) {
    io.out(version());
    return 0;
  }
  const [command, ...names] = positionals;
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    io.err(`phaseflow: --seed: expected an integer in [0, 2^32), received ${JSON.stringify(values.seed)}`);
    return 2;
  }
  if (command === 'list') {
    const { demos, unavailable } = await discover(io);
    if (demos.length === 0 && unavailable.length === 0) io.out(NO_DEMOS);
    for (const { demo, packageName } of demos.filter((d) => d.missing.length === 0)) io.out(`${demo.name.padEnd(24)} ${demo.title}  (${packageName})`);
    for (const line of unavailableLines(demos, unavailable)) io.out(line);
    const present = new Set([...demos.map((d) => d.packageName), ...unavailable.map((p) => p.packageName)]);
    const more = DEMO_PACKS.filter((p) => !present.has(p.name));
    if (more.length) {
      io.out(`\nmore demo packs (${installLine(['<pack>'])}):`);
      for (const p of more) io.out(`  ${p.name.padEnd(36)} ${p.about}`);
    }
    return 0;
  }
  if (command !== 'demo') {
    io.err(command === undefined ? HELP : `phaseflow: unknown command ${JSON.stringify(command)}\n\n${HELP}`);
    return 2;
  }
  const { demos: all, unavailable } = await discover(io);
  const unknown = names.filter((n) => !all.some((d) => d.demo.name === n));
  if (unknown.length > 0) {
    const err = new PhaseflowError(
      'NOT_AVAILABLE',
      `unknown demo ${unknown.map((u) => JSON.stringify(u)).join(', ')}; available: ${all.map((d) => d.demo.name).join(', ')}`,
      {
        argument: 'name',
        received: unknown.join(', '),
      },
    );
    io.err(`phaseflow: ${err.message}`);
    return 2;
  }
  const named = names.length ? all.filter((d) => names.includes(d.demo.name)) : all;
  const blocked = named.filter((d) => d.missing.length);
  if (names.length && blocked.length) {
    for (const line of unavailableLines(blocked, [])) io.err(`phaseflow: ${line}`);
    return 1;
  }
  for (const line of unavailableLines(blocked, unavailable)) io.err(`skipped: ${line}`);
  const selected = named.filter((d) => d.missing.length === 0);
  if (selected.length === 0) {
    io.err(`phaseflow: ${all.length || unavailable.length ? 'no demo can run here (see the install lines above)' : NO_DEMOS}`);
    return 1;
  }
  const outDir = resolve(io.cwd, values.out);
  const outcomes = await runDemos(selected, outDir, seed, io, values.quiet);
  writeFileSync(join(outDir, 'index.html'), reportHtml(outcomes, { seed, date: new Date().toISOString(), node: process.version }));
  writeFileSync(
    join(outDir, 'summary.json'),
    `${JSON.stringify(
      outcomes.map(({ name, packageName, seconds, result, error }) => ({ name, packageName, seconds, summary: result?.summary, error: error?.split('\n')[0] })),
      null,
      2,
    )}\n`,
  );
  io.out('');
  for (const o of outcomes) {
    io.out(`${o.error ? '✗' : '✓'} ${o.name} (${o.seconds.toFixed(1)} s): ${o.error ? o.error.split('\n')[0] : o.result!.summary}`);
  }
  const failed = outcomes.filter((o) => o.error).length;
  io.out(`\nreport: ${join(outDir, 'index.html')} — ${outcomes.length - failed} demos ok, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
