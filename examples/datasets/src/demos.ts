/**
 * `phaseflow demo datasets`: a gallery of every generator — the classification toys coloured
 * by class, and the dynamical sets as the pictures people know them by (the Lorenz
 * butterfly, the Mackey–Glass delay embedding, a Lorenz-96 Hovmöller diagram, Hamiltonian
 * phase portraits and HNN samples).
 */
import type { Demo, DemoFigure } from '@phaseflow/core';
import { fnv1a } from '@phaseflow/testkit';
import {
  circles,
  ellipses,
  moons,
  peaks,
  spirals,
  swissRoll,
  mackeyGlassSeries,
  doublePendulumSystem,
  henonHeilesSystem,
  keplerSystem,
  pendulumSystem,
  lorenz63Series,
  lorenz96Series,
  narma10,
  hamiltonianSamples,
  hamiltonianTrajectory,
} from '@phaseflow/datasets';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

const gallery: Demo = {
  name: 'datasets',
  title: 'Dataset gallery: classification toys and dynamical systems',
  description:
    'Every generator of @phaseflow/datasets with its default settings and one seed: six classification toys coloured by class, Lorenz-63, Lorenz-96, Mackey–Glass (τ = 17), NARMA-10, and Hamiltonian systems (pendulum HNN samples, Kepler orbits, Hénon–Heiles, double pendulum).',
  async run(ctx) {
    const seed = ctx.seed >>> 0;
    const numbers: Record<string, unknown> = { seed };
    const figures: DemoFigure[] = [];

    ctx.progress(0, 'classification toys');
    const toyRows: { set: string; x: number; y: number; class: string }[] = [];
    for (const [label, make] of [
      ['Swiss roll (2 classes)', swissRoll],
      ['peaks (5 classes)', peaks],
      ['ellipses (3 classes)', ellipses],
      ['two moons', moons],
      ['spirals', spirals],
      ['circles', circles],
    ] as const) {
      const s = make({ n: 400, seed });
      for (let i = 0; i < s.n; i++) toyRows.push({ set: label, x: r4(s.x[2 * i]!), y: r4(s.x[2 * i + 1]!), class: String(s.y[i]) });
      numbers[s.name] = { n: s.n, classes: s.classes, checksum: `${fnv1a(s.x)}:${fnv1a(s.y)}` };
    }
    figures.push({
      name: 'classification-toys',
      title: 'Classification toys (400 points each, coloured by class)',
      caption:
        'The decision problems of the stable-architecture papers: the Swiss roll and peaks sets of Haber & Ruthotto, concentric elliptic bands, moons, spirals and circles.',
      spec: {
        $schema: SCHEMA,
        data: { values: toyRows },
        facet: { field: 'set', type: 'nominal', title: null, sort: null },
        columns: 3,
        spec: {
          width: 220,
          height: 220,
          mark: { type: 'circle', size: 14, opacity: 0.8 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'x₁', scale: { zero: false } },
            y: { field: 'y', type: 'quantitative', title: 'x₂', scale: { zero: false } },
            color: { field: 'class', type: 'nominal', scale: { scheme: 'category10' } },
          },
        },
        resolve: { scale: { x: 'independent', y: 'independent' } },
      },
    });

    ctx.progress(0.3, 'Lorenz-63 and Lorenz-96');
    const l63 = lorenz63Series({ n: 3000, dt: 0.01, seed });
    const butterfly = Array.from({ length: l63.n }, (_, i) => ({ t: r4(l63.t[i]!), x: r4(l63.x[3 * i]!), z: r4(l63.x[3 * i + 2]!) }));
    numbers.lorenz63 = { n: l63.n, dt: 0.01, checksum: fnv1a(l63.x) };
    const l96 = lorenz96Series({ dim: 40, n: 120, dt: 0.05, seed });
    const hov: { t: number; site: number; x: number }[] = [];
    for (let i = 0; i < l96.n; i++) for (let j = 0; j < 40; j++) hov.push({ t: r4(l96.t[i]!), site: j + 1, x: r4(l96.x[i * 40 + j]!) });
    numbers.lorenz96 = { n: l96.n, dim: 40, forcing: 8, checksum: fnv1a(l96.x) };
    figures.push({
      name: 'lorenz',
      title: 'Lorenz-63 (x–z butterfly) and Lorenz-96 (Hovmöller diagram, F = 8, 40 sites)',
      caption: 'Left: 30 time units of Lorenz-63 on its attractor. Right: Lorenz-96 waves travelling westward (towards lower site index) over 6 time units.',
      spec: {
        $schema: SCHEMA,
        hconcat: [
          {
            width: 320,
            height: 320,
            data: { values: butterfly },
            mark: { type: 'line', strokeWidth: 0.5, color: '#2a6f97' },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'z', type: 'quantitative' },
              order: { field: 't' },
            },
          },
          {
            width: 360,
            height: 320,
            data: { values: hov },
            mark: 'rect',
            encoding: {
              x: { field: 'site', type: 'ordinal', title: 'site i', axis: { values: [1, 10, 20, 30, 40] } },
              y: { field: 't', type: 'ordinal', title: 't', axis: { values: [0, 1, 2, 3, 4, 5] }, sort: 'descending' },
              color: { field: 'x', type: 'quantitative', scale: { scheme: 'redblue', domainMid: 2.3, reverse: true }, title: 'xᵢ' },
            },
          },
        ],
        resolve: { scale: { color: 'independent' } },
      },
    });

    ctx.progress(0.55, 'Mackey–Glass and NARMA-10');
    const mg = mackeyGlassSeries({ n: 1200 });
    numbers.mackeyGlass = { n: mg.n, tau: 17, min: Math.min(...mg.x), max: Math.max(...mg.x), checksum: fnv1a(mg.x) };
    const mgSeries = Array.from({ length: 500 }, (_, i) => ({ t: mg.t[i]!, x: r4(mg.x[i]!) }));
    const mgEmbed = Array.from({ length: mg.n - 17 }, (_, i) => ({ delayed: r4(mg.x[i]!), x: r4(mg.x[i + 17]!), t: i }));
    const na = narma10({ n: 300, seed });
    const naRows = Array.from({ length: 200 }, (_, k) => [
      { k, value: r4(na.x[k]!), series: 'input u(k)' },
      { k, value: r4(na.y[k]!), series: 'target y(k+1)' },
    ]).flat();
    numbers.narma10 = { n: na.n, checksum: `${fnv1a(na.x)}:${fnv1a(na.y)}` };
    figures.push({
      name: 'mackey-glass-narma',
      title: 'Mackey–Glass (τ = 17) and NARMA-10',
      caption:
        'Mackey–Glass as a series and as its delay embedding x(t) against x(t − 17), the strange attractor reservoir computers learn; below, 200 steps of the NARMA-10 input and target.',
      spec: {
        $schema: SCHEMA,
        vconcat: [
          {
            hconcat: [
              {
                width: 420,
                height: 200,
                data: { values: mgSeries },
                mark: { type: 'line', strokeWidth: 1 },
                encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'x', type: 'quantitative', scale: { zero: false } } },
              },
              {
                width: 200,
                height: 200,
                data: { values: mgEmbed },
                mark: { type: 'line', strokeWidth: 0.5, opacity: 0.7 },
                encoding: {
                  x: { field: 'delayed', type: 'quantitative', title: 'x(t − 17)', scale: { zero: false } },
                  y: { field: 'x', type: 'quantitative', title: 'x(t)', scale: { zero: false } },
                  order: { field: 't' },
                },
              },
            ],
          },
          {
            width: 640,
            height: 160,
            data: { values: naRows },
            mark: { type: 'line', strokeWidth: 1 },
            encoding: {
              x: { field: 'k', type: 'quantitative', title: 'step k' },
              y: { field: 'value', type: 'quantitative' },
              color: { field: 'series', type: 'nominal', title: null },
            },
          },
        ],
      },
    });

    ctx.progress(0.75, 'Hamiltonian systems');
    const pend = hamiltonianSamples(pendulumSystem(), { trajectories: 12, points: 45, seed });
    const pendRows = Array.from({ length: pend.n }, (_, i) => ({ q: r4(pend.x[2 * i]!), p: r4(pend.x[2 * i + 1]!), trajectory: pend.trajectory[i]! }));
    const kep = keplerSystem();
    const orbitRows: { x: number; y: number; orbit: string; i: number }[] = [];
    for (const e of [0, 0.3, 0.6, 0.8]) {
      const s = hamiltonianTrajectory(keplerSystem({ e }), { n: 315, dt: (2 * Math.PI) / 314, substeps: 20 });
      for (let i = 0; i < s.n; i++) orbitRows.push({ x: r4(s.x[4 * i]!), y: r4(s.x[4 * i + 1]!), orbit: `e = ${e}`, i });
    }
    const hh = hamiltonianTrajectory(henonHeilesSystem(), { n: 2000, dt: 0.1, substeps: 10 });
    const hhRows = Array.from({ length: hh.n }, (_, i) => ({ x: r4(hh.x[4 * i]!), y: r4(hh.x[4 * i + 1]!), i }));
    const dp = hamiltonianTrajectory(doublePendulumSystem(), { initial: [2.0, 2.5, 0, 0], n: 1500, dt: 0.02, substeps: 10 });
    const dpRows = Array.from({ length: dp.n }, (_, i) => {
      const t1 = dp.x[4 * i]!,
        t2 = dp.x[4 * i + 1]!;
      return { x: r4(Math.sin(t1) + Math.sin(t2)), y: r4(-Math.cos(t1) - Math.cos(t2)), i };
    });
    let drift = 0;
    for (const e of dp.energy!) drift = Math.max(drift, Math.abs(e - dp.energy![0]!));
    numbers.hamiltonian = {
      pendulumSamples: { n: pend.n, noise: 0.1, checksum: `${fnv1a(pend.x)}:${fnv1a(pend.y)}` },
      keplerEnergy: kep.energy(kep.initial),
      doublePendulumMaxEnergyDrift: drift,
    };
    const panel = (title: string, values: unknown[], enc: Record<string, unknown>, mark: Record<string, unknown>) => ({
      title,
      width: 230,
      height: 230,
      data: { values },
      mark,
      encoding: enc,
    });
    figures.push({
      name: 'hamiltonian',
      title: 'Hamiltonian systems: HNN samples, Kepler orbits, Hénon–Heiles, double pendulum',
      caption:
        'Pendulum samples as Greydanus et al. draw them (45 points per trajectory over t ∈ [0, 3], noise 0.1 on q and p); Kepler orbits of eccentricity 0 to 0.8 sharing a semi-major axis; a Hénon–Heiles orbit at H = 0.13; the tip of a chaotic double pendulum.',
      spec: {
        $schema: SCHEMA,
        hconcat: [
          panel(
            'pendulum HNN samples',
            pendRows,
            {
              x: { field: 'q', type: 'quantitative' },
              y: { field: 'p', type: 'quantitative' },
              color: { field: 'trajectory', type: 'nominal', legend: null },
            },
            { type: 'circle', size: 12 },
          ),
          panel(
            'Kepler orbits',
            orbitRows,
            {
              x: { field: 'x', type: 'quantitative', title: 'q₁' },
              y: { field: 'y', type: 'quantitative', title: 'q₂' },
              color: { field: 'orbit', type: 'nominal', title: null },
              order: { field: 'i' },
            },
            { type: 'line', strokeWidth: 1.2 },
          ),
          panel(
            'Hénon–Heiles (x, y)',
            hhRows,
            {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'y', type: 'quantitative' },
              order: { field: 'i' },
            },
            { type: 'line', strokeWidth: 0.4, color: '#555' },
          ),
          panel(
            'double pendulum tip',
            dpRows,
            {
              x: { field: 'x', type: 'quantitative', scale: { domain: [-2, 2] } },
              y: { field: 'y', type: 'quantitative', scale: { domain: [-2, 2] } },
              order: { field: 'i' },
            },
            { type: 'line', strokeWidth: 0.5, color: '#9c2f6b' },
          ),
        ],
        resolve: { scale: { color: 'independent' } },
      },
    });
    ctx.progress(1);
    return {
      summary: `Generated 6 classification toys and 8 dynamical sets from seed ${seed}; Mackey–Glass (τ = 17) ranges over [${(numbers.mackeyGlass as { min: number }).min.toFixed(3)}, ${(numbers.mackeyGlass as { max: number }).max.toFixed(3)}], the double pendulum's energy drifts by ${drift.toExponential(1)}.`,
      figures,
      numbers,
    };
  },
};

/** Demos provided by @phaseflow/datasets: the dataset gallery (`phaseflow demo datasets`). */
export const demos: readonly Demo[] = [gallery];
