import { describe, expect, it } from 'vitest';
import { withScope } from '@phaseflow/core';
import { createResourceSpace } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';

describe('createResourceSpace', () => {
  it('tracks what it makes, releases a scope but what was kept, and refuses a released value', () => {
    const { space, live, external } = createResourceSpace();
    const y0 = external(Float64Array.of(1, 2));
    expect(live.size).toBe(0);
    const kept = withScope(space, (keep) => {
      const a = space.scale(2, y0);
      const b = space.axpy(1, a, y0);
      return keep(space.combine([1, -1], [b, a], undefined));
    });
    expect([...kept]).toEqual([1, 2]);
    expect([...live]).toEqual([kept]);
    const leaked = space.clone(kept); // outside any scope: alive until disposed
    expect(live.size).toBe(2);
    space.dispose!(leaked);
    expect(() => space.scale(1, leaked)).toThrow('used after dispose');
    let inner: Float64Array | undefined;
    withScope(space, () => void (inner = space.zeros(y0)));
    expect(() => space.clone(inner!)).toThrow('used after dispose');
    expectPhaseflowError(() => external([1] as never), 'INVALID_ARGUMENT', 'y');
  });
});
