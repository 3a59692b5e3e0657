/**
 * `phaseflow demo gpu-pendulum-portrait`: 10⁵ pendulums advanced together by a batched
 * leapfrog kernel on the best gpu.js backend here; their orbits in the phase plane coloured by
 * energy (each member keeps its energy: librations, rotations and the separatrix between).
 *
 * `phaseflow demo gpu-throughput`: state updates per second against batch size for every
 * backend that runs here, next to our Float64 leapfrog on the same work.
 */
import { integrate, separableHamiltonian, type Demo } from '@phaseflow/core';
import { chooseGpuBackend, createBatchedIntegrator, type FieldVector, type GpuBackend } from '@phaseflow/gpu';
import { createLeapfrog } from '@phaseflow/symplectic';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

const pendulum = { dVdq: (q: FieldVector, p: FieldVector) => [p[0] * Math.sin(q[0])] };
const energy = (y: Float64Array, p: Float64Array) => 0.5 * y[1]! * y[1]! - p[0]! * Math.cos(y[0]!);
/** q wrapped into (−π, π]. */
const wrap = (q: number) => q - 2 * Math.PI * Math.round(q / (2 * Math.PI));

/** A `side × side` grid of (q₀, p₀) on [−π, π] × [−3, 3] (the throughput demo's members). */
function grid(side: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) rows.push([-Math.PI + (2 * Math.PI * (i + 0.5)) / side, -3 + (6 * (j + 0.5)) / side]);
  return rows;
}

const portrait: Demo = {
  name: 'gpu-pendulum-portrait',
  title: 'Phase portrait of 10⁵ pendulums advanced in one batched kernel',
  description:
    '10⁵ pendulums H = p²/2 − cos q started at q = 0 with p₀ evenly spread over (−3, 3), advanced 400 leapfrog steps of h = 0.05 (t = 20) by @phaseflow/gpu on the best gpu.js backend here (float32), through core’s integrate saving every 5 steps. Every 500th member is drawn at each save, coloured by its energy: librations (H < 1) close around the origin, rotations (H > 1) run across, the separatrix H = 1 between them.',
  async run(ctx) {
    const B = 100_000;
    const steps = 400;
    const every = 5;
    const backend = chooseGpuBackend();
    const starts = Array.from({ length: B }, (_, m) => [0, -3 + (6 * (m + 0.5)) / B]);
    const batch = createBatchedIntegrator({ method: 'leapfrog', field: pendulum, dimension: 1, parameters: starts.map(() => [1]), backend, energy });
    const y0 = batch.state(starts);
    ctx.progress(0.1, `advancing ${B} members on ${batch.runsOn}`);
    const t0 = performance.now();
    const sol = integrate(batch, batch.problem, y0, { tEnd: steps * 0.05, steps, save: { every } });
    const seconds = (performance.now() - t0) / 1000;
    ctx.progress(0.8, 'drawing');
    const e0 = batch.energies(y0);
    const e1 = batch.energies(sol.yFinal);
    let drift = 0;
    for (let m = 0; m < B; m++) drift = Math.max(drift, Math.abs(e1[m]! - e0[m]!));
    const points: { q: number; p: number; energy: number }[] = [];
    for (const state of sol.y) {
      for (let m = 250; m < B; m += 500)
        points.push({ q: +wrap(state.values[2 * m]!).toFixed(4), p: +state.values[2 * m + 1]!.toFixed(4), energy: +e0[m]!.toFixed(3) });
    }
    const runsOn = batch.runsOn;
    batch.destroy();
    backend.destroy();
    ctx.progress(1);
    const rate = (B * steps) / seconds;
    return {
      summary: `${B} pendulums × ${steps} leapfrog steps on ${runsOn} in ${seconds.toFixed(2)} s with a save every ${every} steps (${rate.toExponential(2)} state updates/s); the largest energy change of any member is ${drift.toExponential(1)} (float32).`,
      numbers: {
        members: B,
        steps,
        h: 0.05,
        saveEvery: every,
        backend: runsOn,
        seconds,
        stateUpdatesPerSecond: rate,
        maxMemberEnergyChange: drift,
        pointsDrawn: points.length,
      },
      figures: [
        {
          name: 'phase-portrait',
          title: `Pendulum phase plane: ${B} members advanced together, ${points.length} points drawn`,
          caption:
            'Each member stays on its level set H = p²/2 − cos q: closed curves (librations, dark) inside the separatrix H = 1, open ones (rotations, bright) outside. The spokes are the save times: members started on one line keep nearly the same phase near the centre.',
          spec: {
            $schema: SCHEMA,
            width: 620,
            height: 380,
            data: { values: points },
            mark: { type: 'circle', size: 3, opacity: 0.8, clip: true },
            encoding: {
              x: { field: 'q', type: 'quantitative', title: 'q (wrapped to (−π, π])', scale: { domain: [-Math.PI, Math.PI] } },
              y: { field: 'p', type: 'quantitative', title: 'p', scale: { domain: [-3.5, 3.5] } },
              color: { field: 'energy', type: 'quantitative', title: 'H', scale: { scheme: 'viridis' } },
            },
          },
        },
      ],
    };
  },
};

/** Our Float64 leapfrog on all members as one Float64Array (the reference loop of the bench). */
function float64Leapfrog(B: number, starts: number[][]) {
  const problem = separableHamiltonian({
    dTdp: (p: Float64Array, out: Float64Array = new Float64Array(p.length)): Float64Array => (out.set(p), out),
    dVdq: (q: Float64Array, out: Float64Array = new Float64Array(q.length)): Float64Array => {
      for (let m = 0; m < B; m++) out[m] = Math.sin(q[m]!);
      return out;
    },
  });
  const method = createLeapfrog<Float64Array>();
  const y0 = { q: Float64Array.from(starts, (s) => s[0]!), p: Float64Array.from(starts, (s) => s[1]!) };
  return (n: number) => method.advance!(problem, 0, y0, 0.01, n);
}

const throughput: Demo = {
  name: 'gpu-throughput',
  title: 'Batched leapfrog throughput against batch size, per backend',
  description:
    'State updates per second (one member advanced one step) of the pendulum-grid leapfrog for B = 10³, 10⁴, 10⁵ on every synchronous gpu.js backend that starts here, and our Float64 leapfrog (symplectic’s advance over one Float64Array) on the same work. Best of three runs of about 2·10⁶ updates each, wall time.',
  async run(ctx) {
    const sizes = [1e3, 1e4, 1e5];
    const backends: GpuBackend[] = [];
    const skipped: Record<string, string> = {};
    for (const name of ['webgl2', 'headlessgl', 'webasm', 'cpu'] as const) {
      try {
        backends.push(chooseGpuBackend({ prefer: name }));
      } catch (e) {
        skipped[name] = (e as Error).message;
      }
    }
    const rows: { backend: string; members: number; perSecond: number }[] = [];
    const best = (run: () => unknown): number => {
      let ms = Infinity;
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        run();
        ms = Math.min(ms, performance.now() - t0);
      }
      return ms;
    };
    let k = 0;
    for (const B of sizes) {
      const n = Math.max(10, Math.round(2e6 / B));
      const starts = grid(Math.ceil(Math.sqrt(B))).slice(0, B);
      for (const backend of backends) {
        ctx.progress(k++ / (sizes.length * (backends.length + 1)), `${backend.name}, B = ${B}`);
        const batch = createBatchedIntegrator({ method: 'leapfrog', field: pendulum, dimension: 1, parameters: starts.map(() => [1]), backend });
        const y0 = batch.state(starts);
        batch.advance(batch.problem, 0, y0, 0.01, 2);
        const ms = best(() => batch.advance(batch.problem, 0, y0, 0.01, n));
        rows.push({ backend: `${backend.name} (gpu.js, float32)`, members: B, perSecond: Math.round((B * n) / (ms / 1000)) });
        batch.destroy();
      }
      ctx.progress(k++ / (sizes.length * (backends.length + 1)), `Float64, B = ${B}`);
      const f64 = float64Leapfrog(B, starts);
      const ms = best(() => f64(n));
      rows.push({ backend: 'Float64 leapfrog (phaseflow)', members: B, perSecond: Math.round((B * n) / (ms / 1000)) });
    }
    for (const b of backends) b.destroy();
    ctx.progress(1);
    const at = (backend: string, B: number) => rows.find((r) => r.backend.startsWith(backend) && r.members === B)?.perSecond;
    const webasm = at('webasm', 1e4);
    const f64 = at('Float64', 1e4);
    return {
      summary: `At B = 10⁴: ${webasm === undefined ? 'webasm did not start' : `webasm ${webasm.toExponential(2)} state updates/s`}, our Float64 leapfrog ${f64!.toExponential(2)}${webasm === undefined ? '' : ` (${(webasm / f64!).toFixed(1)}×)`}. Backends that did not start here: ${Object.keys(skipped).join(', ') || 'none'}.`,
      numbers: { rows, skipped },
      figures: [
        {
          name: 'throughput',
          title: 'State updates per second against batch size (pendulum grid, leapfrog)',
          caption: 'One kernel launch per advance; small batches pay the launch and the readback, large ones the arithmetic.',
          spec: {
            $schema: SCHEMA,
            width: 560,
            height: 340,
            data: { values: rows },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'members', type: 'quantitative', scale: { type: 'log' }, title: 'members B', axis: { values: sizes, format: '.0e' } },
              y: { field: 'perSecond', type: 'quantitative', scale: { type: 'log' }, title: 'state updates per second', axis: { format: '.0e' } },
              color: { field: 'backend', type: 'nominal', title: 'backend', legend: { labelLimit: 280 } },
            },
          },
        },
      ],
    };
  },
};

/** Demos of @phaseflow/gpu: the phase portrait of 10⁵ pendulums, and throughput against batch size. */
export const demos: readonly Demo[] = [portrait, throughput];
