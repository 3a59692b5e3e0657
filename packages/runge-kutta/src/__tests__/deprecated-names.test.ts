import { describe, expect, it } from 'vitest';
import { odeProblem } from '@phaseflow/core';
import * as rk from '@phaseflow/runge-kutta';

// The lowercase factory names are deprecated aliases for one minor: each must still build
// the same method as its createX name (same name, same tableau) and step bit-identically.
const pairs = [
  ['euler', 'createEuler'],
  ['midpoint', 'createMidpoint'],
  ['heun', 'createHeun'],
  ['ralston', 'createRalston'],
  ['rk4', 'createRk4'],
  ['rk38', 'createRk38'],
  ['bs3', 'createBs3'],
  ['dopri5', 'createDopri5'],
  ['tsit5', 'createTsit5'],
  ['dop853', 'createDop853'],
] as const;

const oscillator = odeProblem((_t, y, out = new Float64Array(2)) => ((out[0] = y[1]!), (out[1] = -y[0]!), out));

describe('deprecated lowercase Runge–Kutta factories', () => {
  it.each(pairs)('%s builds what %s builds and steps bit-identically', (old, current) => {
    const a = rk[old]();
    const b = rk[current]();
    expect(a.name).toBe(b.name);
    expect(a.tableau).toBe(b.tableau);
    expect(a.name).toBe(old);
    const y0 = Float64Array.of(1, 0.25);
    expect(Array.from(a.advance!(oscillator, 0, y0, 0.1, 7))).toEqual(Array.from(b.advance!(oscillator, 0, y0, 0.1, 7)));
  });
});
