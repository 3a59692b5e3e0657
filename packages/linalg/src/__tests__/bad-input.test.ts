/**
 * Bad input over @phaseflow/linalg (issue 13): every export probed at each argument position
 * (valid arguments before the probed one), the methods of the evaluators and kernels the
 * factories make, and each option alone inside an otherwise valid call; each answered with a
 * coded PhaseflowError naming the argument. Sizes that cannot be allocated are refused before
 * allocation (ALLOCATION_TOO_LARGE).
 */
import { isPhaseflowError } from '@phaseflow/core';
import * as linalg from '@phaseflow/linalg';
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

const n = 3;
/** A symmetric positive definite 3 × 3 matrix, row-major. */
const spd = () => Float64Array.of(4, 1, 0, 1, 3, 1, 0, 1, 2);
const m23 = () => linalg.matrix(2, 3, Float64Array.of(1, 2, 3, 4, 5, 6));
const m33 = () => linalg.matrix(3, 3, spd());
const csr = () => linalg.csrFromDense(3, 3, spd());
const lu = () => linalg.luFactor(spd(), n);
const chol = () => linalg.choleskyFactor(spd(), n);

async function probeMain() {
  return probeBadInputs(linalg as unknown as Record<string, unknown>, {
    skip: { isMatrix: 'a predicate: false on anything that is not a Matrix is its answer' },
    valid: {
      expm: [spd(), n],
      logm: [spd(), n],
      logdet: [spd(), n],
      luFactor: [spd(), n],
      luSolve: [lu(), new Float64Array(n)],
      choleskyFactor: [spd()],
      choleskyFactorBlocked: [spd(), n],
      choleskySolve: [chol(), n, new Float64Array(n)],
      matrix: [2, 3],
      csrFromTriplets: [3, 3, [0, 1], [0, 1]],
      csrFromDense: [3, 3],
      csrMatVec: [csr(), new Float64Array(n)],
      csrScale: [csr()],
      checkCsr: ['A', csr(), 3],
      matVecUnchecked: [csr(), new Float64Array(n), 0],
      spectralRadius: [csr()],
      rescaleSpectralRadius: [csr(), 1],
      symmetricEigen: [spd(), n],
      generalEigen: [spd(), n],
      svd: [m23()],
      createSpmvKernel: [csr()],
    },
  });
}

async function probeMade() {
  const expmE = linalg.createExpm({ n });
  const logmE = linalg.createLogm({ n });
  const qrE = linalg.createQr({ rows: 3, cols: 3 });
  const gram = linalg.createGramKernel({ features: 3, block: 4 });
  const spmv = linalg.createSpmvKernel(csr());
  const pipeline = linalg.createGramPipeline({ features: 3, block: 4, threads: 1 });
  const r = await probeBadInputs(
    { expmE, logmE, qrE, gram, spmv, pipeline },
    {
      skip: {
        'spmv.stopThread': 'takes no arguments',
        'spmv.startThread': 'takes no arguments',
        'pipeline.close': 'takes no arguments',
      },
      valid: {
        'expmE.apply': [spd()],
        'logmE.apply': [spd()],
        'qrE.apply': [m33()],
        'spmv.apply': [0],
      },
    },
  );
  pipeline.close();
  spmv.stopThread();
  return r;
}

async function probeOptions() {
  const module = {
    createExpm: eachOption(['n'], (k, v) => linalg.createExpm({ n, [k]: v } as never)),
    createLogm: eachOption(['n'], (k, v) => linalg.createLogm({ n, [k]: v } as never)),
    createQr: eachOption(['rows', 'cols'], (k, v) => linalg.createQr({ rows: 3, cols: 2, [k]: v } as never)),
    createGramKernel: eachOption(['features', 'block', 'kernel'], (k, v) => linalg.createGramKernel({ features: 3, block: 4, [k]: v } as never)),
    createGramPipeline: eachOption(['features', 'block', 'threads'], (k, v) => linalg.createGramPipeline({ features: 3, block: 4, [k]: v } as never).close()),
    createSpmvKernel: eachOption(['kernel', 'shared', 'extraBytes'], (k, v) => linalg.createSpmvKernel(csr(), { [k]: v } as never).stopThread()),
    logdet: eachOption(['method', 'work', 'pivots'], (k, v) => linalg.logdet(spd(), n, { [k]: v } as never)),
    luFactor: eachOption(['out'], (k, v) => linalg.luFactor(spd(), n, { [k]: v } as never)),
    luSolve: eachOption(['columns', 'out'], (k, v) => linalg.luSolve(lu(), new Float64Array(n), { [k]: v } as never)),
    choleskyFactorBlocked: eachOption(['block', 'kernel'], (k, v) => linalg.choleskyFactorBlocked(spd(), n, { [k]: v } as never)),
    generalEigen: eachOption(['maxIterations', 'kernel'], (k, v) => linalg.generalEigen(spd(), n, { [k]: v } as never)),
    svd: eachOption(['maxSweeps'], (k, v) => linalg.svd(m23(), { [k]: v } as never)),
    symmetricEigen: eachOption(['maxSweeps', 'symmetryTolerance'], (k, v) => linalg.symmetricEigen(spd(), n, { [k]: v } as never)),
    spectralRadius: eachOption(['krylov', 'tol', 'maxRestarts', 'seed', 'kernel'], (k, v) => linalg.spectralRadius(csr(), { [k]: v } as never)),
  };
  const accepts = {
    'createSpmvKernel.shared': 'true is a valid boolean',
  };
  return { r: await probeBadInputs(module, { accepts }), accepts };
}

const main = await probeMain();
const made = await probeMade();
const options = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/linalg: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`what its factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`every option of the factories and kernels: ${formatBadInputCounts(options.r)}`, () => {
    expect(formatBadInputFindings(options.r), formatBadInputCounts(options.r)).toBe('');
    expect(options.r.acceptedAllowed).toBe(Object.keys(options.accepts).length);
  });
  it('refuses to solve with a singular factorisation rather than answer ±Infinity', () => {
    expect(thrown(() => linalg.luSolve(linalg.luFactor(Float64Array.of(1, 2, 2, 4), 2), Float64Array.of(1, 1)))).toEqual({
      code: 'INVALID_ARGUMENT',
      argument: 'factor',
    });
  });
  it('refuses dimensions that cannot be allocated before allocating', () => {
    expect(thrown(() => linalg.matrix(1e6, 1e6))).toEqual({ code: 'ALLOCATION_TOO_LARGE', argument: 'rows' });
    expect(thrown(() => linalg.createExpm({ n: 1e6 }))).toEqual({ code: 'ALLOCATION_TOO_LARGE', argument: 'options.n' });
    expect(thrown(() => linalg.createLogm({ n: 1e6 }))).toEqual({ code: 'ALLOCATION_TOO_LARGE', argument: 'options.n' });
    expect(thrown(() => linalg.createQr({ rows: 1e6, cols: 1e6 }))).toEqual({ code: 'ALLOCATION_TOO_LARGE', argument: 'options.rows' });
  });
});
