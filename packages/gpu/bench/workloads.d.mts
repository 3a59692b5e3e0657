/** The bench's workloads (see workloads.mjs). */
export interface Workload {
  readonly system: 'lorenz63' | 'pendulum-grid';
  readonly method: 'rk4' | 'leapfrog';
  readonly h: number;
  readonly field:
    ((t: number, y: ArrayLike<number>, p: ArrayLike<number>) => number[]) | { readonly dVdq: (q: ArrayLike<number>, p: ArrayLike<number>) => number[] };
  readonly dimension: number;
  readonly rows: (members: number) => number[][];
  readonly start: (members: number) => number[][];
}
export const WORKLOADS: readonly Workload[];
export function lorenzRows(members: number): number[][];
