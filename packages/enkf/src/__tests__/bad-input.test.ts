/**
 * Bad input over @phaseflow/enkf (issue 13): every export, the trainer's `fit` at each of its
 * arguments, and every option of `createEnKFTrainer`, of `fit` and of the data set probed on
 * its own inside an otherwise valid call, each answered with a coded PhaseflowError naming
 * the argument.
 */
import * as enkf from '@phaseflow/enkf';
import { createMlp64 } from '@phaseflow/nn64';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const { createEnKFTrainer, createMemberPool } = enkf;
const memberModule = new URL('./fixtures/member-model.mjs', import.meta.url);
const mlp = () => createMlp64({ sizes: [2, 3, 1], seed: 1 });
const data = { inputs: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), targets: Float64Array.of(0, 1, 1, 0), samples: 4 };
const small = { ensembleSize: 3, epochs: 1, seed: 1 };

const trainerOptions = [
  'ensembleSize',
  'method',
  'perturbObservations',
  'noise',
  'step',
  'terminateAtUnitTime',
  'epochs',
  'maxIterations',
  'batchSize',
  'init',
  'perturbation',
  'tikhonov',
  'inflation',
  'additiveNoise',
  'nesterov',
  'stop',
  'collapseRatio',
  'seed',
  'input',
  'output',
  'pool',
] as const;
/** One function per option of createEnKFTrainer, and per field of its nested init and stop options. */
const created = {
  ...Object.fromEntries(trainerOptions.map((k) => [k, (v: unknown) => createEnKFTrainer({ ...small, [k]: v })])),
  ...Object.fromEntries(['mean', 'std', 'ensemble'].map((k) => [`init.${k}`, (v: unknown) => createEnKFTrainer({ ...small, init: { [k]: v } })])),
  ...Object.fromEntries(['misfit', 'spread', 'discrepancy'].map((k) => [`stop.${k}`, (v: unknown) => createEnKFTrainer({ ...small, stop: { [k]: v } })])),
};
/** One function per field of fit's data and options, the rest valid (a trainer whose fit runs one tiny iteration). */
const fitted = {
  ...Object.fromEntries(['inputs', 'targets', 'samples'].map((k) => [`data.${k}`, (v: unknown) => createEnKFTrainer(small).fit(mlp(), { ...data, [k]: v })])),
  ...Object.fromEntries(
    ['observers', 'signal', 'validation', 'validateEvery'].map((k) => [
      `fitOptions.${k}`,
      (v: unknown) => createEnKFTrainer(small).fit(mlp(), data, { [k]: v }),
    ]),
  ),
};

// The member pool: its factory's options, and evaluate's job field by field (on the calling
// thread, the fixture's 27-parameter model, outputs of 1 row × 2).
const pool = createMemberPool({ module: memberModule, workers: 0 });
const job = { thetas: new Float64Array(2 * 27), members: 2, batch: { x: new Float64Array(2), rows: 1, cols: 2 }, outputs: 2 };
const pooled = await probeBadInputs(
  {
    pool,
    createMemberPool: eachOption(['module', 'export', 'workers'], (k, v) => createMemberPool({ module: memberModule, workers: 0, [k]: v } as never)),
    evaluate: eachOption(['thetas', 'members', 'batch', 'outputs', 'between'], (k, v) => pool.evaluate({ ...job, [k]: v } as never)),
  },
  {
    accepts: {
      'createMemberPool.export': 'any non-empty string names an export (ES modules may export any string name); it is looked up when the pool first evaluates',
      'evaluate.between': "a function is a valid between (the probe's `() => 0`)",
    },
  },
);

const main = await probeBadInputs(enkf as unknown as Record<string, unknown>, {
  valid: { classificationAccuracy: [Float64Array.of(0.9, 0.1), Float64Array.of(1, 0)] },
});
const trainer = await probeBadInputs({ trainer: createEnKFTrainer(small) }, { valid: { 'trainer.fit': [mlp(), data] } });
// Values of the probe that are valid for these options: a function for input and output, `true`
// for the booleans, [] (no observers) for observers. Each must be accepted exactly once.
const validProbeValues = {
  'created.input': 'a function is a valid input converter',
  'created.output': 'a function is a valid output reader',
  'created.perturbObservations': 'true is a valid boolean',
  'created.terminateAtUnitTime': 'true is a valid boolean',
  'created.nesterov': 'true is a valid boolean',
  'fitted.fitOptions.observers': '[] is a valid (empty) list of observers',
};
const perOption = await probeBadInputs({ created, fitted }, { accepts: validProbeValues });

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/enkf: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`the trainer's fit(model, data, options): ${formatBadInputCounts(trainer)}`, () => {
    expect(formatBadInputFindings(trainer), formatBadInputCounts(trainer)).toBe('');
  });
  it(`the member pool, its options and evaluate's job: ${formatBadInputCounts(pooled)}`, () => {
    expect(formatBadInputFindings(pooled), formatBadInputCounts(pooled)).toBe('');
    // createMemberPool.export accepts four strings ('not-a-valid-value' and three sampled ones), evaluate.between one function.
    expect(pooled.acceptedAllowed).toBe(5);
  });
  it(`each option of createEnKFTrainer, fit and the data: ${formatBadInputCounts(perOption)}`, () => {
    expect(formatBadInputFindings(perOption), formatBadInputCounts(perOption)).toBe('');
    expect(perOption.acceptedAllowed).toBe(Object.keys(validProbeValues).length); // the one valid value each, nothing else
  });
});
