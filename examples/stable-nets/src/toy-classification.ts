/**
 * The papers' toy experiments in one call: a seeded data set from @phaseflow/datasets, a
 * stable network, @phaseflow/nn64/tfjs's engine Trainer (nn64's float32 engine by default),
 * test accuracy and timings — what the stable-nets bench,
 * the demos and the README numbers run.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOneOf, checkOptions, checkPositive, invalid } from '@phaseflow/core';
import { peaks, split, standardize, swissRoll, type ClassificationSet } from '@phaseflow/datasets';
import type { EngineChoice } from '@phaseflow/nn64';
import { createEngineTrainer, type EngineHistory } from '@phaseflow/nn64/tfjs';
import { evaluate } from '@phaseflow/tfjs';
import { createStableNetwork, prolongModel, regularizedCrossEntropy, type StableBlockKind, type TimeRegularizerOptions } from '@phaseflow/stable-nets';

/** Options of {@link runToyClassification}. */
export interface ToyClassificationOptions {
  /** `swiss-roll` (2 classes, two turns) or `peaks` (5 classes). */
  readonly data: 'swiss-roll' | 'peaks';
  /** Block kind (default `hamiltonian`). */
  readonly block?: StableBlockKind;
  /** Points in the set, split 80/20 into train/test (default 1024). */
  readonly n?: number;
  readonly width?: number;
  readonly depth?: number;
  /** Final time of the block's flow (default 4). */
  readonly finalTime?: number;
  /** Adam learning rate (default 0.02). */
  readonly learningRate?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Seed of the data, the weights and the shuffles (default 1). */
  readonly seed?: number;
  /** Also measure test accuracy right after prolonging the trained net to 2N steps (default false). */
  readonly prolong?: boolean;
  /** With `prolong`: train the prolonged net this many more epochs (η/4), measuring test accuracy after each (default 0). */
  readonly fineTuneEpochs?: number;
  /** Time regularisation of the block's weights (default none); see {@link regularizedCrossEntropy}. */
  readonly regularization?: TimeRegularizerOptions;
  /** Keep the trained model and the standardised test set in the result (the caller disposes the model). */
  readonly keepModel?: boolean;
  /** The network's engine (default `auto`: nn64's float32 engine; a regularised loss, a function, runs on tfjs). */
  readonly engine?: EngineChoice;
}

/** What {@link runToyClassification} measured. */
export interface ToyClassificationResult {
  readonly data: string;
  readonly block: StableBlockKind;
  readonly width: number;
  readonly depth: number;
  readonly finalTime: number;
  readonly optimizer: string;
  readonly learningRate: number;
  readonly regularization?: TimeRegularizerOptions;
  readonly epochs: number;
  readonly batchSize: number;
  readonly nTrain: number;
  readonly nTest: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  /** Test accuracy of the prolonged (2N-step) network, before any further training. */
  readonly prolongedTestAccuracy?: number;
  /** Test accuracy of the prolonged network after each fine-tuning epoch. */
  readonly fineTunedTestAccuracy?: number[];
  /** Wall time of the training in ms, and the mean epoch time. */
  readonly trainMs: number;
  readonly meanEpochMs: number;
  readonly backend: string;
  /** The engine that trained it, and why (see @phaseflow/nn64/tfjs's createEngineTrainer). */
  readonly engine: 'nn64' | 'tfjs';
  readonly engineReason: string;
  readonly history: EngineHistory;
  readonly model?: tf.Sequential;
  readonly test?: ClassificationSet;
}

/**
 * Train a stable network on Swiss roll or peaks (Haber & Ruthotto 2018, §4) and report test
 * accuracy and timings. Inputs are standardised with the training split's mean and scale.
 *
 * @example
 * ```ts
 * const r = await runToyClassification({ data: 'swiss-roll', block: 'hamiltonian', width: 8, depth: 16, finalTime: 4, epochs: 60 });
 * r.testAccuracy; // ≥ 0.98
 * ```
 */
export async function runToyClassification(options: ToyClassificationOptions): Promise<ToyClassificationResult> {
  if (options === null || typeof options !== 'object') invalid('options', 'an options object', options);
  const o = checkOptions('options', options, [
    'data',
    'block',
    'n',
    'width',
    'depth',
    'finalTime',
    'learningRate',
    'epochs',
    'batchSize',
    'seed',
    'prolong',
    'fineTuneEpochs',
    'keepModel',
    'regularization',
    'engine',
  ]);
  const data = checkOneOf('options.data', o.data, ['swiss-roll', 'peaks'] as const);
  const block = (o.block ?? 'hamiltonian') as StableBlockKind;
  const n = o.n === undefined ? 1024 : checkInteger('options.n', o.n, { min: 20 });
  const width = o.width === undefined ? 8 : checkInteger('options.width', o.width, { min: 1 });
  const depth = o.depth === undefined ? 16 : checkInteger('options.depth', o.depth, { min: 1 });
  const finalTime = o.finalTime === undefined ? 4 : checkPositive('options.finalTime', o.finalTime);
  const learningRate = o.learningRate === undefined ? 0.02 : checkPositive('options.learningRate', o.learningRate);
  const epochs = o.epochs === undefined ? 60 : checkInteger('options.epochs', o.epochs, { min: 1 });
  const batchSize = o.batchSize === undefined ? 64 : checkInteger('options.batchSize', o.batchSize, { min: 1 });
  const seed = o.seed === undefined ? 1 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 31 });
  const fineTuneEpochs = o.fineTuneEpochs === undefined ? 0 : checkInteger('options.fineTuneEpochs', o.fineTuneEpochs, { min: 0 });
  if (fineTuneEpochs > 0 && o.prolong !== true) invalid('options.fineTuneEpochs', 'nothing unless options.prolong is true', o.fineTuneEpochs);
  const set = data === 'swiss-roll' ? swissRoll({ n, seed }) : peaks({ n, seed });
  const { train, test } = standardize(split(set, { train: 0.8, validation: 0, seed: seed + 1 }));
  const toX = (s: ClassificationSet) => tf.tensor2d(Float32Array.from(s.x), [s.n, s.dim]);
  const model = createStableNetwork({
    inputs: set.dim,
    classes: set.classes,
    block,
    width,
    depth,
    finalTime,
    seed,
    ...(o.engine !== undefined && { engine: o.engine }),
  });
  const xTrain = toX(train);
  const xTest = toX(test);
  try {
    const loss = o.regularization === undefined ? 'sparse-categorical-crossentropy' : regularizedCrossEntropy(model, o.regularization);
    const trainer = createEngineTrainer({ optimizer: 'adam', learningRate, epochs, batchSize, seed, loss });
    const started = performance.now();
    const history = await trainer.fit(model, { inputs: xTrain, targets: train.y });
    const trainMs = performance.now() - started;
    const testAccuracy = evaluate(model, { inputs: xTest, targets: test.y }).accuracy!;
    const trainAccuracy = evaluate(model, { inputs: xTrain, targets: train.y }).accuracy!;
    let prolongedTestAccuracy: number | undefined;
    const fineTunedTestAccuracy: number[] = [];
    if (o.prolong === true) {
      const fine = prolongModel(model);
      try {
        prolongedTestAccuracy = evaluate(fine, { inputs: xTest, targets: test.y }).accuracy!;
        for (let e = 0; e < fineTuneEpochs; e++) {
          const fineLoss = o.regularization === undefined ? 'sparse-categorical-crossentropy' : regularizedCrossEntropy(fine, o.regularization);
          const tuner = createEngineTrainer({
            optimizer: 'adam',
            learningRate: learningRate / 4,
            epochs: 1,
            batchSize,
            seed: seed + 100 + e,
            loss: fineLoss,
          });
          await tuner.fit(fine, { inputs: xTrain, targets: train.y });
          fineTunedTestAccuracy.push(evaluate(fine, { inputs: xTest, targets: test.y }).accuracy!);
        }
      } finally {
        fine.dispose();
      }
    }
    return {
      data,
      block,
      width,
      depth,
      finalTime,
      optimizer: 'adam',
      learningRate,
      ...(o.regularization !== undefined && { regularization: o.regularization }),
      epochs,
      batchSize,
      nTrain: train.n,
      nTest: test.n,
      trainAccuracy,
      testAccuracy,
      ...(prolongedTestAccuracy !== undefined && { prolongedTestAccuracy }),
      ...(fineTuneEpochs > 0 && { fineTunedTestAccuracy }),
      trainMs,
      meanEpochMs: history.epochMs.reduce((a, b) => a + b, 0) / history.epochMs.length,
      backend: history.backend,
      engine: history.engine,
      engineReason: history.engineReason,
      history,
      ...(o.keepModel === true && { model, test }),
    };
  } finally {
    tf.dispose([xTrain, xTest]);
    if (o.keepModel !== true) model.dispose();
  }
}
