import * as tf from '@tensorflow/tfjs';
import type { Demo, DemoContext, DemoFigure, DemoResult } from '@phaseflow/core';
import { useBestBackend } from '@phaseflow/tfjs';
import {
  AntisymmetricBlock,
  HamiltonianBlock,
  LeapfrogBlock,
  ParabolicBlock,
  ResNetBlock,
  findBlock,
  measureStability,
  type StableBlock,
} from '@phaseflow/stable-nets';
import { runToyClassification } from './toy-classification.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Top two principal directions of the rows of `x` (n × d), by power iteration with deflation. */
function principalPlane(x: Float64Array, d: number): [Float64Array, Float64Array, Float64Array] {
  const n = x.length / d;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const va = x[i * d + a]! - mean[a]!;
      for (let b = 0; b < d; b++) cov[a * d + b]! += (va * (x[i * d + b]! - mean[b]!)) / n;
    }
  }
  const dirs: Float64Array[] = [];
  for (let k = 0; k < 2; k++) {
    let v = Float64Array.from({ length: d }, (_, i) => 1 + i * 0.1 + k);
    for (let it = 0; it < 200; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) w[a]! += cov[a * d + b]! * v[b]!;
      for (const u of dirs) {
        const p = w.reduce((s, wi, i) => s + wi * u[i]!, 0);
        for (let i = 0; i < d; i++) w[i]! -= p * u[i]!;
      }
      const norm = Math.hypot(...w) || 1;
      v = w.map((wi) => wi / norm);
    }
    dirs.push(v);
  }
  return [mean, dirs[0]!, dirs[1]!];
}

async function toyDemo(data: 'swiss-roll' | 'peaks', context: DemoContext): Promise<DemoResult> {
  await useBestBackend();
  context.progress(0, `training a Hamiltonian network on ${data}`);
  // The bench's configuration (README table), with fewer peaks epochs to stay near 20 s.
  const config = data === 'swiss-roll' ? { n: 1024, epochs: 60 } : { n: 2000, epochs: 60 };
  const r = await runToyClassification({
    data,
    block: 'hamiltonian',
    seed: context.seed,
    keepModel: true,
    ...config,
    width: 8,
    depth: 16,
    finalTime: 4,
    learningRate: 0.02,
    batchSize: 64,
  });
  const model = r.model!;
  const test = r.test!;
  try {
    context.progress(0.8, 'decision regions and trajectories');
    // Decision regions on a grid over the (standardised) input box.
    const G = 60;
    let lo = [Infinity, Infinity];
    let hi = [-Infinity, -Infinity];
    for (let i = 0; i < test.n; i++) {
      for (let j = 0; j < 2; j++) {
        lo[j] = Math.min(lo[j]!, test.x[i * 2 + j]!);
        hi[j] = Math.max(hi[j]!, test.x[i * 2 + j]!);
      }
    }
    lo = lo.map((v) => v - 0.2);
    hi = hi.map((v) => v + 0.2);
    const grid = new Float32Array(G * G * 2);
    for (let a = 0; a < G; a++) {
      for (let b = 0; b < G; b++) {
        grid[(a * G + b) * 2] = lo[0]! + ((hi[0]! - lo[0]!) * (a + 0.5)) / G;
        grid[(a * G + b) * 2 + 1] = lo[1]! + ((hi[1]! - lo[1]!) * (b + 0.5)) / G;
      }
    }
    const labels = tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(grid, [G * G, 2])) as tf.Tensor, -1).dataSync());
    const regions = Array.from({ length: G * G }, (_, i) => ({ x: grid[2 * i]!, y: grid[2 * i + 1]!, class: String(labels[i]) }));
    const points = Array.from({ length: test.n }, (_, i) => ({ x: test.x[2 * i]!, y: test.x[2 * i + 1]!, class: String(test.y[i]) }));
    const cell = { x: (hi[0]! - lo[0]!) / G, y: (hi[1]! - lo[1]!) / G };
    const regionsSpec = {
      $schema: SCHEMA,
      width: 360,
      height: 360,
      layer: [
        {
          data: { values: regions.map((p) => ({ ...p, x2: p.x + cell.x, y2: p.y + cell.y })) },
          mark: { type: 'rect', opacity: 0.35 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'x₁ (standardised)' },
            x2: { field: 'x2' },
            y: { field: 'y', type: 'quantitative', title: 'x₂ (standardised)' },
            y2: { field: 'y2' },
            color: { field: 'class', type: 'nominal' },
          },
        },
        {
          data: { values: points },
          mark: { type: 'circle', size: 18, stroke: 'black', strokeWidth: 0.3 },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'class', type: 'nominal' } },
        },
      ],
    };
    // Trajectories: features after the opening layer and after every step, projected on the
    // principal plane of all of them.
    const block = findBlock(model);
    const sample = Math.min(120, test.n);
    const xs = tf.tensor2d(Float32Array.from(test.x.subarray(0, sample * 2)), [sample, 2]);
    const opened = model.layers[0]!.apply(xs) as tf.Tensor;
    const states = block.trajectory(opened);
    const w = block.width!;
    const stacked = new Float64Array(states.length * sample * w);
    states.forEach((s, j) => stacked.set(s.dataSync(), j * sample * w));
    tf.dispose([xs, opened, ...states]);
    const [mean, u, v] = principalPlane(stacked, w);
    const trajectory: { point: number; layer: number; pc1: number; pc2: number; class: string }[] = [];
    for (let j = 0; j < block.depth + 1; j++) {
      for (let i = 0; i < sample; i++) {
        let p1 = 0;
        let p2 = 0;
        for (let k = 0; k < w; k++) {
          const c = stacked[(j * sample + i) * w + k]! - mean[k]!;
          p1 += c * u[k]!;
          p2 += c * v[k]!;
        }
        trajectory.push({ point: i, layer: j, pc1: p1, pc2: p2, class: String(test.y[i]) });
      }
    }
    const trajectorySpec = {
      $schema: SCHEMA,
      width: 360,
      height: 360,
      data: { values: trajectory },
      layer: [
        {
          mark: { type: 'line', strokeWidth: 0.6, opacity: 0.6 },
          encoding: {
            x: { field: 'pc1', type: 'quantitative', title: 'principal component 1' },
            y: { field: 'pc2', type: 'quantitative', title: 'principal component 2' },
            detail: { field: 'point', type: 'nominal' },
            order: { field: 'layer', type: 'quantitative' },
            color: { field: 'class', type: 'nominal' },
          },
        },
        {
          transform: [{ filter: `datum.layer === ${block.depth}` }],
          mark: { type: 'circle', size: 20 },
          encoding: { x: { field: 'pc1', type: 'quantitative' }, y: { field: 'pc2', type: 'quantitative' }, color: { field: 'class', type: 'nominal' } },
        },
      ],
    };
    const figures: DemoFigure[] = [
      {
        name: `${data}-decision-regions`,
        title: `${data}: decision regions of a Hamiltonian network`,
        caption: `Width ${r.width}, ${r.depth} Verlet steps, T = ${r.finalTime}; test accuracy ${(100 * r.testAccuracy).toFixed(1)}%.`,
        spec: regionsSpec,
      },
      {
        name: `${data}-feature-trajectories`,
        title: `${data}: features transported through the layers`,
        caption:
          'Each line is one test point followed through the steps Y_0 … Y_N (principal plane); dots mark Y_N, where the classes must be linearly separable.',
        spec: trajectorySpec,
      },
    ];
    context.progress(1);
    return {
      summary: `Hamiltonian network (width ${r.width}, depth ${r.depth}, T = ${r.finalTime}) on ${data}: ${(100 * r.testAccuracy).toFixed(1)}% test accuracy after ${r.epochs} epochs (${(r.trainMs / 1000).toFixed(1)} s on ${r.engine === 'nn64' ? `nn64's float32 engine, ${r.backend} kernels` : `tfjs, ${r.backend} backend`}).`,
      figures,
      numbers: {
        data,
        width: r.width,
        depth: r.depth,
        finalTime: r.finalTime,
        epochs: r.epochs,
        optimizer: r.optimizer,
        learningRate: r.learningRate,
        testAccuracy: r.testAccuracy,
        trainAccuracy: r.trainAccuracy,
        trainMs: r.trainMs,
        engine: r.engine,
        backend: r.backend,
      },
    };
  } finally {
    model.dispose();
  }
}

async function stabilityDemo(context: DemoContext): Promise<DemoResult> {
  await useBestBackend();
  const kinds: [string, (depth: number, finalTime: number) => StableBlock][] = [
    ['resnet', (depth, finalTime) => new ResNetBlock({ depth, finalTime, seed: context.seed })],
    ['antisymmetric', (depth, finalTime) => new AntisymmetricBlock({ depth, finalTime, seed: context.seed })],
    ['hamiltonian', (depth, finalTime) => new HamiltonianBlock({ depth, finalTime, seed: context.seed })],
    ['leapfrog', (depth, finalTime) => new LeapfrogBlock({ depth, finalTime, seed: context.seed })],
    ['parabolic', (depth, finalTime) => new ParabolicBlock({ depth, finalTime, seed: context.seed })],
  ];
  const rows: { block: string; depth: number; quantity: string; value: number }[] = [];
  const numbers: Record<string, unknown> = {};
  kinds.forEach(([name, create], i) => {
    context.progress(i / kinds.length, name);
    const measured = measureStability(create, { seed: context.seed });
    numbers[name] = measured;
    for (const r of measured) {
      rows.push({ block: name, depth: r.depth, quantity: 'forward ‖Y_N‖/‖Y_0‖', value: r.growth });
      rows.push({ block: name, depth: r.depth, quantity: 'backward ‖∂L/∂Y_0‖/‖∂L/∂Y_N‖', value: r.gradientRatio });
    }
  });
  context.progress(1);
  const spec = {
    $schema: SCHEMA,
    data: { values: rows.map((r) => ({ ...r, value: Math.max(r.value, 1e-12) })) },
    facet: { column: { field: 'quantity', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 260,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'depth', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'steps N (h = 0.1, T = N·h)' },
        y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'ratio' },
        color: { field: 'block', type: 'nominal' },
      },
    },
  };
  const at512 = (name: string) => (numbers[name] as { growth: number; gradientRatio: number }[]).at(-1)!;
  return {
    summary: `At 512 steps (width 8, random weights, h = 0.1): Hamiltonian growth ${at512('hamiltonian').growth.toFixed(2)}, gradient ratio ${at512('hamiltonian').gradientRatio.toFixed(2)}; plain ResNet ${at512('resnet').growth.toFixed(2)} and ${at512('resnet').gradientRatio.toFixed(2)}.`,
    figures: [
      {
        name: 'stability-vs-depth',
        title: 'Stability at depth: forward and backward amplification',
        caption: 'Random weights K ~ N(0, 1/w), b = 0, tanh; log-log. Bounded curves are stable architectures.',
        spec,
      },
    ],
    numbers,
  };
}

/** Demos of @phaseflow/stable-nets: Swiss roll and peaks (decision regions and feature trajectories), stability vs depth. */
export const demos: readonly Demo[] = [
  {
    name: 'stable-swiss-roll',
    title: 'Hamiltonian network on the Swiss roll',
    description: 'Trains a Hamiltonian (Verlet) network on the two-turn Swiss roll; decision regions and the features carried through the layers.',
    run: (context) => toyDemo('swiss-roll', context),
  },
  {
    name: 'stable-peaks',
    title: 'Hamiltonian network on peaks',
    description: 'Trains a Hamiltonian network on the 5-class peaks set; decision regions and feature trajectories.',
    run: (context) => toyDemo('peaks', context),
  },
  {
    name: 'stable-stability',
    title: 'Stability of deep networks vs depth',
    description: 'Forward growth and backward gradient ratio of random ResNet, antisymmetric, Hamiltonian, leapfrog and parabolic blocks for 8 … 512 steps.',
    run: stabilityDemo,
  },
];
