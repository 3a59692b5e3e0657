/**
 * The driver's view of a problem of a core kind: every vector-field function wrapped so that
 * a throw becomes CALLBACK_FAILED naming it (the thrown value as `cause`), and the size of
 * what it returns checked on its first call of the run (SHAPE_MISMATCH), not on every call.
 */
import { callbackFailed, PhaseflowError } from './errors.js';
import type { PhaseSpace } from './phase-space.js';
import type { Problem } from './problems.js';
import { describeValue } from './validate.js';
import type { StateOps } from './vector-space.js';

/** Which argument of each vector-field function the result must match in size: (name, index of that argument, index of t or -1). */
const FIELDS: Readonly<Record<string, readonly (readonly [string, number, number])[]>> = {
  ode: [['f', 1, 0]],
  'separable-hamiltonian': [
    ['dTdp', 0, -1],
    ['dVdq', 0, -1],
  ],
  partitioned: [
    ['velocity', 1, 0],
    ['force', 2, 0],
  ],
  hamiltonian: [
    ['dHdq', 0, -1],
    ['dHdp', 1, -1],
  ],
};

function sizeOf(space: StateOps<unknown>, v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  try {
    const n = space.size(v);
    return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wrap the vector-field functions of a problem of kind `ode`, `separable-hamiltonian`,
 * `partitioned` or `hamiltonian` for one run (see the module comment). Problems of any other
 * kind are returned as they are: their integrators know what their functions return.
 *
 * Each wrapper is its own function literal calling its field as a method of the original
 * problem: call sites stay monomorphic (V8 inlines them) and `this` is what the user wrote.
 */
export function guardProblem<P extends Pick<Problem<never>, 'kind'>>(problem: P): P {
  const fields = FIELDS[problem.kind];
  if (!fields) return problem;
  const own = (problem as unknown as { space?: unknown }).space;
  const space = (problem.kind === 'ode' ? own : (own as PhaseSpace<unknown> | undefined)?.component) as StateOps<unknown> | undefined;
  if (!space || typeof space.size !== 'function') return problem;
  const src = problem as unknown as Record<string, (...x: unknown[]) => unknown>;
  for (const [key] of fields) if (typeof src[key] !== 'function') return problem;

  const checkers = new Map<
    string,
    { checked: boolean; check(r: unknown, args: readonly unknown[]): void; fail(e: unknown, args: readonly unknown[]): never }
  >();
  for (const [key, arg, tIndex] of fields) {
    const callback = `problem.${key}`;
    const c = {
      checked: false,
      check(result: unknown, args: readonly unknown[]): void {
        const want = sizeOf(space, args[arg]);
        const got = sizeOf(space, result);
        if (want !== undefined && got !== want) {
          const t = tIndex >= 0 ? args[tIndex] : undefined;
          const received = got === undefined ? describeValue(result) : `${got} components`;
          throw new PhaseflowError(
            'SHAPE_MISMATCH',
            `${callback}: expected a result of ${want} components (as its state argument), received ${received}${typeof t === 'number' ? ` at t = ${t}` : ''}`,
            { argument: callback, expected: `${want} components`, received, ...(typeof t === 'number' && { t }) },
          );
        }
        c.checked = true;
      },
      fail(e: unknown, args: readonly unknown[]): never {
        if (e instanceof PhaseflowError) throw e;
        const t = tIndex >= 0 ? args[tIndex] : undefined;
        throw callbackFailed(callback, e, typeof t === 'number' ? { t } : {});
      },
    };
    checkers.set(key, c);
  }
  const k = (key: string) => checkers.get(key)!;
  let overrides: Record<string, unknown>;
  switch (problem.kind) {
    case 'ode': {
      const f = k('f');
      overrides = {
        f(t: unknown, y: unknown, out: unknown) {
          let r: unknown;
          try {
            r = src.f!(t, y, out);
          } catch (e) {
            return f.fail(e, [t, y, out]);
          }
          if (!f.checked) f.check(r, [t, y, out]);
          return r;
        },
      };
      break;
    }
    case 'separable-hamiltonian': {
      const T = k('dTdp');
      const V = k('dVdq');
      overrides = {
        dTdp(p: unknown, out: unknown) {
          let r: unknown;
          try {
            r = src.dTdp!(p, out);
          } catch (e) {
            return T.fail(e, [p, out]);
          }
          if (!T.checked) T.check(r, [p, out]);
          return r;
        },
        dVdq(q: unknown, out: unknown) {
          let r: unknown;
          try {
            r = src.dVdq!(q, out);
          } catch (e) {
            return V.fail(e, [q, out]);
          }
          if (!V.checked) V.check(r, [q, out]);
          return r;
        },
      };
      break;
    }
    case 'partitioned': {
      const v = k('velocity');
      const F = k('force');
      overrides = {
        velocity(t: unknown, q: unknown, p: unknown, out: unknown) {
          let r: unknown;
          try {
            r = src.velocity!(t, q, p, out);
          } catch (e) {
            return v.fail(e, [t, q, p, out]);
          }
          if (!v.checked) v.check(r, [t, q, p, out]);
          return r;
        },
        force(t: unknown, q: unknown, p: unknown, out: unknown) {
          let r: unknown;
          try {
            r = src.force!(t, q, p, out);
          } catch (e) {
            return F.fail(e, [t, q, p, out]);
          }
          if (!F.checked) F.check(r, [t, q, p, out]);
          return r;
        },
      };
      break;
    }
    default: {
      const Q = k('dHdq');
      const Pp = k('dHdp');
      overrides = {
        dHdq(q: unknown, p: unknown, out: unknown) {
          let r: unknown;
          try {
            r = src.dHdq!(q, p, out);
          } catch (e) {
            return Q.fail(e, [q, p, out]);
          }
          if (!Q.checked) Q.check(r, [q, p, out]);
          return r;
        },
        dHdp(q: unknown, p: unknown, out: unknown) {
          let r: unknown;
          try {
            r = src.dHdp!(q, p, out);
          } catch (e) {
            return Pp.fail(e, [q, p, out]);
          }
          if (!Pp.checked) Pp.check(r, [q, p, out]);
          return r;
        },
      };
    }
  }
  const guarded = Object.assign(Object.create(Object.getPrototypeOf(problem) as object) as P, problem, overrides);
  const all = [...checkers.values()];
  checkedAll.set(guarded, () => all.every((c) => c.checked));
  return guarded;
}

/** For each guarded problem: have all its functions been called (and their result sizes checked) once? */
const checkedAll = new WeakMap<object, () => boolean>();

/**
 * True when every vector-field function of a problem built by {@link guardProblem} has been
 * called once in this run, so its result size has been checked (always true for a problem
 * the guard left as it was). From then on the driver may hand the integrator the problem as
 * the user gave it, where the wrappers' cost per call shows (small systems), as long as it
 * replays a failing stretch on the guarded problem to name the function that threw.
 *
 * @example
 * ```ts
 * const guarded = guardProblem(problem);
 * integrator.step(guarded, t0, y0, h);
 * guardChecked(guarded); // true: f has been called and checked
 * ```
 */
export function guardChecked(problem: object): boolean {
  const all = checkedAll.get(problem);
  return all === undefined || all();
}
