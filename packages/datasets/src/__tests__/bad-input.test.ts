/**
 * Bad input over @phaseflow/datasets (issue 13): every export probed at each argument position
 * (valid arguments before the probed one), the methods of the systems and standardizers the
 * factories make, and each option of every generator alone inside an otherwise valid call;
 * each answered with a coded PhaseflowError naming the argument. Sizes that cannot be
 * allocated are refused before allocation (ALLOCATION_TOO_LARGE).
 */
import { createRandom, isPhaseflowError } from '@phaseflow/core';
import * as datasets from '@phaseflow/datasets';
import { harmonicOscillator } from '@phaseflow/problems';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const thrown = (call: () => unknown) => {
  try {
    call();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, argument: e.details.argument } : e;
  }
  return 'returned';
};

const toy = () => datasets.moons({ n: 12, seed: 1 });
const series = () => datasets.lorenz63Series({ n: 20 });
const system = () => datasets.massSpringSystem();

async function probeMain() {
  return probeBadInputs(datasets as unknown as Record<string, unknown>, {
    valid: {
      peaksFunction: [0],
      o5SyntheticTarget: [[1, 0, 0, 0, 0]],
      inertiaTensor: [[2], [1, 0, 0]],
      fromReferenceProblem: [harmonicOscillator()],
      selectRows: [toy()],
      split: [toy()],
      fitStandardizer: [Float64Array.of(1, 2, 3, 4)],
      standardize: [datasets.split(toy(), { seed: 1 })],
      windows: [series()],
      batches: [toy()],
      toLabelledData: [toy()],
      rotateImage: [new Float64Array(16), 4, 0.5],
      spiralOdeField: [Float64Array.of(1, 0)],
      hamiltonianTrajectory: [system()],
      hamiltonianSamples: [system()],
    },
  });
}

async function probeMade() {
  const systems = {
    massSpring: datasets.massSpringSystem(),
    pendulum: datasets.pendulumSystem(),
    doublePendulum: datasets.doublePendulumSystem(),
    kepler: datasets.keplerSystem(),
    henonHeiles: datasets.henonHeilesSystem(),
  };
  const standardizer = datasets.fitStandardizer(Float64Array.of(1, 2, 3, 5), 2);
  const valid: Record<string, unknown[]> = {};
  for (const [k, s] of Object.entries(systems)) valid[`${k}.vectorField`] = [new Float64Array(s.degrees * 2).fill(0.1)];
  return probeBadInputs({ ...systems, standardizer }, { valid });
}

const TOY = ['n', 'noise', 'seed'];
const SERIES = ['n', 'dt', 'substeps', 'transient', 'initial', 'seed'];

async function probeOptions() {
  const small = { n: 8 };
  const module = {
    swissRoll: eachOption([...TOY, 'turns'], (k, v) => datasets.swissRoll({ ...small, [k]: v })),
    peaks: eachOption([...TOY, 'classes'], (k, v) => datasets.peaks({ ...small, [k]: v })),
    ellipses: eachOption([...TOY, 'classes', 'axes', 'rotation'], (k, v) => datasets.ellipses({ n: 9, [k]: v })),
    moons: eachOption(TOY, (k, v) => datasets.moons({ ...small, [k]: v })),
    spirals: eachOption([...TOY, 'classes', 'turns'], (k, v) => datasets.spirals({ ...small, [k]: v })),
    circles: eachOption([...TOY, 'factor'], (k, v) => datasets.circles({ ...small, [k]: v })),
    massSpringSystem: eachOption(['omega'], (k, v) => datasets.massSpringSystem({ [k]: v })),
    doublePendulumSystem: eachOption(['masses', 'lengths', 'gravity'], (k, v) => datasets.doublePendulumSystem({ [k]: v })),
    keplerSystem: eachOption(['e'], (k, v) => datasets.keplerSystem({ [k]: v })),
    fromReferenceProblem: eachOption(['labels', 'initial', 'sampleInitial'], (k, v) => datasets.fromReferenceProblem(harmonicOscillator(), { [k]: v })),
    hamiltonianTrajectory: eachOption(['n', 'dt', 'substeps', 'initial'], (k, v) => datasets.hamiltonianTrajectory(system(), { n: 5, [k]: v })),
    hamiltonianSamples: eachOption(['trajectories', 'points', 'tEnd', 'noise', 'substeps', 'seed', 'sampleInitial'], (k, v) =>
      datasets.hamiltonianSamples(system(), { trajectories: 2, points: 3, [k]: v }),
    ),
    lorenz63Series: eachOption(['sigma', 'rho', 'beta', ...SERIES], (k, v) => datasets.lorenz63Series({ n: 5, transient: 1, [k]: v })),
    lorenz96Series: eachOption(['dim', 'forcing', ...SERIES], (k, v) => datasets.lorenz96Series({ n: 5, transient: 1, [k]: v })),
    mackeyGlassSeries: eachOption(['n', 'tau', 'beta', 'gamma', 'exponent', 'dt', 'substeps', 'transient', 'history'], (k, v) =>
      datasets.mackeyGlassSeries({ n: 5, transient: 1, [k]: v }),
    ),
    narma: eachOption(['n', 'order', 'transient', 'seed'], (k, v) => datasets.narma({ n: 20, transient: 5, [k]: v })),
    spiralOdeData: eachOption(['n', 'tEnd', 'initial'], (k, v) => datasets.spiralOdeData({ n: 5, [k]: v })),
    split: eachOption(['train', 'validation', 'test', 'shuffle', 'seed'], (k, v) => datasets.split(toy(), { [k]: v })),
    standardize: eachOption(['targets'], (k, v) => datasets.standardize(datasets.split(datasets.narma({ n: 20, transient: 5 }), { seed: 1 }), { [k]: v })),
    windows: eachOption(['input', 'horizon', 'stride'], (k, v) => datasets.windows(series(), { [k]: v })),
    batches: eachOption(['size', 'shuffle', 'dropLast', 'seed'], (k, v) => [...datasets.batches(toy(), { size: 4, [k]: v })]),
    toLabelledData: eachOption(['targets'], (k, v) => datasets.toLabelledData(toy(), { [k]: v })),
    o5Synthetic: eachOption(['n', 'seed'], (k, v) => datasets.o5Synthetic({ n: 4, [k]: v })),
    inertia: eachOption(['n', 'masses', 'seed'], (k, v) => datasets.inertia({ n: 4, [k]: v })),
    chargedParticles: eachOption(['samples', 'seed', 'particles', 'dim', 'steps', 'every', 'dt', 'speed', 'locStd', 'interaction', 'box'], (k, v) =>
      datasets.chargedParticles({ samples: 1, steps: 20, every: 10, [k]: v }),
    ),
    chargedParticlesTask: eachOption(['samples', 'inputFrame', 'targetFrame'], (k, v) =>
      datasets.chargedParticlesTask({ samples: 1, inputFrame: 0, targetFrame: 1, [k]: v }),
    ),
    rotatedDigits: eachOption(['count', 'seed', 'rotation', 'size', 'source'], (k, v) => datasets.rotatedDigits({ count: 2, [k]: v })),
  };
  const accepts = {
    'split.shuffle': 'true is a valid boolean',
    'standardize.targets': 'true is a valid boolean (a regression set: its targets are scaled too)',
    'batches.shuffle': 'true is a valid boolean',
    'batches.dropLast': 'true is a valid boolean',
    'fromReferenceProblem.sampleInitial': 'a function of the random source is a valid sampler (the probe passes () => 0 and the sample is checked when drawn)',
    'fromReferenceProblem.labels': 'any two non-empty names are valid labels of a 1-degree system (one sampled value is such a pair of strings)',
  };
  return { r: await probeBadInputs(module, { accepts }), accepts };
}

const main = await probeMain();
const made = await probeMade();
const options = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/datasets: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`the systems and standardizers its factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`every option of every generator and helper: ${formatBadInputCounts(options.r)}`, () => {
    expect(formatBadInputFindings(options.r), formatBadInputCounts(options.r)).toBe('');
    expect(options.r.acceptedAllowed).toBe(Object.keys(options.accepts).length);
  });
  it('refuses sizes that cannot be allocated before allocating', () => {
    expect(thrown(() => datasets.moons({ n: 1e12 }))).toMatchObject({ code: 'ALLOCATION_TOO_LARGE', argument: 'options.n' });
    expect(thrown(() => datasets.lorenz96Series({ n: 1e9, dim: 1e3 }))).toMatchObject({ code: 'ALLOCATION_TOO_LARGE' });
    expect(thrown(() => datasets.narma({ n: 1e12 }))).toMatchObject({ code: 'ALLOCATION_TOO_LARGE', argument: 'options.n' });
    expect(thrown(() => datasets.rotateImage(new Float64Array(4), 2, 0, undefined))).toBe('returned');
  });
  it('no ±Infinity out of finite inputs, and a diverging series names its options', () => {
    expect(thrown(() => datasets.o5SyntheticTarget([1, 0, 0, 0, 0], [1e120, 0, 0, 0, 0]))).toMatchObject({ code: 'NON_FINITE_INPUT', argument: 'x2' });
    expect(thrown(() => datasets.lorenz63Series({ n: 5, transient: 1, sigma: -1e6 }))).toMatchObject({ code: 'NON_FINITE_STATE', argument: 'options' });
    expect(thrown(() => datasets.fitStandardizer(Float64Array.of(1, 2), 1).transform(Float64Array.of(NaN)))).toMatchObject({
      code: 'NON_FINITE_INPUT',
      argument: 'x[0]',
    });
  });
  it('a random source is used, not called with junk', () => {
    expect(datasets.massSpringSystem().sampleInitial(createRandom(1))).toHaveLength(2);
  });
});
