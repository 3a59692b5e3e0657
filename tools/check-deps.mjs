#!/usr/bin/env node
// The dependency and manifest check (run by `.ci/run` through nx: `nx run phaseflow:check:deps`).
//
// 1. Imports against the manifest. For every workspace package, the import closure of the files
//    its `exports` map (and `bin`) points at: the `@phaseflow/source` entries (src/index.ts and
//    the other subpaths), following relative imports. Specifiers are collected with the
//    TypeScript compiler API: import / export-from / import-equals / dynamic import() / require(),
//    and, counted separately as type-only, `import type`, `export type … from`, `import('x')` in
//    type positions and `/// <reference types>`. Under our `verbatimModuleSyntax`, an
//    `import { type A } from 'x'` stays a (side-effect) import at run time, so only the
//    `import type` form is type-only.
//    - a bare specifier whose package is not in `dependencies`/`peerDependencies`
//      (`optionalDependencies` too) fails; node: builtins are exempt;
//    - a `dependencies` entry the closure does not import at run time fails, and so does a
//      `peerDependencies` entry it does not import at all (a type-only import of a peer is a use;
//      so is any import in a private package, which is never installed by anyone).
//      `@types/x` counts as used when `x` is imported.
// 2. Manifest consistency (what sherif does): one version range per external dependency across
//    the workspace (dependencies, devDependencies, optionalDependencies); internal ranges are
//    caret ranges the current workspace version satisfies (`^0.1.0` style, never `*` or
//    `workspace:`); every published package has `type: module`, `sideEffects`, an `exports` map
//    with `types` before `default`, `license` and a LICENSE file, `homepage`, `bugs.url`, `engines.node`, `repository.directory` equal to
//    its path and `publishConfig.access: public`. Private packages (examples/*) are exempt from
//    the publishing fields and may use `*` for internal ranges.
//
// Prints every violation with the package and the field; exits 1 on any.
// Usage: node tools/check-deps.mjs [--root DIR] [--quiet]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = resolve(flag('--root') ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const quiet = args.includes('--quiet');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const posix = (p) => p.split(sep).join('/');
const builtins = new Set(builtinModules);
const RUNTIME_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const ALL_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

// ---------------------------------------------------------------------------------------------
// The workspace: the root manifest's `workspaces` globs (`dir/*` or a plain folder).

function workspacePackages() {
  const rootManifest = readJson(join(root, 'package.json'));
  const globs = Array.isArray(rootManifest.workspaces) ? rootManifest.workspaces : (rootManifest.workspaces?.packages ?? []);
  const dirs = [];
  for (const g of globs) {
    if (g.endsWith('/*')) {
      const base = join(root, g.slice(0, -2));
      if (!existsSync(base)) continue;
      for (const d of readdirSync(base).sort()) if (existsSync(join(base, d, 'package.json'))) dirs.push(join(base, d));
    } else if (existsSync(join(root, g, 'package.json'))) dirs.push(join(root, g));
  }
  return {
    rootManifest,
    packages: dirs.map((dir) => ({ dir, path: posix(relative(root, dir)), manifest: readJson(join(dir, 'package.json')) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Entries: the `@phaseflow/source` files of the exports map, else the src/ twin of a dist/ target.

function sourceTwin(dir, target) {
  if (typeof target !== 'string') return undefined;
  const m = /^\.\/dist\/(.+)\.(m?js|cjs)$/.exec(target);
  if (!m) return undefined;
  for (const ext of ['.ts', '.mts', '.tsx', '.js', '.mjs']) {
    const f = join(dir, 'src', m[1] + ext);
    if (existsSync(f)) return f;
  }
  return undefined;
}

function entries(pkg) {
  const { dir, manifest } = pkg;
  const found = new Set();
  const missing = [];
  const visit = (subpath, value) => {
    if (subpath === './package.json') return;
    if (typeof value === 'string') {
      const twin = sourceTwin(dir, value) ?? (/\.(m?ts|tsx|m?js)$/.test(value) && existsSync(join(dir, value)) ? join(dir, value) : undefined);
      if (twin) found.add(twin);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const source = value['@phaseflow/source'];
    if (typeof source === 'string') {
      if (existsSync(join(dir, source))) found.add(join(dir, source));
      else missing.push({ subpath, source });
      return;
    }
    for (const [k, v] of Object.entries(value)) if (k !== 'types') visit(subpath, v);
  };
  const exp = manifest.exports;
  if (typeof exp === 'string' || (exp && typeof exp === 'object' && !Object.keys(exp).some((k) => k.startsWith('.')))) visit('.', exp);
  else if (exp && typeof exp === 'object') for (const [k, v] of Object.entries(exp)) visit(k, v);
  else if (existsSync(join(dir, 'src', 'index.ts'))) found.add(join(dir, 'src', 'index.ts'));
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  for (const b of bins) {
    const twin = sourceTwin(dir, b);
    if (twin) found.add(twin);
  }
  return { files: [...found], missing };
}

// ---------------------------------------------------------------------------------------------
// Specifiers of one file, with the TypeScript compiler API.

function unwrap(node) {
  while (node && (ts.isAsExpression(node) || ts.isParenthesizedExpression(node) || ts.isTypeAssertionExpression?.(node) || ts.isSatisfiesExpression?.(node)))
    node = node.expression;
  return node;
}
const literal = (node) => (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined);

function specifiers(file) {
  const text = readFileSync(file, 'utf8');
  const kind = /\.m?js$/.test(file) ? ts.ScriptKind.JS : file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out = [];
  const add = (spec, typeOnly, node) => {
    if (spec !== undefined) out.push({ spec, typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  // `const specifier = 'pkg'; await import(specifier)` keeps bundlers from pulling an optional
  // peer in; the import is still a use of 'pkg'.
  const constants = new Map();
  const collect = (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.parent && node.parent.flags & ts.NodeFlags.Const) {
      const value = literal(unwrap(node.initializer));
      if (value !== undefined) constants.set(node.name.text, value);
    }
    ts.forEachChild(node, collect);
  };
  collect(sf);
  const specifierOf = (node) => {
    const n = unwrap(node);
    return literal(n) ?? (n && ts.isIdentifier(n) ? constants.get(n.text) : undefined);
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      add(literal(node.moduleSpecifier), node.importClause?.isTypeOnly === true, node);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(literal(node.moduleSpecifier), node.isTypeOnly === true, node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(literal(node.moduleReference.expression), node.isTypeOnly === true, node);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg)) add(literal(arg.literal), true, node);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require' && node.arguments.length === 1;
      if (isImport || isRequire) add(specifierOf(node.arguments[0]), false, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  for (const ref of sf.typeReferenceDirectives) out.push({ spec: ref.fileName, typeOnly: true, line: sf.getLineAndCharacterOfPosition(ref.pos).line + 1 });
  return out;
}

function resolveRelative(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base];
  const m = /^(.*)\.(m?js|cjs|jsx)$/.exec(base);
  if (m) candidates.push(...{ js: ['.ts', '.tsx'], mjs: ['.mts'], cjs: ['.cts'], jsx: ['.tsx'] }[m[2]].map((e) => m[1] + e));
  candidates.push(base + '.ts', base + '.tsx', base + '.mts', join(base, 'index.ts'), join(base, 'index.js'));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]);
const scannable = (file) => /\.(m?ts|tsx|cts|m?js|cjs|jsx)$/.test(file) && !/\.d\.m?ts$/.test(file);

/** The closure of a package's entries: bare imports by package, with where and how they occur. */
function closure(pkg, entryFiles) {
  const seen = new Set();
  const queue = [...entryFiles];
  const used = new Map(); // package name → { runtime: bool, where: 'src/x.ts:3' }
  const unresolved = [];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!scannable(file)) continue;
    for (const { spec, typeOnly, line } of specifiers(file)) {
      const where = `${posix(relative(pkg.dir, file))}:${line}`;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = resolveRelative(file, spec);
        if (target) queue.push(target);
        else unresolved.push({ spec, where });
        continue;
      }
      if (isBuiltin(spec)) continue;
      const name = packageOf(spec);
      const u = used.get(name);
      if (!u) used.set(name, { runtime: !typeOnly, where });
      else if (!typeOnly && !u.runtime) used.set(name, { runtime: true, where });
    }
  }
  return { files: seen, used, unresolved };
}

// ---------------------------------------------------------------------------------------------
// Ranges: the small part of semver the workspace uses for internal ranges.

const parseVersion = (v) => {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$/.exec(v);
  return m ? m.slice(1, 4).map(Number) : undefined;
};
function caretSatisfies(range, version) {
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  const lo = m && parseVersion(m[1]);
  const v = parseVersion(version);
  if (!lo || !v) return false;
  const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  if (cmp(v, lo) < 0) return false;
  if (lo[0] > 0) return v[0] === lo[0];
  if (lo[1] > 0) return v[0] === 0 && v[1] === lo[1];
  return v[0] === 0 && v[1] === 0 && v[2] === lo[2];
}

// ---------------------------------------------------------------------------------------------

const violations = [];
const fail = (pkg, field, message) => violations.push({ pkg, field, message });

const { rootManifest, packages } = workspacePackages();
const internal = new Map(packages.map((p) => [p.manifest.name, p]));

// 1. imports against the manifest
for (const pkg of packages) {
  const { manifest } = pkg;
  const name = manifest.name ?? pkg.path;
  const { files, missing } = entries(pkg);
  for (const m of missing) fail(name, `exports["${m.subpath}"]`, `@phaseflow/source points at ${m.source}, which does not exist`);
  if (files.length === 0) {
    if (!manifest.private) fail(name, 'exports', 'no entry file found (no @phaseflow/source entry, no src/ twin of a dist/ target, no src/index.ts)');
    continue;
  }
  const { used, unresolved } = closure(pkg, files);
  for (const u of unresolved) fail(name, 'imports', `${u.where}: relative import "${u.spec}" does not resolve to a file`);
  const declared = new Map();
  for (const field of RUNTIME_FIELDS) for (const dep of Object.keys(manifest[field] ?? {})) if (!declared.has(dep)) declared.set(dep, field);
  const usedAs = (dep) => used.get(dep) ?? (dep.startsWith('@types/') ? used.get(typesTarget(dep)) : undefined);
  for (const [dep, u] of [...used].sort(([a], [b]) => a.localeCompare(b))) {
    if (dep === manifest.name) continue;
    if (declared.has(dep)) continue;
    const dev = manifest.devDependencies?.[dep] !== undefined ? ' (it is only a devDependency)' : '';
    fail(
      name,
      'dependencies',
      `imports "${dep}"${u.runtime ? '' : ' (types only)'} at ${u.where} but declares it in neither dependencies nor peerDependencies${dev}`,
    );
  }
  for (const [dep, field] of declared) {
    const u = usedAs(dep);
    if (!u) fail(name, field, `declares "${dep}" but the closure of its exports never imports it`);
    else if (!u.runtime && field !== 'peerDependencies' && !manifest.private) {
      fail(
        name,
        field,
        `declares "${dep}" but only imports its types (${u.where}); a ${field.replace(/ies$/, 'y')} must be used at run time: make it a peer or a devDependency`,
      );
    }
  }
}

function typesTarget(dep) {
  const bare = dep.slice('@types/'.length);
  return bare.includes('__') ? '@' + bare.replace('__', '/') : bare;
}

// 2a. one range per external dependency
const ranges = new Map(); // dep → Map(range → [where])
const manifests = [
  { name: rootManifest.name ?? '(root)', manifest: rootManifest, isRoot: true },
  ...packages.map((p) => ({ name: p.manifest.name, manifest: p.manifest })),
];
for (const { name, manifest } of manifests) {
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (internal.has(dep)) continue;
      if (!ranges.has(dep)) ranges.set(dep, new Map());
      const byRange = ranges.get(dep);
      if (!byRange.has(range)) byRange.set(range, []);
      byRange.get(range).push(`${name} ${field}`);
    }
  }
}
for (const [dep, byRange] of [...ranges].sort(([a], [b]) => a.localeCompare(b))) {
  if (byRange.size < 2) continue;
  const list = [...byRange].map(([r, where]) => `${r} (${where.join(', ')})`).join('; ');
  fail(dep, 'version ranges', `${byRange.size} different ranges across the workspace: ${list}`);
}

// 2b. internal ranges and publishing fields
for (const pkg of packages) {
  const { manifest, path } = pkg;
  const name = manifest.name ?? path;
  for (const field of ALL_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      const target = internal.get(dep);
      if (!target) continue;
      const version = target.manifest.version;
      if (manifest.private && range === '*') continue;
      if (!caretSatisfies(range, version)) {
        fail(name, `${field}["${dep}"]`, `internal range "${range}" must be a caret range satisfied by the workspace version ${version} (e.g. "^${version}")`);
      }
    }
  }
  if (manifest.type !== 'module') fail(name, 'type', `must be "module" (got ${JSON.stringify(manifest.type)})`);
  if (manifest.private) continue;
  if (manifest.sideEffects === undefined) fail(name, 'sideEffects', 'missing (false, or the list of files that register something)');
  if (!manifest.exports || typeof manifest.exports !== 'object') fail(name, 'exports', 'missing exports map');
  else {
    const walk = (where, value) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return;
      const keys = Object.keys(value);
      if (keys.includes('default')) {
        const target = value.default;
        const isCode = typeof target !== 'string' || /\.(m?js|cjs)$/.test(target);
        if (!keys.includes('types') && isCode) fail(name, `exports${where}`, 'has "default" but no "types" condition');
        else if (keys.includes('types') && keys.indexOf('types') > keys.indexOf('default')) fail(name, `exports${where}`, '"types" must come before "default"');
      }
      for (const k of keys) walk(`${where}["${k}"]`, value[k]);
    };
    walk('', manifest.exports);
  }
  if (!manifest.license) fail(name, 'license', 'missing');
  if (!existsSync(join(pkg.dir, 'LICENSE'))) fail(name, 'LICENSE', 'no LICENSE file next to package.json (npm packs it; users and scanners look for it)');
  if (typeof manifest.homepage !== 'string') fail(name, 'homepage', 'missing');
  if (typeof manifest.bugs?.url !== 'string') fail(name, 'bugs', 'missing bugs.url');
  if (!manifest.engines?.node) fail(name, 'engines', 'missing engines.node');
  if (manifest.repository?.directory !== path) fail(name, 'repository.directory', `must be "${path}" (got ${JSON.stringify(manifest.repository?.directory)})`);
  if (manifest.publishConfig?.access !== 'public')
    fail(name, 'publishConfig.access', `must be "public" (got ${JSON.stringify(manifest.publishConfig?.access)})`);
}

// ---------------------------------------------------------------------------------------------

if (violations.length) {
  const width = Math.min(36, Math.max(...violations.map((v) => v.pkg.length)));
  for (const v of violations) console.log(`✗ ${v.pkg.padEnd(width)}  ${v.field}: ${v.message}`);
  const n = new Set(violations.map((v) => v.pkg)).size;
  console.log(`\ncheck-deps: ${violations.length} violation${violations.length === 1 ? '' : 's'} in ${n} package${n === 1 ? '' : 's'} (of ${packages.length})`);
  process.exitCode = 1;
} else if (!quiet) {
  console.log(`check-deps: ${packages.length} packages, imports match their manifests, manifests consistent`);
}
