/**
 * Bad input over @phaseflow/runge-kutta (issue 13): every export, the integrators its
 * factories make (`step`, `advance`, `prepareAdvance`, `adaptive` at every argument: problem,
 * t, state, h, n, out), the adaptive steppers they start (`advance`, `interpolate`), and each
 * field of a Butcher tableau, of an adaptive solve and of `solveIvp` probed on its own inside
 * an otherwise valid call, each answered with a coded PhaseflowError naming the argument.
 */
import { invalid, isPhaseflowError, odeProblem } from '@phaseflow/core';
import * as rk from '@phaseflow/runge-kutta';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const { BS3, DOP853, DOPRI5, RK4, checkTableau, createRungeKutta, createDopri5, orderConditionResiduals, rungeKuttaMethods, solveIvp } = rk;

const thrown = (call: () => unknown) => {
  try {
    call();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, argument: e.details.argument } : e;
  }
  return 'returned';
};

/** y' = −y + sin t on R²: smooth, cheap, non-autonomous. */
const problem = odeProblem<Float64Array>((t, y, out = new Float64Array(2)) => {
  out[0] = -y[0]! + Math.sin(t);
  out[1] = -0.5 * y[1]!;
  return out;
});
const y0 = () => Float64Array.of(1, 2);
/**
 * A constant field for the options of adaptive solves: the extreme but valid times the probe
 * passes (t0 or tEnd = −1e6) finish in a few steps instead of running into the step budget or
 * the exponential growth of a decaying problem run backwards.
 */
const drift = odeProblem<Float64Array>((_t, _y, out = new Float64Array(2)) => {
  out[0] = 0.5;
  out[1] = -0.25;
  return out;
});

/** The main entry, with valid leading arguments so that later positions are reached. */
async function probeMain() {
  return probeBadInputs(rk as unknown as Record<string, unknown>, {
    accepts: { checkTableau: 'its second argument names the tableau in the errors: any non-empty string is valid (the first is refused on every bad value)' },
    valid: {
      checkTableau: [RK4],
      orderConditionResiduals: [RK4.a, RK4.b],
      solveIvp: [createDopri5(), problem, y0()],
    },
  });
}

/** What the factories make: every method at every argument of its verbs, and an adaptive stepper of each pair. */
async function probeMade() {
  const integrators: Record<string, rk.RungeKuttaIntegrator> = Object.fromEntries(Object.entries(rungeKuttaMethods).map(([k, make]) => [k, make()]));
  const valid: Record<string, unknown[]> = {};
  for (const [k, m] of Object.entries(integrators)) {
    valid[`${k}.step`] = [problem, 0, y0(), 0.01];
    valid[`${k}.advance`] = [problem, 0, y0(), 0.01, 3];
    valid[`${k}.prepareAdvance`] = [problem, y0()];
    if (m.adaptive) valid[`${k}.adaptive`] = [problem, 0, y0(), 1];
  }
  const steppers: Record<string, rk.RungeKuttaStepper<Float64Array>> = {};
  for (const k of ['bs3', 'dopri5', 'tsit5', 'dop853'] as const) {
    const s = integrators[k]!.adaptive!(problem, 0, y0(), 1, {});
    s.advance(0.5);
    steppers[`${k}Stepper`] = s;
    valid[`${k}Stepper.interpolate`] = [0.4];
  }
  const prepared = { advancer: rungeKuttaMethods.rk4().prepareAdvance!(problem, y0(), 0.01)! };
  return probeBadInputs({ ...integrators, ...steppers, prepared } as unknown as Record<string, unknown>, {
    valid,
    skip: { 'prepared.advancer': "prepareAdvance's contract: no argument checks (the driver passes states shaped like y and n >= 1)" },
  });
}

/** Every field of a tableau, of an adaptive solve and of solveIvp, probed on its own. */
async function probeOptions() {
  const emb = DOPRI5.embedded!;
  const adaptiveKeys = ['rtol', 'atol', 'h0', 'minStep', 'maxStep', 'maxSteps', 'beta', 'safety', 'minFactor', 'maxFactor'];
  const module = {
    tableau: eachOption(['name', 'order', 'c', 'a', 'b', 'fsal', 'reference', 'embedded', 'dense'], (k, v) => createRungeKutta({ ...DOPRI5, [k]: v })),
    embedded: eachOption(['errorOrder', 'e', 'e3', 'eOrder', 'e3Order', 'controller'], (k, v) =>
      createRungeKutta({ ...DOPRI5, embedded: { ...emb, [k]: v } } as never),
    ),
    embedded853: eachOption(['e3', 'eOrder', 'e3Order'], (k, v) => createRungeKutta({ ...DOP853, embedded: { ...DOP853.embedded!, [k]: v } } as never)),
    controller: eachOption(['beta', 'safety', 'minFactor', 'maxFactor'], (k, v) =>
      createRungeKutta({ ...BS3, embedded: { ...BS3.embedded!, controller: { ...BS3.embedded!.controller, [k]: v } } } as never),
    ),
    dense: eachOption(['kind', 'order', 'p'], (k, v) => createRungeKutta({ ...DOPRI5, dense: { ...DOPRI5.dense!, [k]: v } } as never)),
    dense853: eachOption(['order', 'c', 'a', 'd'], (k, v) => createRungeKutta({ ...DOP853, dense: { ...DOP853.dense!, [k]: v } } as never)),
    adaptive: eachOption(adaptiveKeys, (k, v) => createDopri5().adaptive!(drift, 0, y0(), 1, { [k]: v })),
    solveIvp: eachOption([...adaptiveKeys, 't0', 'tEnd', 'saveAt', 'events', 'eventTolerance', 'eventSamples', 'observers', 'signal'], (k, v) =>
      solveIvp(createDopri5(), drift, y0(), { tEnd: 1, [k]: v } as never),
    ),
    checkTableau: eachOption(['argument'], (_k, v) => checkTableau(RK4, v as never)),
  };
  const accepts = {
    'tableau.name': "any non-empty string is a valid name (the probe's 'not-a-valid-value' and sampled strings)",
    'tableau.reference': 'any non-empty string is a valid reference',
    'tableau.fsal': 'true is valid for DOPRI5 (its last stage is f(t + h, y₁))',
    'checkTableau.argument': 'any non-empty string is a valid argument name',
    'adaptive.maxStep': 'Infinity is a valid maxStep (no limit)',
    'solveIvp.maxStep': 'Infinity is a valid maxStep (no limit)',
    'solveIvp.events': '[] is a valid (empty) list of events',
    'solveIvp.observers': '[] is a valid (empty) list of observers',
  };
  return probeBadInputs(module, { accepts });
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
  it(`@phaseflow/runge-kutta: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`the integrators its factories make and their adaptive steppers: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`every field of a tableau, an adaptive solve and solveIvp: ${formatBadInputCounts(options)}`, () => {
    expect(formatBadInputFindings(options), formatBadInputCounts(options)).toBe('');
    // true for fsal, Infinity for the two maxSteps, [] for events and observers; every non-empty string for the three names.
    expect(options.acceptedAllowed).toBe(5 + 3 * stringsProbed);
  });

  it('a vector field that throws is CALLBACK_FAILED naming problem.f, with t and the thrown error as cause, on every path', () => {
    const boom = new Error('boom');
    let calls = 0;
    // Throws on its 6th call: inside a step, past the first stage.
    const failing = odeProblem<Float64Array>((_t, y, out = new Float64Array(2)) => {
      if (++calls % 6 === 0) throw boom;
      return (out.set(y), out);
    });
    const caught = (call: () => unknown) => {
      calls = 0;
      try {
        call();
      } catch (e) {
        return isPhaseflowError(e) ? { code: e.code, callback: e.details.callback, cause: (e as Error).cause, t: typeof e.details.t } : e;
      }
      return 'returned';
    };
    const want = { code: 'CALLBACK_FAILED', callback: 'problem.f', cause: boom, t: 'number' };
    for (const m of [rungeKuttaMethods.rk4(), rungeKuttaMethods.dop853(), rungeKuttaMethods.euler()]) {
      expect(
        caught(() => m.advance!(failing, 0, y0(), 0.01, 20)),
        `${m.name}.advance`,
      ).toEqual(want);
      expect(
        caught(() => m.prepareAdvance!(failing, y0(), 0.01)!(0, y0(), 20)),
        `${m.name} prepared`,
      ).toEqual(want);
      expect(
        caught(() => {
          for (let j = 0; j < 20; j++) m.step(failing, 0, y0(), 0.01);
        }),
        `${m.name}.step`,
      ).toEqual(want);
    }
    expect(caught(() => createDopri5().adaptive!(failing, 0, y0(), 10, {}).advance(10))).toEqual(want);
    expect(caught(() => solveIvp(createDopri5(), failing, y0(), { tEnd: 10 }))).toMatchObject({ code: 'CALLBACK_FAILED', callback: 'problem.f', cause: boom });
    // The field's own coded refusal is passed on as it is.
    const coded = odeProblem<Float64Array>((_t, y) => invalid('y', 'something else', y));
    expect(thrown(() => rungeKuttaMethods.rk4().advance!(coded, 0, y0(), 0.01, 3))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'y' });
  });

  it('a state or out buffer that is not a vector of the problem is refused', () => {
    const m = rungeKuttaMethods.rk4();
    expect(thrown(() => m.step(problem, NaN, y0(), 0.01))).toEqual({ code: 'NON_FINITE_INPUT', argument: 't' });
    expect(thrown(() => m.step(problem, 0, Float64Array.of(1), 0.01, new Float64Array(3)))).toEqual({ code: 'SHAPE_MISMATCH', argument: 'out' });
    expect(thrown(() => m.advance!(problem, 0, [1, 2] as never, 0.01, 2))).toMatchObject({ argument: 'y' });
  });

  it('a tableau that misses its declared order conditions is refused, naming the field', () => {
    expect(thrown(() => createRungeKutta({ ...RK4, order: 5 }))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'tableau.order' });
    expect(thrown(() => createRungeKutta({ ...RK4, b: [0.25, 0.25, 0.25, 0.25] }))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'tableau.order' });
    expect(thrown(() => createRungeKutta({ ...RK4, c: [0, 0.5, 0.5, 0.9] }))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'tableau.c[3]' });
    expect(orderConditionResiduals(RK4.a, RK4.b, 4).every((r) => Math.abs(r.residual) < 1e-15)).toBe(true);
  });
});
