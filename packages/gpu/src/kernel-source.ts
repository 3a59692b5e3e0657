/**
 * Kernel sources for batched integrators. One thread advances one member n steps with its
 * state in registers; the field is inlined once per stage (Runge–Kutta) or per sub-flow
 * (splitting). Every update y ← y + Δ is a compensated sum (Kahan 1965; Møller 1965): the
 * rounding error of each addition is carried in eᵢ and fed into the next increment, so over
 * the n steps of one launch the state's accumulation error stays O(ε) instead of O(nε).
 *
 * A thread returns at most four numbers (gpu.js's Array(4)); a member with more components is
 * advanced by ⌈D/4⌉ kernels that each return four of them (each redoes the whole step).
 */
import type { ButcherTableau } from '@phaseflow/runge-kutta';
import { floatLiteral as f, inlineField, type ParsedField } from './field-source.js';
import type { SubFlow } from './methods.js';

/** The kernel's argument names, in call order: state (members × D), parameters (members × P), t₀, h, n. */
const KERNEL_ARGUMENTS = ['pf_Y', 'pf_P', 'pf_t0', 'pf_h', 'pf_n'] as const;

/** Components [from, to) returned by one kernel; a member's D components split into groups of at most 4. */
export function componentGroups(components: number): [number, number][] {
  const groups: [number, number][] = [];
  for (let from = 0; from < components; from += 4) groups.push([from, Math.min(components, from + 4)]);
  return groups;
}

function header(components: number, parameters: number, names: (i: number) => string, beforeLoop: (lines: string[]) => void = () => {}): string[] {
  const lines = ['const pf_m = this.thread.x;'];
  for (let i = 0; i < components; i++) lines.push(`let ${names(i)} = pf_Y[pf_m][${i}];`, `let pf_e${i} = 0.0;`);
  for (let k = 0; k < parameters; k++) lines.push(`const pf_p${k} = pf_P[pf_m][${k}];`);
  beforeLoop(lines);
  lines.push('let pf_jf = 0.0;', 'for (let pf_j = 0; pf_j < pf_n; pf_j++) {');
  return lines;
}

function footer(from: number, to: number, names: (i: number) => string): string[] {
  const out = Array.from({ length: to - from }, (_, i) => names(from + i));
  return ['pf_jf = pf_jf + 1.0;', '}', to - from === 1 ? `return ${out[0]};` : `return [${out.join(', ')}];`];
}

/** y ← y + Δ with the compensation eᵢ (all f32: wasm and WGSL do not reassociate). */
function compensated(target: string, i: number, increment: string, tmp: string): string[] {
  return [
    `const ${tmp}d = ${increment} + pf_e${i};`,
    `const ${tmp}w = ${target} + ${tmp}d;`,
    `pf_e${i} = ${tmp}d - (${tmp}w - ${target});`,
    `${target} = ${tmp}w;`,
  ];
}

const wrap = (lines: string[]) => `function (${KERNEL_ARGUMENTS.join(', ')}) {\n  ${lines.join('\n  ')}\n}`;

/**
 * An explicit Runge–Kutta step, kᵢ = f(t + cᵢh, y + h Σⱼ aᵢⱼkⱼ), y₁ = y + h Σᵢ bᵢkᵢ, for the
 * members' components [from, to).
 */
export function rungeKuttaKernel(
  argument: string,
  field: ParsedField,
  tableau: ButcherTableau,
  stages: number,
  components: number,
  parameters: number,
  from: number,
  to: number,
  inlineMath = true,
): string {
  const y = (i: number) => `pf_y${i}`;
  const lines = header(components, parameters, y);
  lines.push('const pf_t = pf_t0 + pf_jf * pf_h;');
  for (let s = 0; s < stages; s++) {
    const row = tableau.a[s] ?? [];
    let state = y;
    if (s > 0) {
      state = (i: number) => `pf_z${s}_${i}`;
      for (let i = 0; i < components; i++) {
        const terms = row.map((a, j) => (a === 0 ? '' : `${f(a)} * pf_k${j}_${i}`)).filter((x) => x !== '');
        lines.push(`const pf_z${s}_${i} = ${terms.length === 0 ? y(i) : `${y(i)} + pf_h * (${terms.join(' + ')})`};`);
      }
    }
    const c = tableau.c[s] ?? 0;
    const { prelude, items } = inlineField(
      argument,
      field,
      [
        { kind: 'scalar', text: c === 0 ? 'pf_t' : `pf_t + ${f(c)} * pf_h` },
        { kind: 'array', length: components, name: state, what: 'the state' },
        { kind: 'array', length: parameters, name: (k) => `pf_p${k}`, what: 'the parameters' },
      ],
      `s${s}`,
      { inlineMath },
    );
    if (prelude.trim().length > 0) lines.push(prelude);
    items.forEach((item, i) => lines.push(`const pf_k${s}_${i} = ${item};`));
  }
  for (let i = 0; i < components; i++) {
    const terms = tableau.b
      .slice(0, stages)
      .map((b, s) => (b === 0 ? '' : `${f(b)} * pf_k${s}_${i}`))
      .filter((x) => x !== '');
    lines.push(...compensated(y(i), i, `pf_h * (${terms.join(' + ')})`, `pf_u${i}`));
  }
  lines.push(...footer(from, to, y));
  return wrap(lines);
}

/**
 * A splitting step over the state (q, p) of a separable Hamiltonian H = T(p) + V(q): drifts
 * q ← q + cₖh·∂T/∂p(p) and kicks p ← p − cₖh·∂V/∂q(q) in the method's order, for the members'
 * components [from, to) of (q₀ … q_{d−1}, p₀ … p_{d−1}). Without ∂T/∂p the drift is q ← q + cₖh·p.
 * When the sequence starts and ends with the same evaluated sub-flow (a kick, or a drift with
 * ∂T/∂p) the last evaluation of one step is the first of the next — same argument, same value —
 * so it is kept, not recomputed: one force evaluation per leapfrog step instead of two.
 */
export function splittingKernel(
  argument: string,
  dVdq: ParsedField,
  dTdp: ParsedField | undefined,
  sequence: readonly SubFlow[],
  dimension: number,
  parameters: number,
  from: number,
  to: number,
  inlineMath = true,
): string {
  const D = 2 * dimension;
  const x = (i: number) => (i < dimension ? `pf_q${i}` : `pf_v${i - dimension}`);
  const params = { kind: 'array', length: parameters, name: (k: number) => `pf_p${k}`, what: 'the parameters' } as const;
  const evaluated = (flow: SubFlow['flow']) => flow === 'kick' || dTdp !== undefined;
  /** Lines computing the sub-flow's gradient into pf_g<tag>_i. */
  const evaluate = (flow: SubFlow['flow'], tag: string): string[] => {
    const kick = flow === 'kick';
    const { prelude, items } = inlineField(
      kick ? `${argument}.dVdq` : `${argument}.dTdp`,
      kick ? dVdq : dTdp!,
      [{ kind: 'array', length: dimension, name: (k) => (kick ? `pf_q${k}` : `pf_v${k}`), what: kick ? 'the positions' : 'the momenta' }, params],
      tag,
      { inlineMath },
    );
    return [...(prelude.trim().length > 0 ? [prelude] : []), ...items.map((item, i) => `const pf_g${tag}_${i} = ${item};`)];
  };
  const last = sequence.length - 1;
  const reuse = last > 0 && sequence[0]!.flow === sequence[last]!.flow && evaluated(sequence[0]!.flow);
  const lines = header(D, parameters, x, (before) => {
    if (!reuse) return;
    before.push(...evaluate(sequence[0]!.flow, 'c'));
    for (let i = 0; i < dimension; i++) before.push(`let pf_gr_${i} = pf_gc_${i};`);
  });
  sequence.forEach((op, o) => {
    const tau = `${f(op.c)} * pf_h`;
    let g = (i: number) => (op.flow === 'drift' ? `pf_v${i}` : '');
    if (reuse && o === 0) g = (i) => `pf_gr_${i}`;
    else if (evaluated(op.flow)) {
      lines.push(...evaluate(op.flow, `${o}`));
      g = (i) => `pf_g${o}_${i}`;
    }
    for (let i = 0; i < dimension; i++) {
      if (op.flow === 'drift') lines.push(...compensated(`pf_q${i}`, i, `(${tau}) * ${g(i)}`, `pf_u${o}_${i}`));
      else lines.push(...compensated(`pf_v${i}`, dimension + i, `-(${tau}) * ${g(i)}`, `pf_u${o}_${i}`));
    }
    if (reuse && o === last) for (let i = 0; i < dimension; i++) lines.push(`pf_gr_${i} = ${g(i)};`);
  });
  lines.push(...footer(from, to, x));
  return wrap(lines);
}
