/**
 * Bad input over @phaseflow/reservoir (issue 13): every export of the package's one entry, the
 * later arguments of its verbs (series and their column counts, metric predictions and options,
 * positional sizes), what the factories make (a reservoir, a readout and its view, a ridge
 * accumulator, fitted ESN and NVAR models and their views, the three readout trainers, a trial
 * pool), and each option of the factories and verbs alone inside an otherwise valid call, each
 * answered with a coded PhaseflowError naming the argument.
 */
import { createRandom, isPhaseflowError } from '@phaseflow/core';
import * as reservoir from '@phaseflow/reservoir';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const { createEsn, createNvar, createReadout, createReservoir, createRidge, createRidgeAccumulator, createRls, createLms, createTrialPool, matrix } = reservoir;

const T = 40;
const wave = Float64Array.from({ length: T + 1 }, (_, t) => Math.sin(0.3 * t));
const u = matrix(T, 1, wave.slice(0, T));
const y = matrix(T, 1, wave.slice(1));
const data = { inputs: u, targets: y };
const trialModule = new URL('./fixtures/trial-objective.mjs', import.meta.url);

async function fittedEsn() {
  const esn = createEsn({ reservoir: { units: 6, inputDim: 1, seed: 1 } });
  await esn.fit(u, y, { trainer: createRidge({ ridge: 1e-6, threads: 1 }) });
  return esn;
}
async function fittedNvar() {
  const nvar = createNvar({ inputDim: 1, delay: 2, order: 2 });
  await nvar.fit(u, y, { trainer: createRidge({ ridge: 1e-6, threads: 1 }) });
  return nvar;
}

/** The package entry, with valid prefixes reaching the later arguments of its verbs. */
async function probeMain() {
  const esn = await fittedEsn();
  return probeBadInputs(reservoir as unknown as Record<string, unknown>, {
    accepts: { toRandom: 'its first argument is the name errors give: any non-empty string is one' },
    valid: {
      matrix: [2, 1],
      toMatrix: ['x', [[1], [2]]],
      toMatrixList: ['x', [[1], [2]]],
      toRandom: ['seed'],
      randomVector: [3],
      createReadout: [3],
      createRidgeAccumulator: [3],
      rmse: [[1, 2, 3]],
      nrmse: [
        [1, 2, 3],
        [1, 2, 3],
      ],
      rsquare: [[1, 2, 3]],
      validPredictionTime: [
        [1, 2, 3],
        [1, 2, 3],
      ],
      ridgeSweep: [esn],
    },
  });
}

/** What the factories make: a reservoir, a readout, an accumulator, fitted models, the trainers, a trial pool. */
async function probeMade() {
  const res = createReservoir({ units: 5, inputDim: 1, seed: 1 });
  const withFeedback = createReservoir({ units: 5, inputDim: 1, feedbackDim: 1, seed: 1 });
  const readout = createReadout({ inputDim: 3, outputDim: 1 });
  const acc = createRidgeAccumulator({ inputDim: 3, outputDim: 1, threads: 1 });
  const esn = await fittedEsn();
  const nvar = await fittedNvar();
  const ridge = createRidge({ threads: 1 });
  const rls = createRls();
  const lms = createLms();
  const pool = createTrialPool({ module: trialModule, workers: 0 });
  const x3 = Float64Array.of(0.1, 0.2, 0.3);
  const y1 = Float64Array.of(0.5);
  const visit = () => undefined;
  const module = {
    res,
    withFeedback,
    readout,
    readoutParameters: readout.parameters,
    acc,
    esn,
    esnParameters: esn.parameters,
    nvar,
    nvarParameters: nvar.parameters,
    ridge,
    rls,
    lms,
    pool,
  };
  const r = await probeBadInputs(module, {
    accepts: {
      'esn.stream': "the visitor is any function (the probe's `() => 0` is one)",
      'nvar.stream': "the visitor is any function (the probe's `() => 0` is one)",
      'pool.run': '[] is a valid (empty) list of jobs',
    },
    skip: {
      'readout.apply': 'documented unchecked: the per-step kernel of the trainers and models, called with arrays they validated',
      'res.advance': '@internal per-step kernel of the models, called with arrays they validated',
      'res.parallel': '@internal scheduler of the models (runs their own closure)',
      'withFeedback.advance': '@internal per-step kernel of the models, called with arrays they validated',
      'withFeedback.parallel': '@internal scheduler of the models (runs their own closure)',
    },
    valid: {
      'res.step': [[0.1]],
      'res.run': [[[0.1], [0.2]]],
      'withFeedback.step': [[0.1]],
      'withFeedback.run': [[[0.1], [0.2]]],
      'acc.add': [x3, 0, y1],
      'acc.solve': [1e-6],
      'esn.fit': [u, y],
      'esn.generate': [3],
      'esn.stream': [u, y, 0, visit, 0],
      'nvar.fit': [u, y],
      'nvar.generate': [3],
      'nvar.stream': [u, y, 0, visit, 0],
      'ridge.fit': [esn, data],
      'rls.fit': [esn, data],
      'lms.fit': [esn, data],
    },
  });
  await pool.close();
  return r;
}

/**
 * Every option of the factories and verbs, probed on its own inside an otherwise valid call.
 * Values of the probe that are valid for an option are listed in `accepts` and must be
 * accepted exactly once each (or as many times as the reason says).
 */
async function probeOptions() {
  const esn = await fittedEsn();
  const nvar = await fittedNvar();
  const res = createReservoir({ units: 5, inputDim: 1, seed: 1 });
  const RESERVOIR = [
    'units',
    'inputDim',
    'leakRate',
    'spectralRadius',
    'connectivity',
    'distribution',
    'inputScaling',
    'inputConnectivity',
    'inputDistribution',
    'biasScaling',
    'biasDistribution',
    'biasConnectivity',
    'feedbackDim',
    'feedbackScaling',
    'feedbackConnectivity',
    'noise',
    'W',
    'Win',
    'Wfb',
    'bias',
    'seed',
    'threads',
  ];
  const module = {
    createReservoir: eachOption(RESERVOIR, (k, v) => createReservoir({ units: 5, inputDim: 1, ...(k === 'Wfb' && { feedbackDim: 1 }), [k]: v } as never)),
    randomSparse: eachOption(['rows', 'cols', 'connectivity', 'distribution', 'scale', 'seed', 'kernel'], (k, v) =>
      reservoir.randomSparse({ rows: 3, cols: 3, [k]: v } as never),
    ),
    randomVector: eachOption(['distribution', 'scale', 'connectivity', 'seed'], (k, v) => reservoir.randomVector(3, { [k]: v } as never)),
    createReadout: eachOption(['inputDim', 'outputDim'], (k, v) => createReadout({ inputDim: 3, outputDim: 1, [k]: v } as never)),
    createRidgeAccumulator: eachOption(['inputDim', 'outputDim', 'threads', 'samples'], (k, v) =>
      createRidgeAccumulator({ inputDim: 3, outputDim: 1, [k]: v } as never),
    ),
    createRidge: eachOption(['ridge', 'warmup', 'threads'], (k, v) => createRidge({ [k]: v } as never)),
    createRls: eachOption(['alpha', 'forgetting', 'warmup'], (k, v) => createRls({ [k]: v } as never)),
    createLms: eachOption(['learningRate', 'warmup'], (k, v) => createLms({ [k]: v } as never)),
    createEsn: eachOption(['reservoir', 'reservoirs', 'outputDim', 'inputToReadout'], (k, v) =>
      createEsn({ ...(k !== 'reservoirs' && { reservoir: { units: 5, inputDim: 1 } }), [k]: v } as never),
    ),
    createNvar: eachOption(['inputDim', 'delay', 'order', 'strides', 'outputDim', 'residual'], (k, v) => createNvar({ inputDim: 1, [k]: v } as never)),
    esnFit: eachOption(['trainer', 'observers', 'signal'], (k, v) => esn.fit(u, y, { [k]: v } as never)),
    nvarFit: eachOption(['trainer', 'observers', 'signal'], (k, v) => nvar.fit(u, y, { [k]: v } as never)),
    ridgeFit: eachOption(['observers', 'signal'], (k, v) => createRidge({ threads: 1 }).fit(esn, data, { [k]: v } as never)),
    fitData: eachOption(['inputs', 'targets', 'samples'], (k, v) => createRidge({ threads: 1 }).fit(esn, { ...data, [k]: v } as never)),
    esnGenerate: eachOption(['initial'], (k, v) => esn.generate(2, { [k]: v } as never)),
    nvarGenerate: eachOption(['initial'], (k, v) => nvar.generate(2, { [k]: v } as never)),
    reservoirRun: eachOption(['feedback', 'out', 'keep'], (k, v) => res.run([[0.1], [0.2]], { [k]: v } as never)),
    nrmse: eachOption(['norm'], (k, v) => reservoir.nrmse([1, 2, 3], [1, 2, 3], { [k]: v } as never)),
    validPredictionTime: eachOption(['dt', 'lyapunovExponent', 'threshold', 'scale'], (k, v) =>
      reservoir.validPredictionTime([1, 2, 3], [1, 2, 3], { dt: 0.1, lyapunovExponent: 1, [k]: v } as never),
    ),
    ridgeSweep: eachOption(['train', 'validation', 'ridges', 'warmup', 'score'], (k, v) =>
      reservoir.ridgeSweep(esn, { train: data, validation: data, ridges: [1e-6], [k]: v } as never),
    ),
    randomSearch: eachOption(['space', 'trials', 'seed', 'objective', 'workers'], (k, v) =>
      reservoir.randomSearch({ space: { a: [1, 2] }, trials: 2, objective: () => 1, [k]: v } as never),
    ),
    createTrialPool: eachOption(['module', 'export', 'workers'], (k, v) => createTrialPool({ module: trialModule, workers: 0, [k]: v } as never)),
  };
  const accepts = {
    'createEsn.inputToReadout': 'true is a valid boolean',
    'createNvar.residual': 'true is a valid boolean (outputDim = inputDim here)',
    'esnFit.observers': '[] is a valid (empty) list of observers',
    'nvarFit.observers': '[] is a valid (empty) list of observers',
    'ridgeFit.observers': '[] is a valid (empty) list of observers',
    'ridgeSweep.score': "a function is a valid score (the probe's `() => 0` scores every ridge 0)",
    'randomSearch.objective': "a function is a valid objective (the probe's `() => 0`)",
    'createTrialPool.export': 'any non-empty string names an export (ES modules may export any string name); it is looked up when the pool first runs',
  };
  // createTrialPool.export accepts four strings ('not-a-valid-value' and three sampled ones), every other entry one value.
  return { r: await probeBadInputs(module, { accepts }), expectedAccepted: Object.keys(accepts).length + 3 };
}

const main = await probeMain();
const made = await probeMade();
const options = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/reservoir: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`what its factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`each option alone: ${formatBadInputCounts(options.r)}`, () => {
    expect(formatBadInputFindings(options.r), formatBadInputCounts(options.r)).toBe('');
    expect(options.r.acceptedAllowed).toBe(options.expectedAccepted);
  });
});

const coded = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, argument: e.details.argument } : e;
  }
  return 'returned';
};

describe('the named cases of issue 13', () => {
  it('createNvar refuses a feature count it cannot hold before generating a monomial (ALLOCATION_TOO_LARGE naming the option)', () => {
    const started = performance.now();
    expect(coded(() => createNvar({ inputDim: 1e9, delay: 2, order: 2 }))).toEqual({ code: 'ALLOCATION_TOO_LARGE', argument: 'options.inputDim' });
    expect(coded(() => createNvar({ inputDim: 3, delay: 200, order: 3 }))).toEqual({ code: 'ALLOCATION_TOO_LARGE', argument: 'options.delay' });
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("loadModel holds a file to the constructors' rules: an ESN edited to leakRate 7 is refused naming the field", () => {
    const json = JSON.parse(JSON.stringify(reservoir.saveModel(createEsn({ reservoir: { units: 4, inputDim: 1, seed: 1, leakRate: 0.5 } })))) as {
      reservoirs: Record<string, unknown>[];
      inputToReadout: unknown;
    };
    json.reservoirs[0]!['leakRate'] = 7;
    expect(coded(() => reservoir.loadModel(json))).toEqual({ code: 'INVALID_MODEL_FILE', argument: 'json.reservoirs[0].leakRate' });
    json.reservoirs[0]!['leakRate'] = 0.5;
    json.inputToReadout = 'yes';
    expect(coded(() => reservoir.loadModel(json))).toEqual({ code: 'INVALID_MODEL_FILE', argument: 'json.inputToReadout' });
  });

  it('metrics on degenerate data are coded errors naming the truth, never ±Infinity', () => {
    expect(coded(() => reservoir.nrmse([2, 2, 2], [1, 2, 3]))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'truth' });
    expect(coded(() => reservoir.rsquare([5, 5], [4, 6]))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'truth' });
  });

  it('random sources: a seed or a Random, nothing else', () => {
    expect(reservoir.toRandom('seed', createRandom(3)).seed).toBe(3);
    expect(coded(() => reservoir.toRandom('options.seed', null as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'options.seed' });
  });
});
