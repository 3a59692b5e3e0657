#!/usr/bin/env node
// Create a phaseflow package with the workspace's conventions:
//   npm run new-plugin -- <name> [--description "..."] [--dir packages]
// Writes package.json (ESM, exports map types-first, source condition, peer dependency on
// core), tsconfigs, vitest config, README skeleton, one passing test and a changeset.
// Demos belong in examples/<name>/ (a private workspace package), never in the library. Refuses to overwrite an existing package.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    description: { type: 'string', default: '' },
    dir: { type: 'string', default: 'packages' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help || positionals.length !== 1) {
  console.log('usage: npm run new-plugin -- <name> [--description "..."] [--dir packages]');
  process.exit(values.help ? 0 : 2);
}
const name = positionals[0];
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
  console.error(`new-plugin: name must be kebab-case (e.g. "lie-groups"), received ${JSON.stringify(name)}`);
  process.exit(2);
}
const dir = resolve(root, values.dir, name);
if (existsSync(dir)) {
  console.error(`new-plugin: ${relative(root, dir)} already exists`);
  process.exit(2);
}
const coreVersion = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')).version;
const toRoot = relative(dir, root).split('\\').join('/');
const camel = name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const pkgName = `@phaseflow/${name}`;
const description = values.description || `phaseflow plugin: ${name}.`;

const files = {
  'package.json': JSON.stringify(
    {
      name: pkgName,
      version: '0.0.0',
      description,
      type: 'module',
      license: 'MIT',
      homepage: `https://github.com/phaseflow/phaseflow/tree/main/${relative(root, dir).split('\\').join('/')}#readme`,
      bugs: { url: 'https://github.com/phaseflow/phaseflow/issues' },
      sideEffects: false,
      keywords: ['phaseflow', 'phaseflow-plugin'],
      repository: { type: 'git', url: 'git+https://github.com/phaseflow/phaseflow.git', directory: relative(root, dir) },
      engines: { node: '>=20.19' },
      exports: {
        '.': { '@phaseflow/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        './package.json': './package.json',
      },
      files: ['dist', 'src', '!src/**/*.test.ts', '!src/**/__tests__', '!dist/**/__tests__', '!dist/tsconfig*.tsbuildinfo', 'LICENSE'],
      peerDependencies: { '@phaseflow/core': `^${coreVersion}` },
      publishConfig: { access: 'public' },
      nx: { targets: { 'lint:package': {} } },
    },
    null,
    2,
  ),
  'tsconfig.json': JSON.stringify(
    { extends: `${toRoot}/tsconfig.base.json`, files: [], include: [], references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }] },
    null,
    2,
  ),
  'tsconfig.lib.json': JSON.stringify(
    {
      extends: `${toRoot}/tsconfig.base.json`,
      compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo' },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
      references: [{ path: `${relative(dir, join(root, 'packages/core')).split('\\').join('/')}/tsconfig.lib.json` }],
    },
    null,
    2,
  ),
  'tsconfig.spec.json': JSON.stringify(
    {
      extends: `${toRoot}/tsconfig.base.json`,
      compilerOptions: { outDir: 'out-tsc/spec', types: ['node'], noEmit: false, emitDeclarationOnly: true },
      include: ['src/**/*.test.ts'],
      references: [{ path: './tsconfig.lib.json' }],
    },
    null,
    2,
  ),
  'vitest.config.ts': `import { phaseflowVitestConfig } from '${toRoot}/vitest.shared.ts';\n\nexport default phaseflowVitestConfig();\n`,
  'src/index.ts': `export { ${camel}Version } from './version.js';\n`,
  'src/version.ts': `/**\n * The version of ${pkgName} this build came from.\n *\n * @example\n * \`\`\`ts\n * import { ${camel}Version } from '${pkgName}';\n * console.log(${camel}Version);\n * \`\`\`\n */\nexport const ${camel}Version = '0.0.0';\n`,
  'src/__tests__/version.test.ts': `import { describe, expect, it } from 'vitest';\nimport { ${camel}Version } from '${pkgName}';\n\ndescribe('${pkgName}', () => {\n  it('is importable by its public name', () => {\n    expect(${camel}Version).toMatch(/^\\d+\\.\\d+\\.\\d+/);\n  });\n});\n`,
  LICENSE: readFileSync(join(root, 'LICENSE'), 'utf8'),
  'README.md': `# ${pkgName}\n\n\`\`\`sh\nnpm install ${pkgName} @phaseflow/core\n\`\`\`\n\n\`\`\`ts\nimport { ${camel}Version } from '${pkgName}';\n\nconsole.log(${camel}Version);\n\`\`\`\n\n${description}\n\n## What is in it\n\n| export | what it is |\n| --- | --- |\n| \`${camel}Version\` | the package version |\n\n## Dependencies\n\nPeer: \`@phaseflow/core\`. No runtime dependencies.\n\n## References\n`,
};
for (const [file, text] of Object.entries(files)) {
  const path = join(dir, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`);
}
mkdirSync(join(root, '.changeset'), { recursive: true });
writeFileSync(join(root, '.changeset', `new-${name}.md`), `---\n'${pkgName}': minor\n---\n\nNew package ${pkgName}.\n`);

// Register the package in the solution tsconfig so \`tsc -b\` from the root sees it.
const solutionPath = join(root, 'tsconfig.json');
if (dir.startsWith(join(root, 'packages'))) {
  const solution = JSON.parse(readFileSync(solutionPath, 'utf8'));
  const ref = `./${relative(root, dir).split('\\').join('/')}`;
  if (!solution.references.some((r) => r.path === ref)) {
    solution.references.push({ path: ref });
    writeFileSync(solutionPath, `${JSON.stringify(solution, null, 2)}\n`);
  }
}
console.log(`created ${relative(root, dir)} (${pkgName}); run \`npm install\` to link it, then \`npx nx test ${pkgName}\``);
