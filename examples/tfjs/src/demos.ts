import * as tf from '@tensorflow/tfjs';
import type { Demo, DemoFigure } from '@phaseflow/core';
import { fitStandardizer, moons, spirals, type ClassificationSet } from '@phaseflow/datasets';
import { useBestBackend, createMlp, createGradientTrainer, evaluate } from '@phaseflow/tfjs';

type Toy = { x: number[][]; y: number[] };

/** A @phaseflow/datasets set as rows and labels (features optionally transformed). */
function toRows(set: ClassificationSet, x: Float64Array = set.x): Toy {
  return { x: Array.from({ length: set.n }, (_, i) => Array.from(x.subarray(i * set.dim, (i + 1) * set.dim))), y: Array.from(set.y) };
}

/** Train and test sets; spirals are standardised with the training statistics (radius 1 is too small a scale for the tanh MLP at Glorot init). */
function moonsTask(n: number, seed: number): { train: Toy; test: Toy } {
  return { train: toRows(moons({ n, noise: 0.1, seed })), test: toRows(moons({ n: 400, noise: 0.1, seed: seed + 1 })) };
}
function spiralsTask(n: number, seed: number): { train: Toy; test: Toy } {
  const train = spirals({ n, classes: 2, turns: 1.5, noise: 0.025, seed });
  const test = spirals({ n: 400, classes: 2, turns: 1.5, noise: 0.025, seed: seed + 1 });
  const scaler = fitStandardizer(train.x, 2);
  return { train: toRows(train, scaler.transform(train.x)), test: toRows(test, scaler.transform(test.x)) };
}

function regionFigure(name: string, title: string, model: tf.LayersModel, test: Toy): DemoFigure {
  const xs = test.x.map((r) => r[0]!);
  const ys = test.x.map((r) => r[1]!);
  const [x0, x1] = [Math.min(...xs) - 0.3, Math.max(...xs) + 0.3];
  const [y0, y1] = [Math.min(...ys) - 0.3, Math.max(...ys) + 0.3];
  const g = 40;
  const grid: number[][] = [];
  for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) grid.push([x0 + ((x1 - x0) * (j + 0.5)) / g, y0 + ((y1 - y0) * (i + 0.5)) / g]);
  const p1 = tf.tidy(() => Array.from((model.predict(tf.tensor2d(grid)) as tf.Tensor).slice([0, 1], [-1, 1]).dataSync()));
  const cells = grid.map(([a, b], k) => ({ x: a, y: b, p: p1[k] }));
  const points = test.x.map(([a, b], k) => ({ x: a, y: b, label: `class ${test.y[k]}` }));
  return {
    name,
    title,
    caption: 'Background: the trained model’s probability of class 1; points: held-out test samples.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 360,
      height: 300,
      layer: [
        {
          data: { values: cells },
          mark: { type: 'rect' },
          encoding: {
            x: { field: 'x', type: 'quantitative', bin: { maxbins: g }, title: 'x₁' },
            y: { field: 'y', type: 'quantitative', bin: { maxbins: g }, title: 'x₂' },
            color: { field: 'p', type: 'quantitative', aggregate: 'mean', scale: { scheme: 'blueorange', domain: [0, 1] }, title: 'P(class 1)' },
          },
        },
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 14, stroke: 'black', strokeWidth: 0.3 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' },
            shape: { field: 'label', type: 'nominal', title: 'label' },
            color: { value: 'white' },
          },
        },
      ],
    },
  };
}

/** Demos provided by @phaseflow/tfjs. */
export const demos: readonly Demo[] = [
  {
    name: 'tfjs-classifier',
    title: 'Gradient Trainer on two moons and spirals',
    description:
      'Trains a small MLP with createGradientTrainer (Adam, seeded minibatches) on two moons and on spirals; shows decision regions and loss curves.',
    async run(context) {
      const backend = await useBestBackend();
      const figures: DemoFigure[] = [];
      const numbers: Record<string, unknown> = { backend: backend.name };
      const curves: { epoch: number; loss: number; task: string }[] = [];
      const tasks = [
        { key: 'moons', data: moonsTask, n: 400, hidden: [16, 16], epochs: 30, lr: 0.02 },
        { key: 'spirals', data: spiralsTask, n: 800, hidden: [32, 32], epochs: 60, lr: 0.02 },
      ];
      for (const [i, task] of tasks.entries()) {
        context.progress(i / tasks.length, `training on ${task.key}`);
        const { train, test } = task.data(task.n, context.seed);
        const model = createMlp({ inputs: 2, hidden: task.hidden, outputs: 2, seed: context.seed });
        const history = await createGradientTrainer({ learningRate: task.lr, epochs: task.epochs, batchSize: 32, seed: context.seed }).fit(model, train, {
          ...(context.signal && { signal: context.signal }),
        });
        history.loss.forEach((loss, epoch) => curves.push({ epoch: epoch + 1, loss, task: task.key }));
        const acc = evaluate(model, test).accuracy!;
        numbers[`${task.key}TestAccuracy`] = acc;
        numbers[`${task.key}MedianEpochMs`] = [...history.epochMs].sort((a, b) => a - b)[history.epochMs.length >> 1];
        figures.push(regionFigure(`${task.key}-regions`, `${task.key}: decision regions (test accuracy ${(100 * acc).toFixed(1)}%)`, model, test));
        model.dispose();
      }
      context.progress(1);
      figures.push({
        name: 'loss',
        title: 'Training loss per epoch',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          width: 360,
          height: 240,
          data: { values: curves },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'epoch', type: 'quantitative' },
            y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'cross-entropy' },
            color: { field: 'task', type: 'nominal' },
          },
        },
      });
      return {
        summary: `MLP + Adam on ${backend.name}: ${(100 * (numbers.moonsTestAccuracy as number)).toFixed(1)}% test accuracy on two moons, ${(100 * (numbers.spiralsTestAccuracy as number)).toFixed(1)}% on spirals.`,
        figures,
        numbers,
      };
    },
  },
];
