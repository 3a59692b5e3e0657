/**
 * Bad input over the whole public API (issue 13): every export of both entries, the methods
 * of the groups, spaces, integrators and models they make, and the later arguments of the
 * main verbs (a group's second operand and interpolation parameter, an integrator's t, y and
 * h), each answered with a coded PhaseflowError naming the argument.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFinite, createRandom } from '@phaseflow/core';
import * as lie from '@phaseflow/lie';
import * as lieTfjs from '@phaseflow/lie/tfjs';
import { DOPRI5, RK4 } from '@phaseflow/runge-kutta';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

await tf.setBackend('cpu');

const {
  SO2,
  SO3,
  SE2,
  SE3,
  createSO,
  createEuclideanGroup,
  createProductGroup,
  createSphere,
  leftTranslations,
  createLieStateOps,
  freeRigidBody,
  heavyTop,
  precessingRotation,
  rotationAboutAxis,
  createStiefel,
  createCayleyParametrization,
  createExponentialParametrization,
  createHouseholderParametrization,
  createLieResNet,
  createRiemannianTrainer,
  lieMethods,
} = lie;

const rng = createRandom(1);
/** For each group: a valid element (identity) and algebra vector, and valid prefixes for every binary verb. */
function groupPrefixes(name: string, g: lie.LieGroup): Record<string, unknown[]> {
  const e = g.identity();
  const xi = new Float64Array(g.dim).fill(0.1);
  const p = new Float64Array(g.pointDim).fill(0.5);
  return {
    [`${name}.compose`]: [e, e],
    [`${name}.inverse`]: [e],
    [`${name}.exp`]: [xi],
    [`${name}.log`]: [e],
    [`${name}.bracket`]: [xi, xi],
    [`${name}.adjoint`]: [e],
    [`${name}.act`]: [e, p],
    [`${name}.interpolate`]: [e, e, 0.5],
    [`${name}.rightJacobian`]: [xi],
    [`${name}.leftJacobian`]: [xi],
    [`${name}.check`]: ['g', e],
    ...(g.expCompose && { [`${name}.expCompose`]: [xi, e] }),
    ...(g.expAct && { [`${name}.expAct`]: [xi, p] }),
    ...('hat' in g && { [`${name}.hat`]: [xi] }),
  };
}

/** The main entry: every export and every verb of the exported groups. */
async function probeMain() {
  return probeBadInputs(lie as unknown as Record<string, unknown>, {
    skip: {
      isHomogeneousSpace: 'a predicate: false on anything that is not a homogeneous space, true or false is its answer',
    },
    valid: {
      ...groupPrefixes('SO2', SO2),
      ...groupPrefixes('SO3', SO3),
      ...groupPrefixes('SE2', SE2),
      ...groupPrefixes('SE3', SE3),
      createRkmk: [RK4],
      createRkmkPair: [DOPRI5],
      createSphere: [2],
    },
  });
}

/** What the factories make: groups, spaces, state ops, reference problems, integrators, parametrizations, the ResNet, the trainer. */
async function probeMade() {
  const so4 = createSO(4);
  const r3 = createEuclideanGroup(3);
  const product = createProductGroup([SO3, r3]);
  const sphere = createSphere(2);
  const translations = leftTranslations(SO3);
  const ops = createLieStateOps(SO3);
  const body = freeRigidBody();
  const top = heavyTop();
  const precession = precessingRotation();
  const axis = rotationAboutAxis();
  const stiefel = createStiefel({ rows: 4, cols: 2 });
  const x = stiefel.sample(rng);
  const resnet = createLieResNet({ n: 3, depth: 2, hidden: 2, seed: 1 });
  const Y0 = SO3.identity();
  const integrators = Object.fromEntries(Object.entries(lieMethods).map(([k, make]) => [k, (make as () => lie.LieIntegrator)()]));
  const problem = precession.problem;
  const y0 = precession.y0();
  const stepPrefixes = Object.fromEntries(
    Object.keys(integrators).flatMap((k) => [
      [`${k}.step`, [problem, 0, y0, 0.1]],
      [`${k}.advance`, [problem, 0, y0, 0.1, 2]],
      ...(k.startsWith('rkmk') && k.length > 5 ? [[`${k}.adaptive`, [problem, 0, y0, 1]]] : []),
    ]),
  );
  const parametrizations = {
    cayley: createCayleyParametrization({ n: 3 }),
    exponential: createExponentialParametrization({ n: 3 }),
    householder: createHouseholderParametrization({ n: 3 }),
  };
  const module = {
    so4,
    r3,
    product,
    sphere,
    translations,
    ops,
    body,
    top,
    precession,
    axis,
    stiefel,
    resnet,
    trainer: createRiemannianTrainer(),
    ...integrators,
    ...parametrizations,
  };
  const paramPrefixes = Object.fromEntries(
    Object.entries(parametrizations).flatMap(([k, p]) => [[`${k}.backward`, [new Float64Array(p.size).fill(0.1), new Float64Array(9)]]]),
  );
  return probeBadInputs(module, {
    valid: {
      ...groupPrefixes('so4', so4),
      ...groupPrefixes('r3', r3),
      ...groupPrefixes('product', product),
      'sphere.act': [SO3.identity()],
      'sphere.expAct': [Float64Array.of(0.1, 0.2, 0.3)],
      'sphere.distance': [Float64Array.of(0, 0, 1)],
      'sphere.expAt': [Float64Array.of(0, 0, 1)],
      'sphere.logAt': [Float64Array.of(0, 0, 1)],
      'sphere.project': [Float64Array.of(0, 0, 1)],
      'sphere.check': ['y'],
      'translations.act': [Y0],
      'translations.expAct': [Float64Array.of(0.1, 0.2, 0.3)],
      'translations.distance': [Y0],
      'translations.check': ['y'],
      'ops.distance': [Y0],
      'stiefel.project': [x],
      'stiefel.retract': [x, new Float64Array(8), 'qr'],
      'stiefel.check': ['x'],
      'resnet.vjp': [new Float64Array(9).fill(0).map((_, i) => (i % 4 === 0 ? 1 : 0))],
      'resnet.generator': [0, Y0],
      // A model that, like any real one, refuses batches it cannot read.
      'trainer.fit': [{ name: 'm', weights: [{ rows: 4, cols: 2, value: x }], lossAndGradient: (batch: unknown) => 0 * checkFinite('batch', batch) }, [1]],
      'body.exact': [],
      ...stepPrefixes,
      ...paramPrefixes,
    },
  });
}

/** The tfjs entry, the constructors of its layers, and a tensor parametrization's methods (no tensor left behind). */
async function probeTfjs() {
  const before = tf.memory().numTensors;
  const z = tf.ones([2, 4]);
  const bias = tf.zeros([2]);
  const w = tf.eye(2);
  const u = tf.ones([1, 3, 2]);
  const module = {
    ...(lieTfjs as unknown as Record<string, unknown>),
    newOrthogonalDense: (args: never) => new lieTfjs.OrthogonalDense(args),
    newOrthogonalRnn: (args: never) => new lieTfjs.OrthogonalRnn(args),
    newLieResNetBlock: (args: never) => new lieTfjs.LieResNetBlock(args),
    parametrization: lieTfjs.createTensorParametrization({ map: 'cayley', n: 3 }),
  };
  const r = await probeBadInputs(module, {
    valid: { modRelu: [z], recurrence: [w, u, bias], 'parametrization.initial': ['haar'] },
  });
  tf.dispose([z, bias, w, u]);
  return { r, leaked: tf.memory().numTensors - before };
}

/**
 * Every option of the factories, of an adaptive run and of `fit`, probed on its own inside an
 * otherwise valid call. Values of the probe that are valid for an option (a function for a
 * reference solution, `true` for a boolean, [] for no observers) are listed in `accepts` and
 * must be accepted exactly once each.
 */
async function probeOptions() {
  const precession = precessingRotation();
  const rkmk54 = lie.createRkmk54();
  const St = createStiefel({ rows: 3, cols: 2 });
  const x = St.sample(rng);
  const model = { name: 'm', weights: [{ rows: 3, cols: 2, value: x }], lossAndGradient: () => 0 };
  const module = {
    heavyTop: eachOption(['Mgl', 'inertia', 'tilt', 'omega0', 'tEnd'], (k, v) => heavyTop({ [k]: v })),
    freeRigidBody: eachOption(['inertia', 'u0', 'tEnd', 'reference'], (k, v) => freeRigidBody({ [k]: v })),
    rotationAboutAxis: eachOption(['u0', 'tEnd'], (k, v) => rotationAboutAxis({ [k]: v })),
    precessingRotation: eachOption(['a', 'alpha', 'tEnd'], (k, v) => precessingRotation({ [k]: v })),
    adaptive: eachOption(['rtol', 'atol', 'h0', 'minStep', 'maxStep', 'maxSteps', 'beta', 'safety', 'minFactor', 'maxFactor'], (k, v) =>
      rkmk54.adaptive(precession.problem, 0, precession.y0(), 1, { [k]: v }),
    ),
    createRkmk: eachOption(['truncation'], (k, v) => lie.createRkmk(RK4, { [k]: v })),
    createStiefel: eachOption(['rows', 'cols'], (k, v) => createStiefel({ rows: 3, cols: 2, [k]: v })),
    createHouseholderParametrization: eachOption(['n', 'reflections'], (k, v) => createHouseholderParametrization({ n: 3, [k]: v })),
    createLieResNet: eachOption(['n', 'depth', 'hidden', 'finalTime', 'method', 'sharedWeights', 'gain', 'seed', 'tolerance'], (k, v) =>
      createLieResNet({ n: 3, depth: 2, hidden: 2, [k]: v }),
    ),
    createRiemannianTrainer: eachOption(['optimizer', 'retraction', 'learningRate', 'beta1', 'beta2', 'epsilon', 'epochs', 'tolerance'], (k, v) =>
      createRiemannianTrainer({ [k]: v }),
    ),
    sgdTrainer: eachOption(['momentum'], (k, v) => createRiemannianTrainer({ optimizer: 'sgd', [k]: v })),
    fit: eachOption(['observers', 'signal', 'epochs'], (k, v) => createRiemannianTrainer({ epochs: 1 }).fit(model, [1], { [k]: v })),
    createTensorParametrization: eachOption(['map', 'n', 'reflections'], (k, v) => lieTfjs.createTensorParametrization({ map: 'householder', n: 3, [k]: v })),
    OrthogonalDense: eachOption(
      ['units', 'map', 'reflections', 'init', 'activation', 'useBias', 'seed'],
      (k, v) => new lieTfjs.OrthogonalDense({ units: 3, [k]: v }),
    ),
    OrthogonalRnn: eachOption(
      ['units', 'map', 'reflections', 'init', 'activation', 'returnSequences', 'seed'],
      (k, v) => new lieTfjs.OrthogonalRnn({ units: 3, [k]: v }),
    ),
    LieResNetBlock: eachOption(
      ['depth', 'hidden', 'finalTime', 'method', 'sharedWeights', 'gain', 'seed'],
      (k, v) => new lieTfjs.LieResNetBlock({ depth: 2, [k]: v }),
    ),
  };
  const accepts = {
    'freeRigidBody.reference': 'a function of t is a valid reference solution',
    'adaptive.maxStep': 'Infinity is a valid maxStep (no limit)',
    'createLieResNet.sharedWeights': 'true is a valid boolean',
    'fit.observers': '[] is a valid (empty) list of observers',
    'OrthogonalDense.useBias': 'true is a valid boolean',
    'OrthogonalRnn.returnSequences': 'true is a valid boolean',
    'LieResNetBlock.sharedWeights': 'true is a valid boolean',
  };
  return { r: await probeBadInputs(module, { accepts }), accepts };
}

const main = await probeMain();
const made = await probeMade();
const tfjs = await probeTfjs();
const options = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/lie: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`what its factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`@phaseflow/lie/tfjs and its layer constructors: ${formatBadInputCounts(tfjs.r)}`, () => {
    expect(formatBadInputFindings(tfjs.r), formatBadInputCounts(tfjs.r)).toBe('');
    expect(tfjs.leaked).toBe(0);
  });
  it(`every option of the factories, adaptive runs and fit: ${formatBadInputCounts(options.r)}`, () => {
    expect(formatBadInputFindings(options.r), formatBadInputCounts(options.r)).toBe('');
    expect(options.r.acceptedAllowed).toBe(Object.keys(options.accepts).length); // the one valid value each, nothing else
  });
  it('a method name is a non-empty string', () => {
    for (const name of [5, null, '']) expect(() => lie.createRkmk(RK4, { name: name as never })).toThrow(/options\.name/);
  });
});
