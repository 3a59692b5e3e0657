/**
 * Finding demos: every installed package whose package.json names a demos entry,
 * `"phaseflow": { "demos": "./demos" }`, contributes the `demos` array that entry exports.
 * Third-party plugins take part the same way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { invalid, PhaseflowError, type Demo } from '@phaseflow/core';

/** A package that provides demos. */
export interface DemoProvider {
  readonly packageName: string;
  readonly version: string;
  /** Absolute path of the package.json. */
  readonly manifest: string;
  /** The export subpath holding the demos (e.g. `./demos`). */
  readonly entry: string;
}

/** A demo with the package it came from. */
export interface FoundDemo {
  readonly demo: Demo;
  readonly packageName: string;
  /** Packages the demo needs that are not installed where its provider is (empty: it can run). */
  readonly missing: readonly string[];
}

/** A provider whose demos entry could not be imported because a package it imports is missing. */
export interface UnavailableProvider {
  readonly packageName: string;
  readonly missing: readonly string[];
}

/** An npm package name, scoped or not, or a `<placeholder>` for the help text. */
const PACKAGE_NAME = /^(?:<[\w-]+>|(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*)$/;

/** The npm command that installs the packages named (a dev install: demos are a development tool). */
export function installLine(packages: readonly string[]): string {
  if (!Array.isArray(packages) || packages.length === 0) invalid('packages', 'a non-empty array of package names', packages);
  packages.forEach((p, i) => {
    if (typeof p !== 'string' || !PACKAGE_NAME.test(p)) invalid(`packages[${i}]`, 'an npm package name (or a <placeholder>)', p);
  });
  return `npm install -D ${packages.join(' ')}`;
}

/** Whether `name` is installed for a package whose package.json is `manifest` (Node's lookup: node_modules folders upwards). */
function installedFor(manifest: string, name: string): boolean {
  return nodeModulesDirs(dirname(manifest)).some((nm) => existsSync(join(nm, ...name.split('/'), 'package.json')));
}

/** The package a failed import names as missing (`Cannot find package 'x'` / `Cannot find module 'x'`), if that is what failed. */
function missingPackage(e: unknown): string | undefined {
  const err = e as { code?: string; message?: string };
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' && err?.code !== 'MODULE_NOT_FOUND') return undefined;
  const m = /Cannot find (?:package|module) '((?:@[^/']+\/)?[^/']+)/.exec(err.message ?? '');
  return m && !m[1]!.startsWith('.') && !m[1]!.startsWith('/') ? m[1] : undefined;
}

function nodeModulesDirs(from: string): string[] {
  const dirs: string[] = [];
  let dir = resolve(from);
  for (;;) {
    const nm = join(dir, 'node_modules');
    if (existsSync(nm)) dirs.push(nm);
    const up = dirname(dir);
    if (up === dir) return dirs;
    dir = up;
  }
}

function readManifest(path: string): { name?: string; version?: string; phaseflow?: { demos?: unknown } } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * List the packages that provide demos, searching the node_modules folders above `cwd` and
 * above this CLI's own location. The first copy of a package found wins.
 */
export function findDemoProviders(cwd = process.cwd()): DemoProvider[] {
  if (typeof cwd !== 'string' || cwd.length === 0 || !existsSync(cwd) || !statSync(cwd).isDirectory()) invalid('cwd', 'the path of an existing directory', cwd);
  const here = dirname(fileURLToPath(import.meta.url));
  const seen = new Map<string, DemoProvider>();
  for (const nm of [...nodeModulesDirs(cwd), ...nodeModulesDirs(here)]) {
    let entries: string[];
    try {
      entries = readdirSync(nm);
    } catch {
      continue;
    }
    const candidates = entries.flatMap((e) => {
      if (e.startsWith('.')) return [];
      if (!e.startsWith('@')) return [join(nm, e)];
      try {
        return readdirSync(join(nm, e)).map((s) => join(nm, e, s));
      } catch {
        return [];
      }
    });
    for (const dir of candidates) {
      const manifest = join(dir, 'package.json');
      const pkg = readManifest(manifest);
      const entry = pkg?.phaseflow?.demos;
      if (!pkg?.name || typeof entry !== 'string' || seen.has(pkg.name)) continue;
      seen.set(pkg.name, { packageName: pkg.name, version: pkg.version ?? '0.0.0', manifest, entry });
    }
  }
  return [...seen.values()].sort((a, b) => a.packageName.localeCompare(b.packageName));
}

function isDemo(d: unknown): d is Demo {
  const x = d as Demo;
  return !!x && typeof x.name === 'string' && typeof x.title === 'string' && typeof x.run === 'function';
}

/**
 * Import each provider's demos entry and collect its demos. A demo whose `requires` are not
 * installed comes back with them in `missing`; a provider that cannot be imported because a
 * package is missing is listed in `unavailable`; any other broken provider is reported in
 * `problems`. None of these is fatal.
 */
export async function loadDemos(providers: readonly DemoProvider[]): Promise<{ demos: FoundDemo[]; unavailable: UnavailableProvider[]; problems: string[] }> {
  const demos: FoundDemo[] = [];
  const unavailable: UnavailableProvider[] = [];
  const problems: string[] = [];
  if (!Array.isArray(providers)) invalid('providers', 'an array of demo providers (findDemoProviders())', providers);
  providers.forEach((p, i) => {
    if (p === null || typeof p !== 'object') invalid(`providers[${i}]`, 'a demo provider { packageName, version, manifest, entry }', p);
    for (const key of ['packageName', 'manifest', 'entry'] as const) if (typeof p[key] !== 'string') invalid(`providers[${i}].${key}`, 'a string', p[key]);
  });
  for (const p of providers) {
    try {
      const specifier = `${p.packageName}/${p.entry.replace(/^\.\//, '')}`;
      const file = createRequire(p.manifest).resolve(specifier);
      const mod = (await import(pathToFileURL(file).href)) as { demos?: unknown };
      if (!Array.isArray(mod.demos)) throw new Error(`${specifier} does not export a demos array`);
      for (const d of mod.demos) {
        if (!isDemo(d)) throw new Error(`${specifier} exports something that is not a Demo`);
        const missing = (d.requires ?? []).filter((r) => !installedFor(p.manifest, r));
        demos.push({ demo: d, packageName: p.packageName, missing });
      }
    } catch (e) {
      const missing = missingPackage(e);
      if (missing) unavailable.push({ packageName: p.packageName, missing: [missing] });
      else problems.push(`${p.packageName}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const names = new Map<string, string>();
  for (const d of demos) {
    const other = names.get(d.demo.name);
    if (other) {
      throw new PhaseflowError('INVALID_STATE', `demo name ${JSON.stringify(d.demo.name)} is provided by both ${other} and ${d.packageName}`, {
        argument: 'demos',
      });
    }
    names.set(d.demo.name, d.packageName);
  }
  return { demos, unavailable, problems };
}
