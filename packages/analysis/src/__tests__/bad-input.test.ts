/**
 * Bad input over @phaseflow/analysis (issue 13): every export of both entries probed at each
 * argument position (valid arguments before the probed one), the methods of the problems,
 * maps, observers and Hessians the factories make, and each option of the main factories
 * alone inside an otherwise valid call; each answered with a coded PhaseflowError naming the
 * argument, no tensor left behind by the tfjs entry, and no ±Infinity out of degenerate data.
 */
import * as tf from '@tensorflow/tfjs';
import * as analysis from '@phaseflow/analysis';
import * as analysisTfjs from '@phaseflow/analysis/tfjs';
import { isPhaseflowError } from '@phaseflow/core';
import { csrFromDense } from '@phaseflow/linalg';
import { createMlp64 } from '@phaseflow/nn64';
import { createRk4 } from '@phaseflow/runge-kutta';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

await tf.setBackend('cpu');

type F = Float64Array;

const thrown = (call: () => unknown) => {
  try {
    call();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, argument: e.details.argument } : e;
  }
  return 'returned';
};

const henon = () =>
  analysis.mapProblem(
    (_t, y, out = new Float64Array(2)) => {
      out[0] = 1 - 1.4 * y[0]! * y[0]! + y[1]!;
      out[1] = 0.3 * y[0]!;
      return out;
    },
    { name: 'henon' },
  );
const y2 = () => Float64Array.of(0.1, 0.1);
/** ∇L for L(θ) = ½ Σ (i + 1) θ_i² (a diagonal Hessian). */
const quadGradient = (theta: F, out: F) => {
  for (let i = 0; i < theta.length; i++) out[i] = (i + 1) * theta[i]!;
  return out;
};
const theta3 = () => Float64Array.of(0.1, 0.2, 0.3);
const mlp = () => createMlp64({ sizes: [2, 3, 1], seed: 4 });
const inputs = () => ({ x: Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), rows: 3, cols: 2 });
const targets = () => Float64Array.of(0.1, 0.2, 0.3);
const kernel2 = () => Float64Array.of(0, 1, -1, 0);
const reservoir = () => ({
  units: 2,
  inputDim: 1,
  leakRate: 0.5,
  W: csrFromDense(2, 2, Float64Array.of(0, 0.5, 0.5, 0)),
  Win: csrFromDense(2, 1, Float64Array.of(1, 1)),
  bias: Float64Array.of(0, 0),
});
const cell = () => ({ units: 2, recurrentKernel: Float64Array.of(0.5, 0, 0, 0.5) });
const sgdOptions = () => ({ samples: 3, gradient: (theta: F, _batch: Int32Array, out: F) => quadGradient(theta, out), learningRate: 0.1, steps: 4 });
const linearSgd = () => analysis.linearRegressionSgd({ inputs: Float64Array.of(1, 0, 0, 1, 1, 1), dimension: 2, learningRate: 0.1, steps: 4 });

async function probeMain() {
  return probeBadInputs(analysis as unknown as Record<string, unknown>, {
    valid: {
      lyapunovSpectrum: [analysis.mapIterator(), henon(), y2()],
      tangentProblem: [henon(), y2()],
      echoStateMap: [reservoir()],
      recurrentCellMap: [cell()],
      lorentzianFrequencies: [4],
      gaussianFrequencies: [4],
      kuramotoOrderParameter: [1],
      randomPhases: [4],
      kuramotoSweep: [createRk4()],
      lanczos: [(v: F, out: F) => (out.set(v), out)],
      hessianVectorProduct: [quadGradient, theta3(), theta3(), new Float64Array(3)],
      hessianEigenvalues: [quadGradient, theta3()],
      denseHessian: [quadGradient, theta3()],
      mseLoss: [mlp(), inputs()],
      networkMap: [[(x: F) => x]],
      residualLayer: [(x: F) => x],
      forwardStability: [analysis.networkMap([(x: F) => x]), y2()],
      linearSgdExponent1d: [[1, 2]],
      sgdLyapunovExponent: [linearSgd(), Float64Array.of(0.1, 0.1)],
      maximumMeanDiscrepancy: [[0, 1], [0, 1], 1],
      mapProblem: [(_t: number, y: F) => y],
    },
    accepts: {
      mapProblem: 'a function is a valid map (the probe passes () => 0; what it returns is checked by the integrators)',
      residualLayer: 'a function is a valid branch (the probe passes () => 0; what it returns is checked when the layer runs)',
    },
  });
}

/** The tfjs entry, and the methods of the Hessian and observer it makes (no tensor left behind). */
async function probeTfjs() {
  const before = tf.memory().numTensors;
  const xt = tf.tensor2d([0.1, 0.2, 0.3], [3, 1]);
  const yt = tf.tensor2d([0.1, 0.0, -0.1], [3, 1]);
  const w = [tf.tensor2d([[0.5]]), tf.tensor1d([0.1])];
  const loss = analysisTfjs.tensorMseLoss({ inputs: xt, targets: yt });
  const hessian = analysisTfjs.createTensorHessian(loss, w);
  const observer = analysisTfjs.createTensorSharpnessObserver({ loss, weights: () => w, every: 1, k: 1 });
  const observerStep = (...a: unknown[]) => (observer.on.step as (...b: unknown[]) => unknown)(...a);
  const r = await probeBadInputs(
    { ...(analysisTfjs as unknown as Record<string, unknown>), hessian, observer: { step: observerStep }, loss: { loss } },
    { valid: { createTensorHessian: [loss], tensorHessianEigenvalues: [loss, w], 'observer.step': [{ step: 1, t: 1, h: 0.1, state: undefined }] } },
  );
  tf.dispose([xt, yt, ...w]);
  return { r, leaked: tf.memory().numTensors - before };
}

/** What the main entry's factories make: problems, maps, observers, SGD maps, networks. */
async function probeMade() {
  const module = {
    henon: henon(),
    iterator: analysis.mapIterator(),
    tangent: analysis.tangentProblem(henon(), y2()),
    rate: analysis.rateRnn({ units: 3 }),
    esn: analysis.echoStateMap(reservoir()),
    cellMap: analysis.recurrentCellMap(cell()),
    kuramoto: analysis.kuramoto({ frequencies: [0, 1, 2], coupling: 1 }),
    sharpness: analysis.createSharpnessObserver({ gradient: quadGradient }),
    network: analysis.networkMap([(x: F) => x, analysis.resNetLayer({ kernel: kernel2() })]),
    resnet: analysis.resNetLayer({ kernel: kernel2() }),
    residual: analysis.residualLayer((x: F) => x),
    growth: analysis.createJacobianGrowthObserver({ problem: analysis.networkMap([(x: F) => x]) }),
    energy: analysis.createLayerEnergyObserver(),
    sgd: analysis.sgdMap(sgdOptions()),
    linear: linearSgd(),
    networkSgd: analysis.networkSgd({ network: mlp(), inputs: inputs(), targets: targets(), learningRate: 0.1, steps: 4 }),
    meanField: analysis.meanFieldNetwork({ inputs: [0, 0.5, 1], dimension: 1, targets: [0, 0.2, 0.4] }),
    loss: analysis.mseLoss(mlp(), inputs(), targets()),
  };
  return probeBadInputs(module as unknown as Record<string, unknown>, {
    skip: { 'henon.map': 'the caller’s own map function, returned as given by mapProblem' },
    valid: {
      'iterator.step': [henon(), 0, y2()],
      'cellMap.map': [0],
      'cellMap.jvp': [0, y2(), y2()],
      'kuramoto.f': [0],
      'kuramoto.jvp': [0, Float64Array.of(0, 1, 2), Float64Array.of(1, 0, 0)],
      'tangent.jvp': [0, y2(), y2()],
      'network.layer': [0, y2()],
      'network.tangent': [0, y2(), y2(), 1],
      'residual.tangent': [y2(), y2(), 1],
      'resnet.tangent': [y2(), y2(), 1],
    },
  });
}

const startEvent = (state: F) => ({ run: 'integration', name: 'probe', t0: 0, tEnd: 2, state });
const stepEvent = (state: F) => ({ step: 1, t: 1, h: 1, state });
const control = { stop: () => undefined };
type Handler = (...a: unknown[]) => unknown;
const handler = (observer: { on: object }, event: string) => (observer.on as Record<string, Handler>)[event]!;

/**
 * The handlers of the observers the factories make (a fresh observer per call, started on a
 * valid run where a handler needs one), with a valid event reaching the run-control argument.
 */
async function probeHandlers() {
  const sharpness = () => analysis.createSharpnessObserver({ gradient: quadGradient, every: 1 });
  const net = () => analysis.networkMap([(x: F) => x]);
  const growth = () => analysis.createJacobianGrowthObserver({ problem: net() });
  const started = <O extends { on: object }>(o: O): O => (handler(o, 'run:start')(startEvent(y2()), control), o);
  const module = {
    sharpness: { start: (...a: unknown[]) => handler(sharpness(), 'run:start')(...a), step: (...a: unknown[]) => handler(sharpness(), 'step')(...a) },
    growth: { start: (...a: unknown[]) => handler(growth(), 'run:start')(...a), step: (...a: unknown[]) => handler(started(growth()), 'step')(...a) },
    energy: {
      start: (...a: unknown[]) => handler(analysis.createLayerEnergyObserver(), 'run:start')(...a),
      step: (...a: unknown[]) => handler(started(analysis.createLayerEnergyObserver()), 'step')(...a),
    },
  };
  return probeBadInputs(module, { valid: { 'sharpness.step': [stepEvent(theta3())] } });
}

async function probeOptions() {
  const module = {
    lyapunovSpectrum: eachOption(['vectors', 'jvp', 'jacobian', 'finiteDifferences', 'fdStep', 't0', 'tEnd', 'transient', 'h', 'tau', 'signal'], (k, v) =>
      analysis.lyapunovSpectrum(analysis.mapIterator(), henon(), y2(), { tEnd: 20, h: 1, [k]: v } as never),
    ),
    tangentProblem: eachOption(['vectors', 'jvp', 'jacobian', 'finiteDifferences', 'fdStep'], (k, v) =>
      analysis.tangentProblem(henon(), y2(), { [k]: v } as never),
    ),
    mapProblem: eachOption(['name', 'jvp', 'jacobian', 'energy'], (k, v) => analysis.mapProblem((_t, y) => y, { [k]: v } as never)),
    rateRnn: eachOption(['units', 'gain', 'dt', 'autapses', 'seed'], (k, v) => analysis.rateRnn({ units: 3, [k]: v } as never)),
    echoStateMap: eachOption(['inputs'], (k, v) => analysis.echoStateMap(reservoir(), { [k]: v } as never)),
    reservoir: eachOption(['units', 'inputDim', 'leakRate', 'W', 'Win', 'bias', 'feedbackDim', 'noise'], (k, v) =>
      analysis.echoStateMap({ ...reservoir(), [k]: v } as never),
    ),
    recurrentCellMap: eachOption(['inputs'], (k, v) => analysis.recurrentCellMap(cell(), { [k]: v } as never)),
    cell: eachOption(['units', 'recurrentKernel', 'inputDim', 'inputKernel', 'bias', 'activation'], (k, v) =>
      analysis.recurrentCellMap({ ...cell(), [k]: v } as never),
    ),
    kuramoto: eachOption(['frequencies', 'coupling', 'graph', 'normalization'], (k, v) =>
      analysis.kuramoto({ frequencies: [0, 1, 2], coupling: 1, [k]: v } as never),
    ),
    lorentzianFrequencies: eachOption(['sampling', 'seed', 'width', 'center'], (k, v) => analysis.lorentzianFrequencies(4, { [k]: v } as never)),
    gaussianFrequencies: eachOption(['sampling', 'seed', 'std', 'mean'], (k, v) => analysis.gaussianFrequencies(4, { [k]: v } as never)),
    erdosRenyiGraph: eachOption(['nodes', 'probability', 'seed'], (k, v) => analysis.erdosRenyiGraph({ nodes: 4, probability: 0.5, [k]: v } as never)),
    kuramotoSweep: eachOption(['frequencies', 'couplings', 'graph', 'normalization', 'h', 'transient', 'duration', 'seed', 'continuation', 'signal'], (k, v) =>
      analysis.kuramotoSweep(createRk4(), { frequencies: [0, 1], couplings: [1], h: 0.5, transient: 1, duration: 1, [k]: v } as never),
    ),
    lanczos: eachOption(['k', 'iterations', 'tolerance', 'start', 'seed', 'vectors'], (k, v) =>
      analysis.lanczos((x: F, out: F) => quadGradient(x, out), 3, { [k]: v } as never),
    ),
    hessianEigenvalues: eachOption(['k', 'iterations', 'tolerance', 'start', 'seed', 'vectors', 'step'], (k, v) =>
      analysis.hessianEigenvalues(quadGradient, theta3(), { [k]: v } as never),
    ),
    createSharpnessObserver: eachOption(['gradient', 'every', 'k', 'iterations', 'tolerance', 'step', 'seed', 'onMeasure', 'stopAboveThreshold'], (k, v) =>
      analysis.createSharpnessObserver({ gradient: quadGradient, [k]: v } as never),
    ),
    networkMap: eachOption(['name'], (k, v) => analysis.networkMap([(x: F) => x], { [k]: v } as never)),
    resNetLayer: eachOption(['kernel', 'bias', 'step', 'activation', 'antisymmetric', 'damping'], (k, v) =>
      analysis.resNetLayer({ kernel: kernel2(), [k]: v } as never),
    ),
    residualLayer: eachOption(['step'], (k, v) => analysis.residualLayer((x: F) => x, { [k]: v } as never)),
    createJacobianGrowthObserver: eachOption(['problem', 'vectors', 'frame', 'seed'], (k, v) =>
      analysis.createJacobianGrowthObserver({ problem: analysis.networkMap([(x: F) => x]), [k]: v } as never),
    ),
    forwardStability: eachOption(['depth', 'vectors', 'frame', 'seed', 'observers', 'signal'], (k, v) =>
      analysis.forwardStability(analysis.networkMap([(x: F) => x]), y2(), { [k]: v } as never),
    ),
    sgdMap: eachOption(['samples', 'gradient', 'hessianVectorProduct', 'learningRate', 'batchSize', 'steps', 'sampling', 'seed', 'fdStep', 'name'], (k, v) =>
      analysis.sgdMap({ ...sgdOptions(), [k]: v } as never),
    ),
    linearRegressionSgd: eachOption(['inputs', 'dimension', 'targets', 'learningRate', 'batchSize', 'steps', 'sampling', 'seed', 'name'], (k, v) =>
      analysis.linearRegressionSgd({ inputs: Float64Array.of(1, 0, 0, 1), dimension: 2, learningRate: 0.1, steps: 4, [k]: v } as never),
    ),
    sgdLyapunovExponent: eachOption(['transient', 'vectors', 'frame', 'seed', 'history', 'linearise', 'subspace', 'observers', 'signal'], (k, v) =>
      analysis.sgdLyapunovExponent(linearSgd(), Float64Array.of(0.1, 0.1), { [k]: v } as never),
    ),
    networkSgd: eachOption(['network', 'inputs', 'targets', 'learningRate', 'batchSize', 'steps', 'sampling', 'seed', 'fdStep', 'name'], (k, v) =>
      analysis.networkSgd({ network: mlp(), inputs: inputs(), targets: targets(), learningRate: 0.1, steps: 4, [k]: v } as never),
    ),
    meanFieldNetwork: eachOption(['inputs', 'dimension', 'targets', 'activation'], (k, v) =>
      analysis.meanFieldNetwork({ inputs: [0, 0.5, 1], dimension: 1, targets: [0, 0.2, 0.4], [k]: v } as never),
    ),
    maximumMeanDiscrepancy: eachOption(['bandwidth'], (k, v) => analysis.maximumMeanDiscrepancy([0, 1], [0, 2], 1, { [k]: v } as never)),
    hessianVectorProduct: eachOption(['step'], (k, v) => analysis.hessianVectorProduct(quadGradient, theta3(), theta3(), undefined, { [k]: v } as never)),
    denseHessian: eachOption(['step'], (k, v) => analysis.denseHessian(quadGradient, theta3(), { [k]: v } as never)),
  };
  const accepts: Record<string, string> = {
    'mapProblem.name': 'any non-empty string is a valid name',
    'networkMap.name': 'any non-empty string is a valid name',
    'sgdMap.name': 'any non-empty string is a valid name',
    'linearRegressionSgd.name': 'any non-empty string is a valid name',
    'networkSgd.name': 'any non-empty string is a valid name',
    'createSharpnessObserver.gradient': 'a function is a valid gradient (its answers are checked when it is called)',
    'sgdMap.gradient': 'a function is a valid minibatch gradient (its answers are checked when it is called)',
    'sgdMap.hessianVectorProduct': 'a function is a valid Hessian–vector product (its answers are checked when it is called)',
    'tangentProblem.jvp': 'a function is a valid jvp (its answers are checked when it is called)',
    'tangentProblem.jacobian': 'a function is a valid jacobian (its answers are checked when it is called)',
    'echoStateMap.inputs': 'a function of t is a valid driving input',
    'kuramotoSweep.continuation': 'true is a valid boolean',
    'lyapunovSpectrum.finiteDifferences': 'true is a valid boolean',
    'tangentProblem.finiteDifferences': 'true is a valid boolean',
    'rateRnn.autapses': 'true is a valid boolean',
    'resNetLayer.antisymmetric': 'true is a valid boolean',
    'createSharpnessObserver.onMeasure': 'a function is a valid callback',
    'mapProblem.jvp': 'a function is a valid jvp',
    'mapProblem.jacobian': 'a function is a valid jacobian',
    'mapProblem.energy': 'a function is a valid energy',
    'lanczos.vectors': 'true is a valid boolean',
    'hessianEigenvalues.vectors': 'true is a valid boolean',
    'forwardStability.observers': '[] is a valid (empty) list of observers',
    'sgdLyapunovExponent.observers': '[] is a valid (empty) list of observers',
  };
  return { r: await probeBadInputs(module, { accepts }), accepts };
}

const main = await probeMain();
const tfjs = await probeTfjs();
const made = await probeMade();
const handlers = await probeHandlers();
const options = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/analysis: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`@phaseflow/analysis/tfjs, its Hessian and observer: ${formatBadInputCounts(tfjs.r)}`, () => {
    expect(formatBadInputFindings(tfjs.r), formatBadInputCounts(tfjs.r)).toBe('');
    expect(tfjs.leaked).toBe(0);
  });
  it(`what the factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`the observers' handlers: ${formatBadInputCounts(handlers)}`, () => {
    expect(formatBadInputFindings(handlers), formatBadInputCounts(handlers)).toBe('');
  });
  it(`every option of the factories and analyses: ${formatBadInputCounts(options.r)}`, () => {
    expect(formatBadInputFindings(options.r), formatBadInputCounts(options.r)).toBe('');
    // One valid value per listed option, and for each of the five names every non-empty string the probe tries (4 each).
    expect(options.r.acceptedAllowed).toBe(Object.keys(options.accepts).length + 5 * 3);
  });
  it('degenerate data are coded errors, not ±Infinity or a silently short answer', () => {
    // a density whose K_c = 2/(π g(0)) overflows
    expect(thrown(() => analysis.kuramotoCriticalCoupling({ kind: 'density', density: () => 1e-320 }))).toEqual({
      code: 'INVALID_ARGUMENT',
      argument: 'distribution.density',
    });
    // a density callback that throws, or answers NaN inside the integral
    expect(
      thrown(() =>
        analysis.kuramotoCriticalCoupling({
          kind: 'density',
          density: () => {
            throw new Error('no');
          },
        }),
      ),
    ).toMatchObject({ code: 'CALLBACK_FAILED' });
    expect(thrown(() => analysis.kuramotoOrderParameter(5, { kind: 'density', density: (w) => (w === 0 ? 1 : NaN) }))).toEqual({
      code: 'NON_FINITE_INPUT',
      argument: 'distribution.density',
    });
    // a jvp that answers with a number instead of writing its vector
    expect(thrown(() => analysis.lyapunovSpectrum(analysis.mapIterator(), henon(), y2(), { tEnd: 5, h: 1, jvp: () => 0 as never }))).toEqual({
      code: 'SHAPE_MISMATCH',
      argument: 'options.jvp',
    });
    // a gradient that throws
    expect(
      thrown(() =>
        analysis.denseHessian(() => {
          throw new Error('no');
        }, theta3()),
      ),
    ).toMatchObject({ code: 'CALLBACK_FAILED' });
    // a dense Hessian too large to allocate
    expect(thrown(() => analysis.denseHessian(quadGradient, new Float64Array(1e5)))).toEqual({ code: 'ALLOCATION_TOO_LARGE', argument: 'theta' });
  });
});
