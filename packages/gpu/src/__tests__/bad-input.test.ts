/**
 * Bad input over @phaseflow/gpu (issue 13), on the webasm backend (Node, no device needed):
 * every export, the methods of what the factories make (a batched integrator and its space,
 * the ensemble MLP, the batched reservoir and Gram), the later arguments of the main verbs
 * (an integrator's t, y, h and n), and every option of the factories probed on its own
 * inside an otherwise valid call, each answered with a coded PhaseflowError naming the
 * argument.
 */
import { createReservoir } from '@phaseflow/reservoir';
import * as gpu from '@phaseflow/gpu';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const { chooseGpuBackend, createBatchedGram, createBatchedIntegrator, createBatchedReservoir, createEnsembleMlp } = gpu;
const backend = chooseGpuBackend({ prefer: 'webasm' });
afterAll(() => backend.destroy());

const oscillator = (_t: number, y: gpu.FieldVector, p: gpu.FieldVector) => [y[1], -p[0] * y[0]];
const energy = (y: Float64Array, p: Float64Array) => 0.5 * (y[1]! * y[1]! + p[0]! * y[0]! * y[0]!);
const integratorBase = { method: 'rk4', field: oscillator, dimension: 2, parameters: [[1], [4]], backend, energy };
const mlpBase = { sizes: [2, 3, 1], members: 2, rows: 2, backend };
const reservoir = createReservoir({ units: 4, inputDim: 1, spectralRadius: 0.9, leakRate: 0.5, seed: 2 });
const reservoirBase = { reservoirs: [reservoir, reservoir], backend };
const gramBase = { features: 2, outputs: 1, batch: 1, backend };

const main = await probeBadInputs(gpu as unknown as Record<string, unknown>, {
  skip: { kernelBackend: "an inspector of any value: 'unknown' is its answer for anything that is not a built gpu.js kernel" },
  valid: { createBatchedSpace: [2] },
});

const batch = createBatchedIntegrator(integratorBase);
const y0 = batch.state([
  [1, 0],
  [1, 0],
]);
const made = await probeBadInputs(
  {
    batch,
    space: batch.space,
    reference: batch.float64Reference(),
    mlp: createEnsembleMlp(mlpBase),
    reservoir: createBatchedReservoir(reservoirBase),
    gram: createBatchedGram(gramBase),
  },
  {
    valid: {
      'batch.step': [batch.problem, 0, y0, 0.1],
      'batch.advance': [batch.problem, 0, y0, 0.1, 2],
      'batch.advanceAsync': [0, y0, 0.1, 2],
      'space.copy': [y0],
      'space.toFloat64': [y0],
      'mlp.forward': [new Float64Array(2 * 13)],
      'gram.accumulate': [Float64Array.of(1, 2)],
      'reference.integrate': [y0],
    },
  },
);

// Values of the probe that are valid for an option (a function for an energy, true for a boolean, a name): each accepted exactly once.
const accepts = {
  'integrator.energy': 'a function is a valid energy',
  'integrator.inlineMath': 'true is a valid boolean',
  'mlp.compensated': 'true is a valid boolean',
  'reservoir.compensated': 'true is a valid boolean',
  'choose.prefer': '[] is a valid (empty) preference list: the default order',
};
const options = await probeBadInputs(
  {
    integrator: eachOption(['method', 'field', 'dimension', 'parameters', 'members', 'backend', 'energy', 'inlineMath', 'stepsPerLaunch'], (k, v) =>
      createBatchedIntegrator({ ...integratorBase, [k]: v }),
    ),
    mlp: eachOption(['sizes', 'activation', 'output', 'members', 'rows', 'compensated', 'backend'], (k, v) => createEnsembleMlp({ ...mlpBase, [k]: v })),
    reservoir: eachOption(['reservoirs', 'compensated', 'backend'], (k, v) => createBatchedReservoir({ ...reservoirBase, [k]: v })),
    gram: eachOption(['features', 'outputs', 'batch', 'block', 'backend'], (k, v) => createBatchedGram({ ...gramBase, [k]: v })),
    choose: eachOption(['prefer'], (k, v) => chooseGpuBackend({ [k]: v })),
    run: eachOption(['keep'], (k, v) => createBatchedReservoir(reservoirBase).run([Float64Array.of(0.5), Float64Array.of(0.5)], { [k]: v })),
  },
  { accepts },
);

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/gpu: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`what its factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`every option of the factories: ${formatBadInputCounts(options)}`, () => {
    expect(formatBadInputFindings(options), formatBadInputCounts(options)).toBe('');
    expect(options.acceptedAllowed).toBe(Object.keys(accepts).length); // the one valid value each, nothing else
  });
});
