/**
 * The batched state: B members of D float32 components each, member-major in one
 * Float32Array, and its StateOps so core's driver can copy, save and check it.
 */
import { PhaseflowError, checkAllocation, checkInteger, invalid, type StateOps } from '@phaseflow/core';

/** B independent states of D components, `values[m·D + i]` = component i of member m. */
export interface BatchedState {
  /** Number of members B. */
  readonly members: number;
  /** Components per member D. */
  readonly components: number;
  /** B·D numbers, member-major (float32: the precision every gpu.js backend computes in). */
  readonly values: Float32Array;
}

/** StateOps of batched states of one shape. */
export interface BatchedSpace extends StateOps<BatchedState> {
  readonly members: number;
  readonly components: number;
  /** A state of this shape: zeros, or the given numbers (B·D member-major, or B rows of D). */
  create(values?: ArrayLike<number> | readonly ArrayLike<number>[]): BatchedState;
}

/** `y` as a state of `space`'s shape, or INVALID_ARGUMENT / SHAPE_MISMATCH naming `argument`. @internal */
export function checkShape(space: Pick<BatchedSpace, 'members' | 'components'>, argument: string, y: unknown): BatchedState {
  const s = y as BatchedState | null;
  if (s === null || typeof s !== 'object' || !(s.values instanceof Float32Array))
    invalid(argument, 'a BatchedState { members, components, values: Float32Array }', y);
  if (s.members !== space.members || s.components !== space.components || s.values.length !== space.members * space.components) {
    throw new PhaseflowError(
      'SHAPE_MISMATCH',
      `${argument}: expected ${space.members} members × ${space.components} components, received ${s.members} × ${s.components} (${s.values.length} numbers)`,
      {
        argument,
        expected: `${space.members} × ${space.components}`,
        received: `${s.members} × ${s.components}`,
      },
    );
  }
  return s;
}

/**
 * The StateOps of B members × D components (`name` `batched(f32, B×D)`). Mutable: `copy`
 * writes into `out`. `isFinite` is false when any member holds NaN or ±Infinity;
 * {@link nonFiniteMembers} says which.
 *
 * @example
 * ```ts
 * const space = createBatchedSpace(1000, 3);
 * const y = space.create(); // 1000 × 3 zeros
 * space.isFinite(y);        // true
 * ```
 */
export function createBatchedSpace(members: number, components: number): BatchedSpace {
  checkInteger('members', members, { min: 1 });
  checkInteger('components', components, { min: 1 });
  const n = checkAllocation('members', members * components, 4);
  const space: BatchedSpace = {
    name: `batched(f32, ${members}×${components})`,
    mutable: true,
    members,
    components,
    create(values) {
      const out = new Float32Array(n);
      if (values !== undefined) {
        if (values === null || typeof values !== 'object' || typeof values.length !== 'number')
          invalid('values', `${n} numbers or ${members} rows of ${components}`, values);
        if (values.length === members && typeof values[0] === 'object' && values[0] !== null) {
          const rows = values as readonly ArrayLike<number>[];
          for (let m = 0; m < members; m++) {
            const row = rows[m];
            if (row === null || typeof row !== 'object' || row.length !== components) {
              throw new PhaseflowError(
                'SHAPE_MISMATCH',
                `values[${m}]: expected ${components} components, received ${row === null || typeof row !== 'object' ? typeof row : `length ${row.length}`}`,
                {
                  argument: `values[${m}]`,
                  expected: `length ${components}`,
                  received: String((row as ArrayLike<number> | null)?.length),
                },
              );
            }
            for (let i = 0; i < components; i++) {
              const x = row[i];
              if (typeof x !== 'number') invalid(`values[${m}][${i}]`, 'a number', x);
              out[m * components + i] = x;
            }
          }
        } else if (values.length === n) {
          const flat = values as ArrayLike<number>;
          for (let i = 0; i < n; i++) {
            const x = flat[i];
            if (typeof x !== 'number') invalid(`values[${i}]`, 'a number', x);
            out[i] = x;
          }
        } else {
          throw new PhaseflowError(
            'SHAPE_MISMATCH',
            `values: expected ${n} numbers (${members} × ${components}) or ${members} rows, received length ${values.length}`,
            {
              argument: 'values',
              expected: `length ${n} or ${members} rows`,
              received: `length ${values.length}`,
            },
          );
        }
      }
      return { members, components, values: out };
    },
    clone: (y) => ({ members, components, values: checkShape(space, 'y', y).values.slice() }),
    copy(src, out) {
      const s = checkShape(space, 'src', src);
      if (out === undefined) return space.clone(s);
      checkShape(space, 'out', out).values.set(s.values);
      return out;
    },
    isFinite(y) {
      const v = checkShape(space, 'y', y).values;
      // x − x is 0 for finite x and NaN otherwise; one comparison per number.
      for (let i = 0; i < v.length; i++) if (v[i]! - v[i]! !== 0) return false;
      return true;
    },
    size: () => n,
    toFloat64(y, out) {
      const v = checkShape(space, 'y', y).values;
      if (out !== undefined && (!(out instanceof Float64Array) || out.length !== n)) invalid('out', `a Float64Array(${n})`, out, 'SHAPE_MISMATCH');
      const o = out ?? new Float64Array(n);
      o.set(v);
      return o;
    },
  };
  return space;
}

/**
 * The members of `state` holding NaN or ±Infinity, in increasing order: what a batch that
 * failed with NON_FINITE_STATE reports per member instead of one NaN batch.
 *
 * @example
 * ```ts
 * nonFiniteMembers(y); // [17, 402]
 * ```
 */
export function nonFiniteMembers(state: BatchedState): number[] {
  if (state === null || typeof state !== 'object' || !(state.values instanceof Float32Array)) invalid('state', 'a BatchedState', state);
  const { members, components, values } = state;
  const bad: number[] = [];
  for (let m = 0; m < members; m++) {
    for (let i = 0; i < components; i++) {
      const v = values[m * components + i]!;
      if (v - v !== 0) {
        bad.push(m);
        break;
      }
    }
  }
  return bad;
}
