import { afterEach, describe, expect, it, vi } from 'vitest';
import { float64Space, integrate, odeProblem, type OdeProblem, type VectorSpace } from '@phaseflow/core';
import { createRungeKutta, rungeKuttaMethods } from '@phaseflow/runge-kutta';

type F = Float64Array;
/** A non-autonomous, nonlinear field, so stage times and every coefficient matter. */
const forced = odeProblem((t, y: F, out = new Float64Array(3)) => {
  out[0] = y[1]!;
  out[1] = -Math.sin(y[0]!) + 0.3 * Math.cos(1.7 * t) - 0.1 * y[2]!;
  out[2] = y[0]! * y[1]! - 0.5 * y[2]!;
  return out;
});
const y0 = (): F => Float64Array.of(0.4, -0.2, 0.1);
const h = 0.013;
const chunks = [
  [0, 10],
  [10, 1],
  [11, 26],
] as const;

/** n calls of `step` at the times the chunks give (t + j·h from each chunk's start), alternating buffers. */
function stepped(m: { step(p: OdeProblem<F>, t: number, y: F, h: number, out?: F): F }, pr: OdeProblem<F>, t0: number): F {
  let z = y0();
  let spare = y0();
  for (const [from, n] of chunks) {
    for (let j = 0; j < n; j++) {
      const zNew = m.step(pr, t0 + from * h + j * h, z, h, spare);
      spare = z;
      z = zNew;
    }
  }
  return z;
}

describe('advance and prepareAdvance on Float64Array: the tableau kernel', () => {
  it('give bitwise the states of n calls of step, for every method, in chunks, in place and without out', () => {
    for (const [name, make] of Object.entries(rungeKuttaMethods)) {
      const m = make();
      const ref = stepped(m, forced, 0.3);
      // advance, chunk by chunk into alternating buffers
      let y = y0();
      let other = y0();
      for (const [from, n] of chunks) {
        const yNew = m.advance!(forced, 0.3 + from * h, y, h, n, other);
        expect(yNew, name).toBe(other);
        other = y;
        y = yNew;
      }
      expect(Array.from(y), name).toEqual(Array.from(ref));
      // prepared once
      const adv = m.prepareAdvance!(forced, y0(), h)!;
      y = y0();
      other = y0();
      for (const [from, n] of chunks) {
        const yNew = adv(0.3 + from * h, y, n, other);
        other = y;
        y = yNew;
      }
      expect(Array.from(y), name).toEqual(Array.from(ref));
      // one chunk, in place and into a fresh array: the times t + j·h of the step loop
      let z = y0();
      for (let j = 0; j < 37; j++) z = m.step(forced, 0.3 + j * h, z, h);
      const w = y0();
      expect(m.advance!(forced, 0.3, w, h, 37, w)).toBe(w);
      expect(Array.from(w), name).toEqual(Array.from(z));
      expect(Array.from(adv(0.3, y0(), 37)), name).toEqual(Array.from(z));
    }
  });

  it('prepareAdvance checks once, and leaves other state spaces to advance', () => {
    const m = rungeKuttaMethods.rk4();
    expect(() => m.prepareAdvance!(forced, y0(), 0)).toThrow(/h: expected a finite, non-zero step/);
    const generic: VectorSpace<F> = { ...float64Space, name: 'float64-generic' };
    const slow = odeProblem(forced.f, { space: generic });
    expect(m.prepareAdvance!(slow, y0(), h)).toBeUndefined();
    // The generic path gives the same states.
    expect(Array.from(m.advance!(slow, 0.3, y0(), h, 37))).toEqual(Array.from(m.advance!(forced, 0.3, y0(), h, 37)));
  });

  it('is what integrate uses, once per run, on the problem as given, with the states of a step-by-step run', () => {
    const rot = odeProblem((_t, y: F, out = new Float64Array(2)) => ((out[0] = y[1]!), (out[1] = -y[0]!), out));
    for (const make of [rungeKuttaMethods.rk4, rungeKuttaMethods.dopri5]) {
      const m = make();
      const spy = vi.spyOn(m, 'prepareAdvance');
      const chunked = integrate(m, rot, Float64Array.of(1, 0), { tEnd: 20, h: 0.01, save: { every: 500 } });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0]![0]).toBe(rot);
      const byStep = integrate({ ...m, advance: undefined, prepareAdvance: undefined }, rot, Float64Array.of(1, 0), {
        tEnd: 20,
        h: 0.01,
        save: { every: 500 },
      });
      expect(chunked.y.map((y) => Array.from(y))).toEqual(byStep.y.map((y) => Array.from(y)));
    }
  });
});

describe('the kernel where code generation is forbidden', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is a loop with the same arithmetic (a strict Content-Security-Policy)', () => {
    // Kutta's third-order method (its kernel is compiled on its first fixed-step run).
    const kutta3 = createRungeKutta({
      name: 'kutta3',
      order: 3,
      fsal: false,
      c: [0, 1 / 2, 1],
      a: [[], [1 / 2], [-1, 2]],
      b: [1 / 6, 2 / 3, 1 / 6],
      reference: 'W. Kutta (1901)',
    });
    const ref = stepped(kutta3, forced, 0.3);
    let refused = 0;
    vi.stubGlobal('Function', function forbidden() {
      refused++;
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    const adv = kutta3.prepareAdvance!(forced, y0(), h)!;
    vi.unstubAllGlobals();
    expect(refused).toBe(1);
    let y = y0();
    let other = y0();
    for (const [from, n] of chunks) {
      const yNew = adv(0.3 + from * h, y, n, other);
      other = y;
      y = yNew;
    }
    expect(Array.from(y)).toEqual(Array.from(ref));
  });
});
