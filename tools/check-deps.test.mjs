#!/usr/bin/env node
// Self-test of tools/check-deps.mjs on the small workspaces in tools/fixtures/check-deps/:
// `pass` must pass; each other fixture must fail with exactly the violations listed here.
// Run: node tools/check-deps.test.mjs (node:test, no vitest needed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const check = (fixture) => {
  const r = spawnSync(process.execPath, [join(here, 'check-deps.mjs'), '--root', join(here, 'fixtures', 'check-deps', fixture)], { encoding: 'utf8' });
  const violations = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('✗ '))
    .map((l) => l.slice(2).replace(/\s+/, ' '));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, violations };
};
const expectViolations = (fixture, expected) => {
  const r = check(fixture);
  assert.equal(r.status, 1, `${fixture} must fail\n${r.stdout}${r.stderr}`);
  assert.equal(r.violations.length, expected.length, `${fixture}: expected ${expected.length} violations, got\n${r.violations.join('\n')}`);
  for (const [i, re] of expected.entries()) assert.match(r.violations[i], re);
};

test('a workspace whose imports and manifests agree passes (static, dynamic, type-only, bin, subpath and relative imports; @types; private examples)', () => {
  const r = check('pass');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /3 packages, imports match their manifests/);
});

test('imports the manifest does not declare fail, type-only and dynamic ones included, and broken relative imports are reported', () => {
  expectViolations('undeclared', [
    /^@fx\/plugin imports: src\/helper\.ts:5: relative import "\.\/missing\.js" does not resolve/,
    /^@fx\/plugin dependencies: imports "@scope\/lazy" at src\/helper\.ts:4/,
    /^@fx\/plugin dependencies: imports "fast-check" \(types only\) at src\/helper\.ts:1 .*only a devDependency/,
    /^@fx\/plugin dependencies: imports "left-pad" at src\/index\.ts:3/,
  ]);
});

test('declared entries the export closure does not use fail: unused, types-only dependency, demo-only dependency, unused peer', () => {
  expectViolations('unused', [
    /^@fx\/plugin dependencies: declares "left-pad" but the closure of its exports never imports it/,
    /^@fx\/plugin dependencies: declares "ml-matrix" but only imports its types \(src\/index\.ts:1\)/,
    /^@fx\/plugin dependencies: declares "@fx\/demo-only" but the closure/,
    /^@fx\/plugin peerDependencies: declares "@fx\/never" but the closure/,
  ]);
});

test('publishing fields of a published package are required; a private one needs type: module only', () => {
  expectViolations('manifest', [
    /^@fx\/bad type: must be "module"/,
    /^@fx\/bad sideEffects: missing/,
    /^@fx\/bad exports\["\."\]: "types" must come before "default"/,
    /^@fx\/bad exports\["\.\/sub"\]: has "default" but no "types"/,
    /^@fx\/bad license: missing/,
    /^@fx\/bad LICENSE: no LICENSE file/,
    /^@fx\/bad homepage: missing/,
    /^@fx\/bad bugs: missing bugs\.url/,
    /^@fx\/bad engines: missing engines\.node/,
    /^@fx\/bad repository\.directory: must be "packages\/bad"/,
    /^@fx\/bad publishConfig\.access: must be "public"/,
    /^@fx\/example-bad type: must be "module"/,
  ]);
});

test('one range per external dependency; internal ranges are caret ranges the workspace version satisfies (* only in private packages)', () => {
  expectViolations('ranges', [
    /^fast-check version ranges: 3 different ranges across the workspace: \^4\.10\.2 \(.*\); \^4\.0\.0 \(@fx\/a devDependencies\); \^3\.0\.0 \(@fx\/example-a dependencies\)/,
    /^@fx\/a peerDependencies\["@fx\/core"\]: internal range "\^0\.2\.0"/,
    /^@fx\/b peerDependencies\["@fx\/core"\]: internal range "\*"/,
    /^@fx\/c peerDependencies\["@fx\/core"\]: internal range "workspace:\*"/,
    /^@fx\/d peerDependencies\["@fx\/core"\]: internal range "\^0\.0\.1"/,
    /^@fx\/example-a dependencies\["@fx\/a"\]: internal range "\^9\.0\.0"/,
  ]);
});
