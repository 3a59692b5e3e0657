#!/usr/bin/env node
// Keep package-lock.json valid for `npm ci` on every platform.
//
// nx declares one optional native binary per platform (@nx/nx-darwin-arm64, …). The registry
// these machines reach serves only the Linux ones, so `npm install` leaves the others out of
// the lockfile and `npm ci` then refuses the lock ("Missing: @nx/nx-darwin-arm64 from lock
// file"). This script writes an entry for each missing optional platform package, marked
// optional with its os/cpu/libc, so npm ci skips it on other platforms without fetching it.
// It runs after every `npm install` (root postinstall) and is idempotent.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'package-lock.json');
let lock;
try {
  lock = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  process.exit(0);
}
const pk = lock.packages ?? {};

function platformOf(name) {
  const m =
    /-(darwin|linux|win32|freebsd|android|openbsd|sunos|aix)-(x64|arm64|arm|ia32|ppc64|s390x|riscv64|loong64)(?:-(gnu|musl|msvc|gnueabihf|musleabihf))?$/.exec(
      name,
    );
  if (!m) return undefined;
  const [, os, cpu, abi] = m;
  return {
    os: [os],
    cpu: [cpu],
    ...(abi === 'musl' || abi === 'musleabihf' ? { libc: ['musl'] } : abi === 'gnu' || abi === 'gnueabihf' ? { libc: ['glibc'] } : {}),
  };
}

function resolvesFrom(path, dep) {
  let base = path;
  for (;;) {
    if (`${base ? `${base}/` : ''}node_modules/${dep}` in pk) return true;
    if (!base) return false;
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
}

let added = 0;
for (const [path, entry] of Object.entries(pk)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (resolvesFrom(path, dep)) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
    const at = `${path ? `${path}/` : ''}node_modules/${dep}`;
    pk[at] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}
if (added > 0) {
  lock.packages = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))));
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`lock-platforms: recorded ${added} optional platform package(s) the registry does not serve here`);
}
