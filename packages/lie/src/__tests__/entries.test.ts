import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bare specifiers imported (at run time or for types) by the relative-import closure of `entry`. */
function bareImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''); // not the @example blocks
    for (const m of text.matchAll(/(?:import|export)\s[^;]*?from\s+'([^']+)'|import\s+'([^']+)'|import\('([^']+)'\)/g)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec.startsWith('.')) {
        const target = join(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(target)) queue.push(target);
      } else
        bare.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  }
  return bare;
}

describe('entries', () => {
  it('the main entry never imports TensorFlow.js; the tfjs entry does', () => {
    const main = bareImports(join(src, 'index.ts'));
    expect([...main].sort()).toEqual(['@phaseflow/core', '@phaseflow/linalg', '@phaseflow/runge-kutta']);
    const layers = bareImports(join(src, 'tfjs', 'index.ts'));
    expect(layers.has('@tensorflow/tfjs')).toBe(true);
    expect(layers.has('@phaseflow/tfjs')).toBe(true);
  });
});
