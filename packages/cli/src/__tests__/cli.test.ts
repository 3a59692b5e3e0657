import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber, main, renderSvg, type Io } from '@phaseflow/cli';

let project: string;

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const handle: Io = { out: (l) => void out.push(l), err: (l) => void err.push(l), isTTY: false, cwd };
  return { handle, out, err };
}

// A third-party plugin installed in a user's project: plain JS, found through its package.json.
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'phaseflow-cli-'));
  const pkg = join(project, 'node_modules', 'acme-phaseflow-plugin');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'acme-phaseflow-plugin', version: '1.2.3', type: 'module', exports: { './demos': './demos.js' }, phaseflow: { demos: './demos' } }),
  );
  writeFileSync(
    join(pkg, 'demos.js'),
    `export const demos = [
      { name: 'acme-line', title: 'A line', description: 'y = seed·x', async run(ctx) {
          ctx.progress(0.5);
          const values = [0, 1, 2].map((x) => ({ x, y: ctx.seed * x }));
          return { summary: 'slope ' + ctx.seed, numbers: { slope: ctx.seed, tiny: 1.23456e-9 },
            figures: [{ name: 'line', title: 'Line', spec: { data: { values }, mark: 'line',
              encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } } }] };
        } },
      { name: 'acme-broken', title: 'Broken', description: 'throws', async run() { throw new Error('kaput'); } },
      { name: 'acme-needs-data', title: 'Needs data', description: 'reads an optional dataset', requires: ['acme-digits', 'acme-phaseflow-plugin'],
        async run() { throw new Error('must not run without acme-digits'); } },
    ];`,
  );
  // A provider whose demos entry imports a package that is not installed.
  const lazy = join(project, 'node_modules', '@acme', 'tfjs-demos');
  mkdirSync(lazy, { recursive: true });
  writeFileSync(
    join(lazy, 'package.json'),
    JSON.stringify({ name: '@acme/tfjs-demos', version: '0.1.0', type: 'module', exports: { './demos': './demos.js' }, phaseflow: { demos: './demos' } }),
  );
  writeFileSync(join(lazy, 'demos.js'), `import * as tf from '@acme/not-installed-backend';\nexport const demos = [];\n`);
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('phaseflow list', () => {
  it('finds third-party demos and the workspace packages', async () => {
    const { handle, out } = io(project);
    expect(await main(['list'], handle)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/acme-line\s+A line\s+\(acme-phaseflow-plugin\)/);
    expect(text).toMatch(/convergence .*@phaseflow\/example-testkit/);
  });
});

describe('demos whose packages are missing', () => {
  it('are listed as unavailable with the exact install line; installed requirements do not count as missing', async () => {
    const { handle, out } = io(project);
    expect(await main(['list'], handle)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/acme-needs-data\s+unavailable: needs acme-digits — npm install -D acme-digits$/m);
    expect(text).toMatch(/@acme\/tfjs-demos: its demos are unavailable: needs @acme\/not-installed-backend — npm install -D @acme\/not-installed-backend/);
    expect(text).not.toMatch(/acme-needs-data\s+Needs data/);
  });

  it('are skipped with the install line when named, with exit code 1, and never run', async () => {
    const { handle, err } = io(project);
    expect(await main(['demo', 'acme-needs-data', '--quiet', '--out', 'rep-missing'], handle)).toBe(1);
    expect(err.join('\n')).toMatch(/acme-needs-data\s+unavailable: needs acme-digits — npm install -D acme-digits/);
    expect(existsSync(join(project, 'rep-missing'))).toBe(false);
  });

  it('names every phaseflow demo pack of the repository in its catalogue', async () => {
    const { DEMO_PACKS } = await import('@phaseflow/cli');
    const examples = join(import.meta.dirname, '..', '..', '..', '..', 'examples');
    const { readdirSync } = await import('node:fs');
    const names = readdirSync(examples)
      .filter((d) => existsSync(join(examples, d, 'package.json')))
      .map((d) => (JSON.parse(readFileSync(join(examples, d, 'package.json'), 'utf8')) as { name: string }).name)
      .sort();
    expect(DEMO_PACKS.map((p) => p.name).sort()).toEqual(names);
  });
});

describe('phaseflow demo', () => {
  it('runs the named demos, writes SVG figures, numbers and the HTML report, and fails on a broken demo', async () => {
    const { handle, out } = io(project);
    const code = await main(['demo', 'acme-line', 'acme-broken', '--seed', '3', '--out', 'rep', '--quiet'], handle);
    expect(code).toBe(1);
    const dir = join(project, 'rep');
    const svg = readFileSync(join(dir, 'acme-line', 'line.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    const numbers = JSON.parse(readFileSync(join(dir, 'acme-line', 'numbers.json'), 'utf8'));
    expect(numbers).toMatchObject({ demo: 'acme-line', seed: 3, numbers: { slope: 3 } });
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('acme-line/line.svg');
    expect(html).toContain('kaput');
    expect(html).toContain('1.235e-9');
    expect(out.join('\n')).toMatch(/✓ acme-line .*slope 3/);
    expect(out.join('\n')).toMatch(/1 demos ok, 1 failed/);
  });

  it('runs the testkit convergence demo end to end', async () => {
    const { handle } = io(project);
    expect(await main(['demo', 'convergence', '--out', 'conv', '--quiet'], handle)).toBe(0);
    expect(existsSync(join(project, 'conv', 'convergence', 'order-by-halving.svg'))).toBe(true);
    const n = JSON.parse(readFileSync(join(project, 'conv', 'convergence', 'numbers.json'), 'utf8'));
    expect(n.numbers.orders['stormer-verlet-control'].measured).toBeCloseTo(2, 1);
  });

  it('rejects unknown demos, commands and bad seeds with exit code 2', async () => {
    const a = io(project);
    expect(await main(['demo', 'nope'], a.handle)).toBe(2);
    expect(a.err.join('\n')).toMatch(/NOT_AVAILABLE.*unknown demo "nope"; available: .*acme-line/);
    const b = io(project);
    expect(await main(['frobnicate'], b.handle)).toBe(2);
    const c = io(project);
    expect(await main(['demo', '--seed', '-4'], c.handle)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--seed/);
    const d = io(project);
    expect(await main(['--bogus'], d.handle)).toBe(2);
  });

  it('prints help', async () => {
    const { handle, out } = io(project);
    expect(await main(['--help'], handle)).toBe(0);
    expect(out.join('\n')).toMatch(/phaseflow demo \[name \.\.\.\]/);
  });
});

describe('rendering', () => {
  it('renders Vega-Lite to SVG without a DOM', async () => {
    const svg = await renderSvg({ data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } });
    expect(svg).toMatch(/<svg[^>]*width="\d+"/);
  });

  it('formats numbers for people', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.000123456)).toBe('1.235e-4');
    expect(formatNumber(3.14159265)).toBe('3.142');
  });
});
