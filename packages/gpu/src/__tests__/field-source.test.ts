import { describe, expect, it } from 'vitest';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { createBatchedIntegrator, type FieldVector } from '@phaseflow/gpu';

// The kernel subset a field is written in, checked through the public factory on the cpu
// backend (cheap to compile): every accepted form gives the same numbers as the JavaScript call.
const rows = [[2], [3]];
const start = [
  [1, 0],
  [0.5, 0.5],
];

function oneStep(field: unknown): Float32Array {
  const batch = createBatchedIntegrator({ method: 'euler', field: field as never, dimension: 2, parameters: rows, backend: 'cpu' });
  const y = batch.step(batch.problem, 0, batch.state(start), 0.125);
  batch.backend.destroy();
  return y.values;
}

// Euler: y + h f(y) with f = (y₁, −p₀ y₀).
const expected = Float32Array.of(1, -0.25, 0.5625, 0.3125);

describe('writing a field', () => {
  it('accepts arrow functions, function expressions and methods, with or without semicolons', () => {
    const forms: unknown[] = [
      (_t: number, y: FieldVector, p: FieldVector) => [y[1], -p[0] * y[0]],
      function (_t: number, y: FieldVector, p: FieldVector) {
        const k = p[0];
        return [y[1], -k * y[0]];
      },
      {
        f(_t: number, y: FieldVector, p: FieldVector) {
          const v = y[1];
          return [v, -p[0] * y[0]];
        },
      }.f,
      new Function('t', 'y', 'p', 'const a = y[1]\nconst b = -p[0] * y[0]\nreturn [a, b]'),
      (_t: number, y: FieldVector, p: FieldVector) => {
        let b = -p[0] * y[0];
        if (y[0] > 100) {
          b = 0;
        }
        return [y[1], b];
      },
    ];
    for (const f of forms) expect(oneStep(f)).toEqual(expected);
  });

  it('names what is wrong with a field outside the subset', () => {
    const cases: [unknown, RegExp][] = [
      [(_t: number, y: FieldVector) => [y[1]], /2 entries \(found 1 entries\)/],
      [
        (_t: number, y: FieldVector) => {
          if (y[0] > 0) return [1, 2];
          return [y[1], y[0]];
        },
        /only return.*found 2 returns/,
      ],
      [
        (_t: number, y: FieldVector) => {
          const i = 1;
          return [y[i], y[0]];
        },
        /y\[k\] with an integer literal k below 2/,
      ],
      [(_t: number, y: FieldVector, p: FieldVector) => [y[1], p[3]], /p\[k\] with an integer literal k below 1/],
      [new Function('t', 'y', 'p', 'return [y[1], "a"]'), /unexpected character/],
      [
        function (this: { thread: { x: number } }, _t: number, y: FieldVector) {
          return [y[1], this.thread.x];
        },
        /cannot read `this`/,
      ],
      [(_t: number, y: FieldVector, p: FieldVector, q: FieldVector) => [y[1], q[0] + p[0]], /2 to 3 parameters/],
      [async () => [1, 2], /async/],
      [Math.sin, /could not read the function source/],
      ['(t, y) => [y[1], y[0]]', /expected a function/],
    ];
    for (const [f, message] of cases) {
      const e = expectPhaseflowError(() => oneStep(f), 'FIELD_NOT_COMPILABLE', 'options.field');
      expect(e.message).toMatch(message);
    }
  });

  it('a field gpu.js cannot compile fails at creation with gpu.js’s error as the cause', () => {
    const e = expectPhaseflowError(
      () => createBatchedIntegrator({ method: 'rk4', field: (_t, y) => [y[1], Math.hypot(y[0], y[1])], dimension: 2, members: 2, backend: 'webasm' }),
      'FIELD_NOT_COMPILABLE',
      'options.field',
    );
    expect(e.cause).toBeInstanceOf(Error);
    expect(e.message).toContain((e.cause as Error).message);
    expect(e.message).toMatch(/gpu\.js could not compile the rk4 kernel on webasm/);
  });
});

describe('Math.sin and Math.cos inlined as float32 polynomials', () => {
  const B = 4001;
  const xs = Array.from({ length: B }, (_, m) => [-200 + (400 * m) / (B - 1)]);
  // One Euler step of size 1 from y = 0 returns f(0, 0, p) itself.
  const values = (field: unknown, inlineMath?: boolean) => {
    const batch = createBatchedIntegrator({
      method: 'euler',
      field: field as never,
      dimension: 2,
      parameters: xs,
      backend: 'webasm',
      ...(inlineMath !== undefined && { inlineMath }),
    });
    const y = batch.step(batch.problem, 0, batch.state(), 1);
    const source = batch.kernelSources[0]!;
    batch.backend.destroy();
    return { y: y.values, source };
  };

  it('agree with Math.sin / Math.cos of the float32 argument within 2·ε₃₂ for |x| ≤ 200', () => {
    const { y, source } = values((_t: number, _y: FieldVector, p: FieldVector) => [Math.sin(p[0]), Math.cos(p[0])]);
    expect(source).not.toMatch(/Math\.(sin|cos)/);
    for (let m = 0; m < B; m++) {
      const x = Math.fround(xs[m]![0]!);
      expect(Math.abs(y[2 * m]! - Math.sin(x))).toBeLessThan(2 * 2 ** -23);
      expect(Math.abs(y[2 * m + 1]! - Math.cos(x))).toBeLessThan(2 * 2 ** -23);
    }
  });

  it('are hoisted from top-level statements and nested calls, and left as Math calls inside blocks and loops', () => {
    const field = (_t: number, _y: FieldVector, p: FieldVector) => {
      const a = Math.sin(p[0]);
      // gpu.js types a local by its initialiser, so `b` needs one even though both branches assign it.
      // eslint-disable-next-line no-useless-assignment
      let b = 0;
      if (a > 2) {
        b = Math.cos(a);
      } else b = Math.sin(Math.cos(p[0]));
      for (let i = 0; i < 2; i++) b = b + 0 * Math.sin(i);
      return [a, b + 0 * Math.cos(a)];
    };
    const { y, source } = values(field);
    expect(source).toMatch(/Math \. cos/); // inside the if block
    for (let m = 0; m < B; m += 40) {
      const x = Math.fround(xs[m]![0]!);
      expect(Math.abs(y[2 * m]! - Math.sin(x))).toBeLessThan(2 * 2 ** -23);
      expect(Math.abs(y[2 * m + 1]! - Math.sin(Math.cos(x)))).toBeLessThan(4 * 2 ** -23);
    }
    expect(values(field, false).source).toMatch(/u_a_s0 = Math \. sin \( pf_p0 \)/);
  });
});
