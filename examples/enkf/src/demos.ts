import { createRandom, type Demo, type DemoContext } from '@phaseflow/core';
import { moons, toLabelledData, type FlatLabelledData } from '@phaseflow/datasets';
import { classificationAccuracy, createEnKFTrainer } from '@phaseflow/enkf';
import { createMlp64, type Mlp64 } from '@phaseflow/nn64';

const GRID = 50;

/** Two moons (noise 0.1) from @phaseflow/datasets with one-hot targets. */
function twoMoons(samples: number, seed: number): FlatLabelledData {
  return toLabelledData(moons({ n: samples, noise: 0.1, seed }));
}

function decisionGrid(net: Mlp64): { x: number; y: number; p: number }[] {
  const xs = new Float64Array(GRID * GRID * 2);
  for (let i = 0; i < GRID; i++) {
    for (let j = 0; j < GRID; j++) {
      xs[2 * (i * GRID + j)] = -1.5 + (4 * j) / (GRID - 1);
      xs[2 * (i * GRID + j) + 1] = -1 + (2.5 * i) / (GRID - 1);
    }
  }
  const out = net.forward({ x: xs, rows: GRID * GRID, cols: 2 });
  return Array.from({ length: GRID * GRID }, (_, k) => ({ x: +xs[2 * k]!.toFixed(3), y: +xs[2 * k + 1]!.toFixed(3), p: +out[2 * k + 1]!.toFixed(3) }));
}

function regionsSpec(title: string, grid: { x: number; y: number; p: number }[], data: FlatLabelledData): Record<string, unknown> {
  const points = Array.from({ length: data.samples }, (_, i) => ({
    x: data.inputs[2 * i],
    y: data.inputs[2 * i + 1],
    class: data.targets[2 * i + 1] === 1 ? 'B' : 'A',
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 320,
    height: 200,
    layer: [
      {
        data: { values: grid },
        mark: { type: 'square', size: 48, opacity: 0.9 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'x₁', scale: { domain: [-1.5, 2.5], nice: false } },
          y: { field: 'y', type: 'quantitative', title: 'x₂', scale: { domain: [-1, 1.5], nice: false } },
          color: { field: 'p', type: 'quantitative', title: 'P(class B)', scale: { scheme: 'blueorange', domain: [0, 1] } },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 14, stroke: 'black', strokeWidth: 0.3 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          fill: { field: 'class', type: 'nominal', scale: { range: ['#1f4e99', '#c45a00'] }, title: 'class' },
        },
      },
    ],
  };
}

/** One Adam step (Kingma & Ba 2015) on a one-hidden-layer tanh/softmax MLP with hand-written back-propagation. */
function adamStep(
  net: Mlp64,
  theta: Float64Array,
  m: Float64Array,
  v: Float64Array,
  step: number,
  x: Float64Array,
  y: Float64Array,
  rows: number,
  lr: number,
): void {
  const [d, h, k] = net.sizes as [number, number, number];
  const g = new Float64Array(theta.length);
  const w2 = d * h + h;
  const hid = new Float64Array(h);
  const out = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < h; j++) {
      let s = theta[d * h + j]!;
      for (let i = 0; i < d; i++) s += x[r * d + i]! * theta[i * h + j]!;
      hid[j] = Math.tanh(s);
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = theta[w2 + h * k + c]!;
      for (let j = 0; j < h; j++) s += hid[j]! * theta[w2 + j * k + c]!;
      out[c] = s;
      max = Math.max(max, s);
    }
    let z = 0;
    for (let c = 0; c < k; c++) z += out[c] = Math.exp(out[c]! - max);
    for (let c = 0; c < k; c++) out[c] = (out[c]! / z - y[r * k + c]!) / rows; // ∂CE/∂logits
    for (let j = 0; j < h; j++) {
      let back = 0;
      for (let c = 0; c < k; c++) {
        g[w2 + j * k + c] += hid[j]! * out[c]!;
        back += theta[w2 + j * k + c]! * out[c]!;
      }
      const dz = back * (1 - hid[j]! * hid[j]!);
      g[d * h + j] += dz;
      for (let i = 0; i < d; i++) g[i * h + j] += x[r * d + i]! * dz;
    }
    for (let c = 0; c < k; c++) g[w2 + h * k + c] += out[c]!;
  }
  const b1 = 0.9;
  const b2 = 0.999;
  for (let p = 0; p < theta.length; p++) {
    m[p] = b1 * m[p]! + (1 - b1) * g[p]!;
    v[p] = b2 * v[p]! + (1 - b2) * g[p]! ** 2;
    theta[p] -= (lr * (m[p]! / (1 - b1 ** step))) / (Math.sqrt(v[p]! / (1 - b2 ** step)) + 1e-8);
  }
}

function mse(net: Mlp64, data: FlatLabelledData): number {
  const out = net.forward({ x: Float64Array.from(data.inputs), rows: data.samples, cols: 2 });
  let s = 0;
  for (let i = 0; i < out.length; i++) s += (out[i]! - data.targets[i]!) ** 2;
  return s / out.length;
}

async function moonsRegions(context: DemoContext) {
  const train = twoMoons(400, context.seed);
  const test = twoMoons(1000, context.seed + 1);
  const testBatch = { x: Float64Array.from(test.inputs), rows: test.samples, cols: 2 };
  const smooth = createMlp64({ sizes: [2, 16, 2], activation: 'tanh', output: 'softmax', seed: 3, distribution: 'normal' });
  await createEnKFTrainer({ ensembleSize: 50, epochs: 30, batchSize: 100, noise: 0.1, init: { std: 0.5 }, seed: context.seed }).fit(
    smooth,
    train,
    context.signal ? { signal: context.signal } : {},
  );
  context.progress(0.5, 'tanh network trained');
  const step = createMlp64({ sizes: [2, 32, 2], activation: 'heaviside', output: 'softmax', seed: 3, distribution: 'normal' });
  await createEnKFTrainer({ method: 'hlr', ensembleSize: 50, epochs: 30, batchSize: 100, noise: 0.1, init: { std: 0.5 }, seed: context.seed }).fit(
    step,
    train,
    context.signal ? { signal: context.signal } : {},
  );
  context.progress(1, 'Heaviside network trained');
  const accTanh = classificationAccuracy(smooth.forward(testBatch), test.targets, test.samples);
  const accStep = classificationAccuracy(step.forward(testBatch), test.targets, test.samples);
  return {
    summary: `EKI without gradients: tanh MLP ${(100 * accTanh).toFixed(1)} % and Heaviside MLP ${(100 * accStep).toFixed(1)} % test accuracy on two moons.`,
    figures: [
      {
        name: 'moons-regions-tanh',
        title: 'Two moons: EKI-trained tanh MLP (2-16-2)',
        caption: 'Colour: predicted probability of class B; points: training set.',
        spec: regionsSpec(`tanh MLP, EKI — test accuracy ${(100 * accTanh).toFixed(1)} %`, decisionGrid(smooth), train),
      },
      {
        name: 'moons-regions-heaviside',
        title: 'Two moons: EnKF-trained Heaviside MLP (2-32-2)',
        caption: 'Step activations have zero gradient almost everywhere; the ensemble method trains them anyway. Note the polygonal boundary.',
        spec: regionsSpec(`Heaviside MLP, HLR EnKF — test accuracy ${(100 * accStep).toFixed(1)} %`, decisionGrid(step), train),
      },
    ],
    numbers: { testAccuracyTanh: accTanh, testAccuracyHeaviside: accStep },
  };
}

async function enkfVsAdam(context: DemoContext) {
  const train = twoMoons(400, context.seed);
  const test = twoMoons(1000, context.seed + 1);
  const testBatch = { x: Float64Array.from(test.inputs), rows: test.samples, cols: 2 };
  const rows: { method: string; evaluations: number; metric: string; value: number }[] = [];
  const record = (method: string, evaluations: number, net: Mlp64) => {
    rows.push({ method, evaluations, metric: 'training misfit (MSE)', value: mse(net, train) });
    rows.push({ method, evaluations, metric: 'test accuracy', value: classificationAccuracy(net.forward(testBatch), test.targets, test.samples) });
  };
  const J = 50;
  const enkfNet = createMlp64({ sizes: [2, 16, 2], activation: 'tanh', output: 'softmax', seed: 3, distribution: 'normal' });
  record('EnKF (EKI, J = 50)', 0, enkfNet);
  await createEnKFTrainer({ ensembleSize: J, epochs: 30, batchSize: 100, noise: 0.1, init: { std: 0.5 }, seed: context.seed }).fit(enkfNet, train, {
    observers: [
      {
        name: 'curve',
        on: {
          step: (e) => {
            if (e.step % 4 !== 0) return;
            // The step event carries the ensemble mean; evaluate it, then restore the model.
            const saved = enkfNet.parameters.get();
            enkfNet.parameters.set(e.state as Float64Array);
            record('EnKF (EKI, J = 50)', e.step * J * 100, enkfNet);
            enkfNet.parameters.set(saved);
          },
        },
      },
    ],
  });
  context.progress(0.5, 'EnKF done');
  const adamNet = createMlp64({ sizes: [2, 16, 2], activation: 'tanh', output: 'softmax', seed: 3, distribution: 'normal' });
  const theta = adamNet.parameters.get();
  const m = new Float64Array(theta.length);
  const v = new Float64Array(theta.length);
  const rng = createRandom(context.seed);
  const xb = new Float64Array(200);
  const yb = new Float64Array(200);
  record('Adam (lr 0.01, back-propagation)', 0, adamNet);
  const budget = 30 * J * 400;
  let step = 0;
  for (let evals = 0; evals < budget;) {
    const perm = rng.permutation(400);
    for (let s = 0; s < 400 && evals < budget; s += 100) {
      for (let r = 0; r < 100; r++) {
        const i = perm[s + r]!;
        xb.set([train.inputs[2 * i]!, train.inputs[2 * i + 1]!], 2 * r);
        yb.set([train.targets[2 * i]!, train.targets[2 * i + 1]!], 2 * r);
      }
      adamStep(adamNet, theta, m, v, ++step, xb, yb, 100, 0.01);
      evals += 100;
      if (step % 40 === 0) {
        adamNet.parameters.set(theta);
        record('Adam (lr 0.01, back-propagation)', evals, adamNet);
      }
    }
    if (context.signal?.aborted) break;
  }
  context.progress(1, 'Adam done');
  const last = (method: string) => rows.filter((r) => r.method.startsWith(method) && r.metric === 'test accuracy').at(-1)!.value;
  return {
    summary: `Two moons, same 2-16-2 network and ${budget.toLocaleString('en')} sample evaluations: EnKF ${(100 * last('EnKF')).toFixed(1)} %, Adam ${(100 * last('Adam')).toFixed(1)} % test accuracy.`,
    figures: [
      {
        name: 'enkf-vs-adam-curves',
        title: 'EnKF vs Adam on two moons: misfit and accuracy against forward evaluations',
        caption:
          'x: single-sample forward evaluations (EnKF spends J per sample, Adam one forward + one backward). EnKF converges in far fewer updates; Adam in fewer evaluations.',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          data: { values: rows.filter((r) => r.evaluations > 0) },
          facet: { row: { field: 'metric', type: 'nominal', title: null } },
          resolve: { scale: { y: 'independent' } },
          spec: {
            width: 420,
            height: 180,
            mark: { type: 'line', point: { size: 12 } },
            encoding: {
              x: { field: 'evaluations', type: 'quantitative', scale: { type: 'log' }, title: 'forward evaluations (samples)' },
              y: { field: 'value', type: 'quantitative', scale: { zero: false }, title: null },
              color: { field: 'method', type: 'nominal', title: null },
            },
          },
        },
      },
    ],
    numbers: { enkfTestAccuracy: last('EnKF'), adamTestAccuracy: last('Adam'), forwardEvaluations: budget },
  };
}

/** Demos provided by @phaseflow/enkf: moons decision regions, and EnKF vs Adam learning curves. */
export const demos: readonly Demo[] = [
  {
    name: 'enkf-moons',
    title: 'EnKF: two moons without gradients',
    description: 'Decision regions of a tanh MLP (EKI) and a Heaviside-step MLP (HLR EnKF) trained on two moons by forward passes only.',
    run: moonsRegions,
  },
  {
    name: 'enkf-vs-adam',
    title: 'EnKF vs Adam: misfit and accuracy curves',
    description: 'The same network on two moons trained by ensemble Kalman inversion and by Adam, against the number of forward evaluations.',
    run: enkfVsAdam,
  },
];
