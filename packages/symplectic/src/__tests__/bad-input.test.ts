/**
 * Bad input over @phaseflow/symplectic (issue 13): every export, the integrators its factories
 * and compositions make (`step`, `advance`, `prepareAdvance` at every argument: problem, t,
 * state, h, n, out), and each option of the factories probed on its own inside an otherwise
 * valid call, each answered with a coded PhaseflowError naming the argument.
 */
import { invalid, isPhaseflowError, partitionedProblem, separableHamiltonian, type PhaseState } from '@phaseflow/core';
import { henonHeiles } from '@phaseflow/problems';
import * as symplectic from '@phaseflow/symplectic';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const {
  compose,
  createGaussLegendre,
  createGaussLegendre4,
  createGaussLegendre6,
  createImplicitMidpoint,
  createLeapfrog,
  createSplittingMethod,
  createStormerVerlet,
  createSymplecticEuler,
  checkCoefficients,
  splittingMethods,
  suzukiFractal,
  tripleJump,
  withCompensatedSummation,
} = symplectic;

const thrown = (call: () => unknown) => {
  try {
    call();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, argument: e.details.argument } : e;
  }
  return 'returned';
};

const hh = henonHeiles();
const w = 1 / (2 - Math.cbrt(2));
const triple = [w, 1 - 2 * w, w];

/** The main entry: every export, with valid leading arguments so that later positions are reached. */
async function probeMain() {
  return probeBadInputs(symplectic as unknown as Record<string, unknown>, {
    valid: {
      compose: [createStormerVerlet(), triple],
      checkCoefficients: ['gamma', [0.5, 0.5]],
    },
  });
}

/** What the factories make: every splitting method, the compositions, the compensated twin and Gauss–Legendre, each method at every argument. */
async function probeMade() {
  const verlet = createStormerVerlet();
  const integrators: Record<string, { advance?: unknown; prepareAdvance?: unknown }> = {
    ...Object.fromEntries(Object.entries(splittingMethods).map(([k, make]) => [k, make()])),
    compensated: withCompensatedSummation(createStormerVerlet()),
    composed: compose(verlet, triple),
    composedCompensated: compose(createStormerVerlet(), triple, { compensated: true }),
    tripleJump: tripleJump(createStormerVerlet()),
    suzuki: suzukiFractal(createStormerVerlet()),
    midpoint: createImplicitMidpoint(),
    gl4: createGaussLegendre4(),
    gl6: createGaussLegendre6(),
  };
  const y0 = (): PhaseState<Float64Array> => hh.y0();
  const valid: Record<string, unknown[]> = {};
  const skip: Record<string, string> = {};
  for (const [k, m] of Object.entries(integrators)) {
    valid[`${k}.step`] = [hh.problem, 0, y0(), 0.01];
    if (m.advance) valid[`${k}.advance`] = [hh.problem, 0, y0(), 0.01, 3];
    if (m.prepareAdvance) valid[`${k}.prepareAdvance`] = [hh.problem, y0()];
  }
  // The advancer a run prepares: its contract is no argument checks (core's integrate passes
  // only states shaped like the prepared one and n ≥ 1), so it is not probed.
  const prepared = { advancer: createStormerVerlet().prepareAdvance!(hh.problem, y0(), 0.01)! };
  skip['prepared.advancer'] = "prepareAdvance's contract: no argument checks (the driver passes states shaped like y and n >= 1)";
  return probeBadInputs({ ...integrators, prepared } as unknown as Record<string, unknown>, { valid, skip });
}

/** Every option of the factories, probed on its own inside an otherwise valid call. */
async function probeOptions() {
  const spec = { name: 'my-leapfrog', order: 2, a: [0.5, 0.5], b: [1, 0] };
  const module = {
    createSplittingMethod: eachOption(['name', 'order', 'a', 'b', 'first', 'reference', 'compensated'], (k, v) =>
      createSplittingMethod({ ...spec, [k]: v } as never),
    ),
    createSymplecticEuler: eachOption(['first', 'variant'], (k, v) => createSymplecticEuler({ [k]: v })),
    createStormerVerlet: eachOption(['first', 'form'], (k, v) => createStormerVerlet({ [k]: v })),
    createLeapfrog: eachOption(['first', 'variant'], (k, v) => createLeapfrog({ [k]: v })),
    compose: eachOption(['name', 'order', 'reference', 'compensated'], (k, v) => compose(createStormerVerlet(), triple, { [k]: v })),
    createGaussLegendre: eachOption(['stages', 'tolerance', 'maxIterations'], (k, v) => createGaussLegendre({ [k]: v })),
    createImplicitMidpoint: eachOption(['tolerance', 'maxIterations'], (k, v) => createImplicitMidpoint({ [k]: v })),
    createGaussLegendre4: eachOption(['tolerance', 'maxIterations'], (k, v) => createGaussLegendre4({ [k]: v })),
    createGaussLegendre6: eachOption(['tolerance', 'maxIterations'], (k, v) => createGaussLegendre6({ [k]: v })),
    checkCoefficients: eachOption(['sumToOne', 'length'], (k, v) => checkCoefficients('gamma', [0.5, 0.5], { [k]: v })),
  };
  const accepts = {
    'createSplittingMethod.name': "any non-empty string is a valid name (the probe's 'not-a-valid-value' and sampled strings)",
    'createSplittingMethod.reference': 'any non-empty string is a valid reference',
    'compose.name': 'any non-empty string is a valid name',
    'compose.reference': 'any non-empty string is a valid reference',
    'createSplittingMethod.compensated': 'true is a valid boolean',
    'compose.compensated': 'true is a valid boolean (the base is a splitting method)',
    'checkCoefficients.sumToOne': 'true is a valid boolean',
  };
  return { r: await probeBadInputs(module, { accepts }), accepts };
}

/** How many of the probe's values are non-empty strings (valid names): a function that takes exactly those, probed alike. */
const stringsProbed = (
  await probeBadInputs(
    {
      nonEmptyString: (v: unknown) => {
        if (typeof v !== 'string' || v === '') invalid('v', 'a non-empty string', v);
      },
    },
    { accepts: { nonEmptyString: 'counts the non-empty strings' } },
  )
).acceptedAllowed;

const main = await probeMain();
const made = await probeMade();
const options = await probeOptions();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/symplectic: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`the integrators its factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`every option of the factories: ${formatBadInputCounts(options.r)}`, () => {
    expect(formatBadInputFindings(options.r), formatBadInputCounts(options.r)).toBe('');
    // The booleans accept `true` once each; the names and references every non-empty string the probe passes.
    expect(options.r.acceptedAllowed).toBe(3 + 4 * stringsProbed);
  });

  it('a callback that throws is CALLBACK_FAILED naming it, the thrown error as cause, on every path', () => {
    const boom = new Error('boom');
    const caught = (call: () => unknown) => {
      try {
        call();
      } catch (e) {
        return isPhaseflowError(e) ? { code: e.code, callback: e.details.callback, cause: (e as Error).cause } : e;
      }
      return 'returned';
    };
    const failing = (which: 'dTdp' | 'dVdq') =>
      separableHamiltonian<Float64Array>({
        dTdp: (p, out = new Float64Array(2)) => {
          if (which === 'dTdp') throw boom;
          return (out.set(p), out);
        },
        dVdq: (q, out = new Float64Array(2)) => {
          if (which === 'dVdq') throw boom;
          return (out.set(q), out);
        },
      });
    for (const which of ['dTdp', 'dVdq'] as const) {
      const want = { code: 'CALLBACK_FAILED', callback: `problem.${which}`, cause: boom };
      const pr = failing(which);
      for (const make of [createStormerVerlet, splittingMethods['kahan-li8'], () => withCompensatedSummation(createStormerVerlet())]) {
        const m = make();
        expect(
          caught(() => m.step(pr, 0, hh.y0(), 0.01)),
          `${m.name}.step, ${which}`,
        ).toEqual(want);
        expect(
          caught(() => m.advance!(pr, 0, hh.y0(), 0.01, 5)),
          `${m.name}.advance, ${which}`,
        ).toEqual(want);
        expect(
          caught(() => m.prepareAdvance!(pr, hh.y0(), 0.01)!(0, hh.y0(), 5)),
          `${m.name} prepared, ${which}`,
        ).toEqual(want);
      }
      expect(caught(() => createGaussLegendre4().step(pr, 0, hh.y0(), 0.01))).toEqual(want);
      // Any other VectorSpace takes the generic path.
      const generic = separableHamiltonian<Float64Array>({ dTdp: pr.dTdp, dVdq: pr.dVdq, space: { ...pr.space.component, name: 'float64-copy' } });
      expect(caught(() => createStormerVerlet().step(generic, 0, hh.y0(), 0.01))).toEqual(want);
    }
    const forced = partitionedProblem<Float64Array>({
      separable: true,
      velocity: (_t, _q, p, out = new Float64Array(2)) => (out.set(p), out),
      force: () => {
        throw boom;
      },
    });
    expect(caught(() => createStormerVerlet().advance!(forced, 0, hh.y0(), 0.01, 3))).toEqual({
      code: 'CALLBACK_FAILED',
      callback: 'problem.force',
      cause: boom,
    });
    // A callback's own coded refusal is passed on as it is.
    const coded = separableHamiltonian<Float64Array>({ dTdp: (p) => p, dVdq: (q) => invalid('q', 'something else', q) });
    expect(thrown(() => createStormerVerlet().advance!(coded, 0, hh.y0(), 0.01, 3))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'q' });
  });

  it('a state whose q and p are not vectors of the problem is refused on every path', () => {
    const verlet = createStormerVerlet();
    const y = hh.y0();
    expect(thrown(() => verlet.step(hh.problem, 0, { q: y.q, p: Float64Array.of(1) }, 0.01))).toEqual({ code: 'SHAPE_MISMATCH', argument: 'y.p' });
    expect(thrown(() => verlet.advance!(hh.problem, 0, { q: [0.1, 0], p: y.p } as never, 0.01, 2))).toMatchObject({ argument: 'y.q' });
    expect(thrown(() => verlet.step(hh.problem, NaN, y, 0.01))).toEqual({ code: 'NON_FINITE_INPUT', argument: 't' });
    expect(thrown(() => verlet.step(hh.problem, 0, y, 0.01, null as never))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'out' });
    expect(thrown(() => createGaussLegendre4().step(hh.problem, 0, y, -1e6))).toMatchObject({ code: 'CONVERGENCE_FAILURE', argument: 'h' });
  });
});
