/**
 * Bad input over @phaseflow/equivariant (issue 13): every export of the package's one entry
 * (the tfjs layer classes through their constructors), the later arguments of the main verbs
 * (a group action's element and batch, expandKernel's sizes, permuteRows' data and width,
 * planarConv's kernel and padding), what the factories make (the Float64 layers, their
 * parametric views and equivariance contracts, the groups, the tfjs layers' forward pass,
 * parameters and contracts), and each option of the factories and layer constructors alone,
 * each answered with a coded PhaseflowError naming the argument — and no tensor left alive
 * by any of those calls, failed or not.
 */
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import * as eq from '@phaseflow/equivariant';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

await tf.setBackend('cpu');

const live = () => tf.memory().numTensors;
const {
  createLiftingConv64,
  createGroupConv64,
  createGroupPool64,
  createGroupBatchNorm64,
  createDeepSets64,
  createSetPool64,
  createEgnn64,
  symmetricGroup,
  euclideanGroup,
  packPointClouds,
  PhaseflowLiftingConv,
  PhaseflowGroupConv,
  PhaseflowGroupPool,
  PhaseflowGroupBatchNorm,
  PhaseflowDeepSets,
  PhaseflowSetPool,
  PhaseflowEgnn,
} = eq;

const rng = createRandom(1);
/** Dispose a layer's weights (tfjs' own dispose refuses a layer that was built but never applied). */
const release = (layer: tf.layers.Layer) => {
  for (const w of layer.weights) w.dispose();
};
const cloud = packPointClouds({ n: 3, dim: 2, x: [0, 0, 1, 0, 0, 1], h: [1, 2, 3] });

/** The package entry, with valid prefixes reaching the later arguments of its verbs. */
async function probeMain() {
  const before = live();
  const x4 = tf.ones([1, 3, 3, 1]) as tf.Tensor4D;
  const w4 = tf.ones([3, 3, 1, 2]) as tf.Tensor4D;
  const pool = new PhaseflowGroupPool({ group: 'C4' });
  const module = {
    ...(eq as unknown as Record<string, unknown>),
    newPhaseflowLiftingConv: (args: never) => new PhaseflowLiftingConv(args),
    newPhaseflowGroupConv: (args: never) => new PhaseflowGroupConv(args),
    newPhaseflowGroupPool: (args: never) => new PhaseflowGroupPool(args),
    newPhaseflowGroupBatchNorm: (args: never) => new PhaseflowGroupBatchNorm(args),
    newPhaseflowDeepSets: (args: never) => new PhaseflowDeepSets(args),
    newPhaseflowSetPool: (args: never) => new PhaseflowSetPool(args),
    newPhaseflowEgnn: (args: never) => new PhaseflowEgnn(args),
  };
  const r = await probeBadInputs(module, {
    valid: {
      'C4.compose': [0],
      'D4.compose': [0],
      transformImages: ['C4', 1],
      transformGroupFeatures: ['D4', 1],
      expandKernel: ['C4', 'lifting', new Float64Array(18), 3, 1],
      tensorMap: [pool],
      permuteRows: [[1, 0], new Float64Array(4)],
      nodeWidth: [cloud.layout],
      unpackPointClouds: [{ data: cloud.data, shape: cloud.shape }],
      planarConv: [x4, w4],
    },
  });
  tf.dispose([x4, w4]);
  release(pool);
  return { r, leaked: live() - before };
}

/** A tfjs layer's public verbs as a plain object (class instances are not probed by name). */
function layerVerbs(
  layer:
    | eq.PhaseflowLiftingConv
    | eq.PhaseflowGroupConv
    | eq.PhaseflowGroupPool
    | eq.PhaseflowGroupBatchNorm
    | eq.PhaseflowDeepSets
    | eq.PhaseflowSetPool
    | eq.PhaseflowEgnn,
) {
  const view = layer.parameters;
  return {
    forward: (x: never) => layer.forward(x),
    equivariance: (o: never) => layer.equivariance(o),
    computeOutputShape: (s: never) => layer.computeOutputShape(s),
    parametersGet: (out: never) => view.get(out),
    parametersSet: (theta: never) => view.set(theta),
  };
}

/** What the factories make: Float64 layers and their views and contracts, groups, the tensor map, built tfjs layers. */
async function probeMade() {
  const lift = createLiftingConv64({ group: 'C4', inChannels: 1, outChannels: 2, seed: 1 });
  const conv = createGroupConv64({ group: 'C4', inChannels: 1, outChannels: 1, seed: 1 });
  const pool = createGroupPool64({ group: 'C4' });
  const bn = createGroupBatchNorm64({ group: 'C4', channels: 1 });
  const deep = createDeepSets64({ inputs: 3, outputs: 2, seed: 1 });
  const setPool = createSetPool64();
  const egnn = createEgnn64({ dim: 2, features: 1, hidden: 4, seed: 1 });
  const S3 = symmetricGroup(3);
  const E2 = euclideanGroup(2);
  const g = E2.sample(rng);
  const liftContract = lift.equivariance({ size: 3 });
  const egnnContract = egnn.equivariance({ n: 3 });
  const setContract = deep.equivariance({ n: 2 });

  const before = live();
  const tfLift = new PhaseflowLiftingConv({ group: 'C4', filters: 1, seed: 1 });
  const tfConv = new PhaseflowGroupConv({ group: 'C4', filters: 1, seed: 1 });
  const tfPool = new PhaseflowGroupPool({ group: 'C4' });
  const tfBn = new PhaseflowGroupBatchNorm({ group: 'C4' });
  const tfDeep = new PhaseflowDeepSets({ units: 2, seed: 1 });
  const tfSetPool = new PhaseflowSetPool();
  const tfEgnn = new PhaseflowEgnn({ dim: 2, features: 1, hidden: 4, seed: 1 });
  tf.tidy(() => {
    tfLift.forward(tf.ones([1, 3, 3, 1]));
    tfConv.forward(tf.ones([1, 3, 3, 4]));
    tfPool.forward(tf.ones([1, 3, 3, 4]));
    tfBn.forward(tf.ones([1, 3, 3, 4]));
    tfDeep.forward(tf.ones([1, 2, 3]));
    tfSetPool.forward(tf.ones([1, 2, 3]));
    tfEgnn.forward(tf.tensor(Float32Array.from(cloud.data), [...cloud.shape]));
  });
  const mapped = eq.tensorMap(tfPool, [1, 3, 3, 4]);
  const built = live();
  const module = {
    lift,
    liftParameters: lift.parameters,
    liftContract,
    conv,
    convParameters: conv.parameters,
    pool,
    bn,
    bnParameters: bn.parameters,
    deep,
    deepParameters: deep.parameters,
    setContract,
    setPool,
    egnn,
    egnnParameters: egnn.parameters,
    egnnContract,
    S3,
    E2,
    mapped,
    tfLift: layerVerbs(tfLift),
    tfConv: layerVerbs(tfConv),
    tfPool: layerVerbs(tfPool),
    tfBn: layerVerbs(tfBn),
    tfDeep: layerVerbs(tfDeep),
    tfSetPool: layerVerbs(tfSetPool),
    tfEgnn: { ...layerVerbs(tfEgnn), permutationEquivariance: (o: never) => tfEgnn.permutationEquivariance(o) },
  };
  const r = await probeBadInputs(module, {
    valid: {
      'S3.compose': [[0, 1, 2]],
      'E2.act': [g],
      'E2.rotate': [g],
      'liftContract.actOnInput': [0],
      'liftContract.actOnOutput': [0],
      'egnnContract.actOnInput': [g],
      'egnnContract.actOnOutput': [g],
      'setContract.actOnInput': [[1, 0]],
      'setContract.actOnOutput': [[1, 0]],
    },
  });
  const leaked = live() - built;
  for (const layer of [tfLift, tfConv, tfPool, tfBn, tfDeep, tfSetPool, tfEgnn]) release(layer);
  return { r, leaked, afterDispose: live() - before };
}

/** A tf layer made with one option bad (unbuilt: it holds no tensor). */
const made = (layer: tf.layers.Layer) => layer;

/**
 * Every option of the factories, the layer constructors and the equivariance checks, probed on
 * its own inside an otherwise valid call. Values of the probe that are valid for an option
 * (`true` for a boolean) are listed in `accepts`.
 */
async function probeOptions() {
  const lift = createLiftingConv64({ group: 'C4', inChannels: 1, outChannels: 1 });
  const pool = createGroupPool64({ group: 'C4' });
  const bn = createGroupBatchNorm64({ group: 'C4', channels: 1 });
  const deep = createDeepSets64({ inputs: 3, outputs: 2 });
  const setPool = createSetPool64();
  const egnn = createEgnn64({ dim: 2, features: 1, hidden: 4 });
  const before = live();
  const tfLift = new PhaseflowLiftingConv({ group: 'C4', filters: 1 });
  const tfPool = new PhaseflowGroupPool({ group: 'C4' });
  const tfBn = new PhaseflowGroupBatchNorm({ group: 'C4' });
  const tfDeep = new PhaseflowDeepSets({ units: 2 });
  const tfSetPool = new PhaseflowSetPool();
  const tfEgnn = new PhaseflowEgnn({ dim: 2, features: 1, hidden: 4 });
  const CONV = ['group', 'inChannels', 'outChannels', 'kernelSize', 'padding', 'useBias', 'seed', 'kernel', 'bias'];
  const EGNN = ['dim', 'features', 'outFeatures', 'edgeFeatures', 'hidden', 'velocity', 'activation', 'aggregation', 'residual', 'coordinateGain', 'seed'];
  const base = { group: 'C4', inChannels: 1, outChannels: 1 } as const;
  const module = {
    createLiftingConv64: eachOption(CONV, (k, v) => createLiftingConv64({ ...base, useBias: k !== 'bias', [k]: v } as never)),
    createGroupConv64: eachOption(CONV, (k, v) => createGroupConv64({ ...base, useBias: k !== 'bias', [k]: v } as never)),
    createGroupPool64: eachOption(['group', 'mode'], (k, v) => createGroupPool64({ group: 'C4', [k]: v } as never)),
    createGroupBatchNorm64: eachOption(['group', 'channels', 'epsilon', 'gamma', 'beta', 'movingMean', 'movingVariance'], (k, v) =>
      createGroupBatchNorm64({ group: 'C4', channels: 1, [k]: v } as never),
    ),
    createDeepSets64: eachOption(['inputs', 'outputs', 'pool', 'activation', 'seed', 'lambda', 'gamma', 'bias'], (k, v) =>
      createDeepSets64({ inputs: 3, outputs: 2, [k]: v } as never),
    ),
    createSetPool64: eachOption(['pool'], (k, v) => createSetPool64({ [k]: v } as never)),
    createEgnn64: eachOption([...EGNN, 'theta'], (k, v) => createEgnn64({ dim: 2, features: 1, hidden: 4, [k]: v } as never)),
    egnnParameterCount: eachOption(EGNN, (k, v) => eq.egnnParameterCount({ dim: 2, features: 1, [k]: v } as never)),
    packPointClouds: eachOption(['batch', 'n', 'dim', 'x', 'v', 'h', 'features', 'edges', 'edgeFeatures'], (k, v) =>
      packPointClouds({ n: 3, dim: 2, x: [0, 0, 1, 0, 0, 1], [k]: v } as never),
    ),
    nodeLayout: eachOption(['dim', 'velocity', 'features', 'edgeFeatures'], (k, v) =>
      eq.nodeWidth({ dim: 2, velocity: false, features: 1, edgeFeatures: 0, [k]: v } as never, 3),
    ),
    liftEquivariance: eachOption(['size', 'batch'], (k, v) => lift.equivariance({ size: 3, [k]: v } as never)),
    poolEquivariance: eachOption(['size', 'batch', 'channels'], (k, v) => pool.equivariance({ size: 3, [k]: v } as never)),
    bnEquivariance: eachOption(['size', 'batch', 'training'], (k, v) => bn.equivariance({ size: 3, [k]: v } as never)),
    deepEquivariance: eachOption(['n', 'batch'], (k, v) => deep.equivariance({ n: 2, [k]: v } as never)),
    setPoolEquivariance: eachOption(['n', 'batch', 'width'], (k, v) => setPool.equivariance({ n: 2, [k]: v } as never)),
    egnnEquivariance: eachOption(['n', 'batch'], (k, v) => egnn.equivariance({ n: 3, [k]: v } as never)),
    egnnPermutation: eachOption(['n', 'batch'], (k, v) => egnn.permutationEquivariance({ n: 3, [k]: v } as never)),
    PhaseflowLiftingConv: eachOption(['group', 'filters', 'kernelSize', 'padding', 'useBias', 'activation', 'seed'], (k, v) =>
      made(new PhaseflowLiftingConv({ filters: 1, [k]: v } as never)),
    ),
    PhaseflowGroupConv: eachOption(['group', 'filters', 'kernelSize', 'padding', 'useBias', 'activation', 'seed'], (k, v) =>
      made(new PhaseflowGroupConv({ filters: 1, [k]: v } as never)),
    ),
    PhaseflowGroupPool: eachOption(['group', 'mode'], (k, v) => made(new PhaseflowGroupPool({ [k]: v } as never))),
    PhaseflowGroupBatchNorm: eachOption(['group', 'momentum', 'epsilon'], (k, v) => made(new PhaseflowGroupBatchNorm({ [k]: v } as never))),
    PhaseflowDeepSets: eachOption(['units', 'pool', 'activation', 'seed'], (k, v) => made(new PhaseflowDeepSets({ units: 2, [k]: v } as never))),
    PhaseflowSetPool: eachOption(['pool'], (k, v) => made(new PhaseflowSetPool({ [k]: v } as never))),
    PhaseflowEgnn: eachOption(EGNN, (k, v) => made(new PhaseflowEgnn({ dim: 2, features: 1, hidden: 4, [k]: v } as never))),
    tfLiftEquivariance: eachOption(['size', 'batch', 'channels'], (k, v) => tfLift.equivariance({ size: 3, [k]: v } as never)),
    tfPoolEquivariance: eachOption(['size', 'batch', 'channels'], (k, v) => tfPool.equivariance({ size: 3, [k]: v } as never)),
    tfBnEquivariance: eachOption(['size', 'batch', 'channels'], (k, v) => tfBn.equivariance({ size: 3, [k]: v } as never)),
    tfDeepEquivariance: eachOption(['n', 'batch', 'width'], (k, v) => tfDeep.equivariance({ n: 2, [k]: v } as never)),
    tfSetPoolEquivariance: eachOption(['n', 'batch', 'width'], (k, v) => tfSetPool.equivariance({ n: 2, [k]: v } as never)),
    tfEgnnEquivariance: eachOption(['n', 'batch'], (k, v) => tfEgnn.equivariance({ n: 3, [k]: v } as never)),
  };
  const accepts = {
    'createLiftingConv64.useBias': 'true is a valid boolean',
    'createGroupConv64.useBias': 'true is a valid boolean',
    'createEgnn64.velocity': 'true is a valid boolean',
    'createEgnn64.residual': 'true is a valid boolean (features = outFeatures here)',
    'egnnParameterCount.velocity': 'true is a valid boolean',
    'egnnParameterCount.residual': 'true is a valid boolean (features = outFeatures here)',
    'nodeLayout.velocity': 'true is a valid boolean',
    'packPointClouds.h': '[] is valid: nodes without features (features 0)',
    'packPointClouds.edges': '[] is valid: no edge attributes (edgeFeatures 0)',
    'bnEquivariance.training': 'true is a valid boolean',
    'PhaseflowLiftingConv.useBias': 'true is a valid boolean',
    'PhaseflowGroupConv.useBias': 'true is a valid boolean',
    'PhaseflowEgnn.velocity': 'true is a valid boolean',
    'PhaseflowEgnn.residual': 'true is a valid boolean (features = outFeatures here)',
  };
  const r = await probeBadInputs(module, { accepts });
  for (const layer of [tfLift, tfPool, tfBn, tfDeep, tfSetPool, tfEgnn]) release(layer);
  return { r, accepts, leaked: live() - before };
}

const main = await probeMain();
const madeObjects = await probeMade();
const options = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/equivariant: ${formatBadInputCounts(main.r)}`, () => {
    expect(formatBadInputFindings(main.r), formatBadInputCounts(main.r)).toBe('');
  });
  it(`what its factories make: ${formatBadInputCounts(madeObjects.r)}`, () => {
    expect(formatBadInputFindings(madeObjects.r), formatBadInputCounts(madeObjects.r)).toBe('');
  });
  it(`each option alone: ${formatBadInputCounts(options.r)}`, () => {
    expect(formatBadInputFindings(options.r), formatBadInputCounts(options.r)).toBe('');
    // `true` for each boolean and [] for the two optional feature arrays, and nothing else.
    expect(options.r.acceptedAllowed).toBe(Object.keys(options.accepts).length);
  });
  it('leaves no tensor alive on any of those calls (success and error paths)', () => {
    expect(main.leaked).toBe(0);
    expect(madeObjects.leaked).toBe(0);
    expect(madeObjects.afterDispose).toBe(0);
    expect(options.leaked).toBe(0);
  });
});

describe('checks the probe cannot generate', () => {
  it('planarConv leaves only its result alive, called outside tf.tidy, and names the kernel that does not fit x', () => {
    const x = tf.ones([1, 5, 5, 2]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 2, 4]) as tf.Tensor4D;
    const other = tf.ones([3, 3, 1, 4]) as tf.Tensor4D;
    const start = live();
    const y = eq.planarConv(x, w, 'same');
    expect(y.shape).toEqual([1, 5, 5, 4]);
    expect(live() - start).toBe(1);
    y.dispose();
    expectPhaseflowError(() => eq.planarConv(x, other, 'valid'), 'SHAPE_MISMATCH', 'w');
    expectPhaseflowError(() => eq.planarConv(x, w, 'full' as never), 'INVALID_ARGUMENT', 'padding');
    expect(live() - start).toBe(0);
    tf.dispose([x, w, other]);
  });

  it('a contract refuses a group element of another E(n) and a permutation of another S_n', () => {
    const egnn = createEgnn64({ dim: 2, features: 1, hidden: 4, seed: 1 });
    const spec = egnn.equivariance({ n: 3 });
    const g3 = euclideanGroup(3).sample(createRandom(2));
    const x = spec.sampleInput(createRandom(3));
    expectPhaseflowError(() => spec.actOnInput(g3, x), 'SHAPE_MISMATCH', 'g.rotation');
    const perm = egnn.permutationEquivariance({ n: 3 });
    expectPhaseflowError(() => perm.actOnInput([1, 0], x), 'SHAPE_MISMATCH', 'g');
  });
});

describe('no tensor left alive on the success paths either', () => {
  it('forward, the Float64 twin and the float32 map of every tfjs layer leave the tensor count as it was', () => {
    const x = (shape: number[]) => tf.ones(shape);
    const cases: [tf.layers.Layer & { forward(x: tf.Tensor): tf.Tensor; toFloat64(): unknown }, number[], Record<string, number>][] = [
      [new PhaseflowLiftingConv({ group: 'C4', filters: 1, seed: 1 }), [1, 3, 3, 1], { size: 3, channels: 1 }],
      [new PhaseflowGroupConv({ group: 'D4', filters: 1, seed: 1 }), [1, 3, 3, 8], { size: 3, channels: 1 }],
      [new PhaseflowGroupPool({ group: 'C4' }), [1, 3, 3, 4], { size: 3, channels: 1 }],
      [new PhaseflowGroupBatchNorm({ group: 'C4' }), [1, 3, 3, 4], { size: 3, channels: 1 }],
      [new PhaseflowDeepSets({ units: 2, seed: 1 }), [1, 2, 3], { n: 2, width: 3 }],
      [new PhaseflowSetPool(), [1, 2, 3], { n: 2, width: 3 }],
    ];
    for (const [layer, shape, check] of cases) {
      const input = x(shape);
      layer.forward(input).dispose(); // builds the weights
      const start = live();
      layer.forward(input).dispose();
      layer.toFloat64();
      const spec = (layer as unknown as { equivariance(o: unknown): eq.EquivarianceContract<unknown> }).equivariance(check);
      const sample = spec.sampleInput(createRandom(1));
      expect(spec.layers!.float32!(sample).length).toBe(spec.layer(sample).length);
      expect({ layer: layer.name, leaked: live() - start }).toEqual({ layer: layer.name, leaked: 0 });
      input.dispose();
      release(layer);
    }
    const egnn = new PhaseflowEgnn({ dim: 2, features: 1, hidden: 4, seed: 1 });
    const input = tf.tensor(Float32Array.from(cloud.data), [...cloud.shape]);
    egnn.forward(input).dispose();
    const start = live();
    egnn.forward(input).dispose();
    const spec = egnn.equivariance({ n: 3 });
    spec.layers!.float32!(spec.sampleInput(createRandom(1)));
    expect(live() - start).toBe(0);
    input.dispose();
    release(egnn);
  });
});
