import { describe, expect, it } from 'vitest';
import { checkModuleUrl, isPhaseflowError } from '@phaseflow/core';

const refused = (value: unknown): { code: string; argument: unknown } | undefined => {
  try {
    checkModuleUrl('options.module', value);
  } catch (e) {
    if (isPhaseflowError(e)) return { code: e.code, argument: e.details['argument'] };
    throw e;
  }
  return undefined;
};

describe('checkModuleUrl', () => {
  it('turns what a worker can import into the URL to import', () => {
    expect(checkModuleUrl('m', new URL('file:///srv/a.mjs'))).toBe('file:///srv/a.mjs');
    expect(checkModuleUrl('m', 'file:///srv/a.mjs')).toBe('file:///srv/a.mjs');
    expect(checkModuleUrl('m', '/srv/a b.mjs')).toBe('file:///srv/a%20b.mjs');
    expect(checkModuleUrl('m', 'C:\\work\\a.mjs')).toBe('file:///C:/work/a.mjs');
    expect(checkModuleUrl('m', 'data:text/javascript,export const trial = () => 1')).toMatch(/^data:text\/javascript,/);
    expect(checkModuleUrl('m', 'node:os')).toBe('node:os');
  });

  it('refuses relative paths, other schemes and non-strings with INVALID_ARGUMENT naming the argument', () => {
    for (const bad of ['./a.mjs', 'a.mjs', '', 'https://example.com/a.mjs', new URL('https://example.com/a.mjs'), 'http:', 7, null, undefined, {}]) {
      expect(refused(bad)).toEqual({ code: 'INVALID_ARGUMENT', argument: 'options.module' });
    }
    expect(() => checkModuleUrl('' as never, '/a.mjs')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
