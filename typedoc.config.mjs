// One API site for every package: the entry points are read from each package's exports map
// (its `@phaseflow/source` files), so a new package or subpath export is documented without
// touching this file.
import { readdirSync, readFileSync } from 'node:fs';

const entryPoints = [];
for (const dir of readdirSync('packages').sort()) {
  const manifest = JSON.parse(readFileSync(`packages/${dir}/package.json`, 'utf8'));
  for (const target of Object.values(manifest.exports ?? {})) {
    const source = typeof target === 'object' ? target['@phaseflow/source'] : undefined;
    if (source) entryPoints.push(`packages/${dir}/${source.replace(/^\.\//, '')}`);
  }
}

/** @type {import('typedoc').TypeDocOptions} */
export default {
  name: 'phaseflow',
  entryPoints,
  tsconfig: 'tsconfig.typedoc.json',
  out: 'api-docs',
  readme: 'docs/api-index.md',
  disableSources: true,
  excludePrivate: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, notDocumented: false },
};
