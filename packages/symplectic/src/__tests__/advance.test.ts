import { afterEach, describe, expect, it, vi } from 'vitest';
import { float64Space, integrate, partitionedProblem, separableHamiltonian, type PhaseState, type VectorSpace } from '@phaseflow/core';
import { splittingMethods, withCompensatedSummation } from '@phaseflow/symplectic';
import { henonHeiles } from '@phaseflow/problems';

type F = Float64Array;
const flat = (y: PhaseState<F>) => [...y.q, ...y.p];

describe('advance: n steps with the arguments checked once', () => {
  it('gives bitwise the states of n calls of step, for every method', () => {
    const hh = henonHeiles();
    for (const [name, make] of Object.entries(splittingMethods)) {
      const m = make();
      let z = hh.y0();
      for (let j = 0; j < 37; j++) z = m.step(hh.problem, j * 0.01, z, 0.01);
      const a = m.advance!(hh.problem, 0, hh.y0(), 0.01, 37);
      expect(flat(a), name).toEqual(flat(z));
      const y = hh.y0();
      const inPlace = m.advance!(hh.problem, 0, y, 0.01, 37, y);
      expect(inPlace, name).toBe(y);
      expect(flat(inPlace), name).toEqual(flat(z));
    }
  });

  it('carries time through a non-autonomous partitioned problem', () => {
    const forced = partitionedProblem<F>({
      separable: true,
      velocity: (_t, _q, p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
      force: (t, q, _p, out = new Float64Array(1)) => ((out[0] = -q[0]! + Math.cos(2 * t)), out),
    });
    const m = splittingMethods.yoshida6();
    let z: PhaseState<F> = { q: Float64Array.of(1), p: Float64Array.of(0) };
    for (let j = 0; j < 50; j++) z = m.step(forced, 0.3 + j * 0.02, z, 0.02);
    const a = m.advance!(forced, 0.3, { q: Float64Array.of(1), p: Float64Array.of(0) }, 0.02, 50);
    expect(flat(a)).toEqual(flat(z));
  });

  it('makes integrate take whole chunks, with the same result as stepping', () => {
    const hh = henonHeiles();
    const m = splittingMethods['kahan-li8']();
    const chunked = integrate(m, hh.problem, hh.y0(), { tEnd: 20, h: 0.01, save: { every: 500 } });
    const stepped = integrate({ ...m, advance: undefined }, hh.problem, hh.y0(), { tEnd: 20, h: 0.01, save: { every: 500 } });
    expect(chunked.t).toEqual(stepped.t);
    chunked.y.forEach((y, i) => flat(y).forEach((v, k) => expect(v).toBeCloseTo(flat(stepped.y[i]!)[k]!, 12)));
  });

  it('checks its arguments', () => {
    const hh = henonHeiles();
    const m = splittingMethods.yoshida6();
    expect(() => m.advance!(hh.problem, 0, hh.y0(), 0, 3)).toThrow(/h: expected a finite, non-zero step/);
    expect(() => m.advance!(hh.problem, 0, hh.y0(), 0.1, -1)).toThrow(/n: expected an integer >= 0/);
  });
});

describe('prepareAdvance: the checks and dispatch of advance once per run', () => {
  const hh = henonHeiles();
  const forced = partitionedProblem<F>({
    separable: true,
    velocity: (_t, _q, p, out = new Float64Array(2)) => (out.set(p), out),
    force: (t, q, _p, out = new Float64Array(2)) => ((out[0] = -q[0]! + Math.cos(2 * t)), (out[1] = -q[1]!), out),
  });

  it('gives bitwise the states of n calls of step, for every method, plain and compensated, Hamiltonian and partitioned', () => {
    for (const [name, make] of Object.entries(splittingMethods)) {
      for (const m of [make(), withCompensatedSummation(make())]) {
        for (const [pr, t0] of [
          [hh.problem, 0],
          [forced, 0.3],
        ] as const) {
          const chunks = [
            [0, 10],
            [10, 1],
            [11, 26],
          ] as const;
          // Step times as the chunks make them (t + j·h from each chunk's start).
          let z = hh.y0();
          let spare = hh.y0();
          for (const [from, n] of chunks) {
            for (let j = 0; j < n; j++) {
              const zNew = m.step(pr, t0 + from * 0.01 + j * 0.01, z, 0.01, spare);
              spare = z;
              z = zNew;
            }
          }
          const adv = m.prepareAdvance!(pr, hh.y0(), 0.01)!;
          // In chunks into alternating buffers, as integrate calls it.
          let y = hh.y0();
          let other = hh.y0();
          for (const [from, n] of chunks) {
            const yNew = adv(t0 + from * 0.01, y, n, other);
            expect(yNew, name).toBe(other);
            other = y;
            y = yNew;
          }
          expect(flat(y), `${name} ${m.compensated ? 'compensated' : ''} ${pr.kind}`).toEqual(flat(z));
          // In place, and without out (one chunk: an autonomous problem has the same states).
          if (pr.kind !== 'separable-hamiltonian') continue;
          const w = hh.y0();
          expect(adv(t0, w, 37, w)).toBe(w);
          expect(flat(w), name).toEqual(flat(z));
          expect(flat(adv(t0, hh.y0(), 37)), name).toEqual(flat(z));
        }
      }
    }
  });

  it('checks once, and leaves states it cannot specialise for to advance', () => {
    const m = splittingMethods['kahan-li8']();
    expect(() => m.prepareAdvance!(hh.problem, hh.y0(), 0)).toThrow(/h: expected a finite, non-zero step/);
    const generic: VectorSpace<Float64Array> = { ...float64Space, name: 'float64-generic' };
    const slow = separableHamiltonian<F>({ space: generic, dTdp: hh.problem.dTdp, dVdq: hh.problem.dVdq });
    expect(m.prepareAdvance!(slow, hh.y0(), 0.01)).toBeUndefined();
  });

  it('is what integrate uses, once per run, with the states of a step-by-step run', () => {
    const m = splittingMethods['kahan-li8']();
    const spy = vi.spyOn(m, 'prepareAdvance');
    const chunked = integrate(m, hh.problem, hh.y0(), { tEnd: 20, h: 0.01, save: { every: 500 } });
    expect(spy).toHaveBeenCalledTimes(1);
    // The chunks get the problem as given (the first step went through the guarded one).
    expect(spy.mock.calls[0]![0]).toBe(hh.problem);
    const stepped = integrate({ ...m, advance: undefined, prepareAdvance: undefined }, hh.problem, hh.y0(), { tEnd: 20, h: 0.01, save: { every: 500 } });
    expect(chunked.y.map(flat)).toEqual(stepped.y.map(flat));
  });
});

describe('the compiled kernel', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('has a loop of the same arithmetic where code generation is forbidden (a strict Content-Security-Policy)', () => {
    const hh = henonHeiles();
    for (const make of [splittingMethods['stormer-verlet-velocity'], splittingMethods['kahan-li8'], splittingMethods.yoshida6]) {
      const looped = make();
      // The kernel is compiled on an integrator's first advance: forbid it there.
      let refused = 0;
      vi.stubGlobal('Function', function forbidden() {
        refused++;
        throw new EvalError('Code generation from strings disallowed for this context');
      });
      const first = looped.advance!(hh.problem, 0, hh.y0(), 0.02, 40);
      vi.unstubAllGlobals();
      expect(refused).toBe(1);
      const compiled = make();
      const viaKernel = compiled.advance!(hh.problem, 0, hh.y0(), 0.02, 40);
      let z = hh.y0();
      for (let j = 0; j < 40; j++) z = looped.step(hh.problem, 0, z, 0.02);
      expect(flat(first), looped.name).toEqual(flat(z));
      expect(flat(viaKernel), looped.name).toEqual(flat(z));
      expect(flat(looped.prepareAdvance!(hh.problem, hh.y0(), 0.02)!(0, hh.y0(), 40)), looped.name).toEqual(flat(z));
    }
  });

  it('writes the components out on small systems, one kernel per size, bitwise the states of step at every size', () => {
    /** A periodic chain of M unit masses (nearest-neighbour springs, a cubic on-site term). */
    const chain = (M: number) =>
      separableHamiltonian<F>({
        dTdp: (p, out = new Float64Array(M)) => (out.set(p), out),
        dVdq: (q, out = new Float64Array(M)) => {
          for (let j = 0; j < M; j++) out[j] = 3 * q[j]! - q[(j + M - 1) % M]! - q[(j + 1) % M]! + q[j]! ** 3;
          return out;
        },
      });
    const y0 = (M: number): PhaseState<F> => ({
      q: Float64Array.from({ length: M }, (_, j) => 0.3 * Math.sin(j + 1)),
      p: Float64Array.from({ length: M }, (_, j) => 0.1 * j),
    });
    for (const make of [splittingMethods['stormer-verlet-velocity'], splittingMethods['symplectic-euler-drift-kick'], splittingMethods['kahan-li8']]) {
      // One integrator across sizes 1 … 10 (unrolled up to 8, looped above), sizes alternating.
      const m = make();
      for (const M of [1, 2, 3, 8, 9, 2, 10, 5, 1]) {
        const pr = chain(M);
        let z = y0(M);
        for (let j = 0; j < 23; j++) z = m.step(pr, j * 0.05, z, 0.05);
        expect(flat(m.advance!(pr, 0, y0(M), 0.05, 23)), `${m.name}, ${M} dof`).toEqual(flat(z));
        expect(flat(m.prepareAdvance!(pr, y0(M), 0.05)!(0, y0(M), 23)), `${m.name}, ${M} dof, prepared`).toEqual(flat(z));
      }
    }
  });
});

describe('observers with a cadence on symplectic runs', () => {
  it('leave the states bit-identical to the unobserved run, compensated methods included (output times re-step from a copy)', () => {
    const hh = henonHeiles();
    for (const m of [
      splittingMethods['kahan-li8'](),
      withCompensatedSummation(splittingMethods['stormer-verlet-velocity']()),
      withCompensatedSummation(splittingMethods['kahan-li8']()),
    ]) {
      const quiet = integrate(m, hh.problem, hh.y0(), { tEnd: 30, h: 0.01, save: { every: 250 } });
      const seen: number[] = [];
      const watcher = { name: 'w', every: 77, at: [0.005, 1.2345, 17.77], on: { step: (e: { t: number }) => void seen.push(e.t) } };
      const watched = integrate(m, hh.problem, hh.y0(), { tEnd: 30, h: 0.01, save: { every: 250 }, observers: [watcher] });
      expect(watched.y.map(flat), m.name).toEqual(quiet.y.map(flat));
      expect(flat(watched.yFinal), m.name).toEqual(flat(quiet.yFinal));
      expect(seen).toContain(1.2345);
      expect(seen).toContain(17.77);
      expect(seen.at(-1)).toBe(30);
    }
  });
});
