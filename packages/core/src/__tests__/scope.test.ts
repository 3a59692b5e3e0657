import { describe, expect, it } from 'vitest';
import { float64Space, phaseSpace, withScope, type StateOps } from '@phaseflow/core';

describe('StateOps.scope / withScope', () => {
  it('is a plain call on spaces without a scope (Float64Array)', () => {
    const y = Float64Array.of(1, 2);
    expect(float64Space.scope).toBeUndefined();
    expect(phaseSpace(float64Space).scope).toBeUndefined();
    expect(withScope(float64Space, (keep) => keep(y))).toBe(y);
  });

  it('delegates to the space, and a phase space keeps both halves through its component', () => {
    const released: string[] = [];
    const kept: string[] = [];
    // A toy resource space: values are names; the scope "releases" whatever was not kept.
    const component = {
      ...float64Space,
      scope<T>(fn: (keep: (y: Float64Array) => Float64Array) => T): T {
        const result = fn((y) => {
          kept.push(String(y[0]));
          return y;
        });
        released.push('end');
        return result;
      },
    };
    const phase = phaseSpace(component);
    const out = withScope(phase, (keep) => keep({ q: Float64Array.of(1), p: Float64Array.of(2) }));
    expect(out.q[0]).toBe(1);
    expect(kept).toEqual(['1', '2']);
    expect(released).toEqual(['end']);
    // A scope keeps StateOps<Y> assignable to StateOps<unknown>, as generic drivers need.
    const ops: StateOps<unknown> = phase;
    expect(typeof ops.scope).toBe('function');
  });
});
