#!/usr/bin/env node
// The public surface of every package, as API Extractor reports it: one file per export entry,
// packages/<name>/api/<entry>.api.md (`index` for ".", the subpath otherwise), checked in.
// A change to what a package exports (a new function, a changed signature, a removed type)
// changes its report, so it shows up in review next to the code that caused it.
//
//   node tools/api-report.mjs            rewrite the reports from the built .d.ts files
//   node tools/api-report.mjs --check    fail when a report differs from the build (CI)
//   ... [--only @phaseflow/x] [--no-build]
//
// Reads each package's exports map (the `types` condition of every entry); builds with nx first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: { check: { type: 'boolean', default: false }, only: { type: 'string', multiple: true }, 'no-build': { type: 'boolean', default: false } },
});
if (!opts['no-build']) execFileSync('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

/** Each export entry's declaration file, from the `types` condition, found at any depth. */
function typeEntries(exportsMap) {
  const found = [];
  const typesOf = (v) => {
    if (typeof v === 'string') return v.endsWith('.d.ts') ? v : undefined;
    if (!v || typeof v !== 'object') return undefined;
    if (typeof v.types === 'string') return v.types;
    for (const x of Object.values(v)) {
      const t = typesOf(x);
      if (t) return t;
    }
    return undefined;
  };
  for (const [key, value] of Object.entries(exportsMap ?? {})) {
    if (key === './package.json') continue;
    const types = typesOf(value);
    if (types) found.push({ entry: key === '.' ? 'index' : key.replace(/^\.\//, '').replaceAll('/', '-'), types });
  }
  return found;
}

const temp = mkdtempSync(join(tmpdir(), 'phaseflow-api-'));
const problems = [];
let reports = 0;
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const pkgDir = join(root, 'packages', dir);
  if (!existsSync(join(pkgDir, 'package.json'))) continue;
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  if (manifest.private || (opts.only && !opts.only.includes(manifest.name))) continue;
  for (const { entry, types } of typeEntries(manifest.exports)) {
    const entryFile = join(pkgDir, types);
    if (!existsSync(entryFile)) {
      problems.push(`${manifest.name} (${entry}): ${relative(root, entryFile)} is missing; build the package first`);
      continue;
    }
    if (!opts.check) mkdirSync(join(pkgDir, 'api'), { recursive: true });
    else if (!existsSync(join(pkgDir, 'api', `${entry}.api.md`))) {
      problems.push(`${manifest.name} (${entry}): no API report api/${entry}.api.md; run \`npm run api\` and commit it`);
      continue;
    }
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: pkgDir,
        mainEntryPointFilePath: entryFile,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: 'es2022',
              module: 'nodenext',
              moduleResolution: 'nodenext',
              lib: ['es2023', 'dom'],
              types: ['node'],
              strict: true,
              skipLibCheck: true,
            },
          },
        },
        apiReport: { enabled: true, reportFolder: join(pkgDir, 'api'), reportTempFolder: join(temp, dir), reportFileName: `${entry}.api.md` },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: { default: { logLevel: 'none' }, 'ae-wrong-input-file-type': { logLevel: 'error' } },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: join(pkgDir, 'package.json'),
    });
    const result = Extractor.invoke(config, { localBuild: !opts.check, showVerboseMessages: false });
    reports += 1;
    const report = relative(root, join(pkgDir, 'api', `${entry}.api.md`));
    if (result.apiReportChanged) {
      if (opts.check)
        problems.push(`${manifest.name} (${entry}): the public API differs from ${report}; run \`npm run api\` and commit the report with the change`);
      else console.log(`updated ${report}`);
    } else if (!result.succeeded) problems.push(`${manifest.name} (${entry}): API Extractor failed (${result.errorCount} errors)`);
  }
}
rmSync(temp, { recursive: true, force: true });
for (const p of problems) console.log(`✗ ${p}`);
console.log(`api-report: ${reports} reports${opts.check ? ' checked' : ''}, ${problems.length} problems`);
process.exitCode = problems.length ? 1 : 0;
