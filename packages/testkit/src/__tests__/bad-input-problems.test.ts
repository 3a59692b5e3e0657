/**
 * Bad input over @phaseflow/problems (issue 13): every export and the helpers of every
 * reference problem it builds (`energy`, `exact`, `fromFlat`, `bounce`, `impactTimes`, the
 * invariants), each answered with a coded PhaseflowError naming the argument.
 *
 * The suite lives here rather than in packages/problems: the testkit depends on
 * @phaseflow/problems, so problems cannot take the testkit as a dev dependency (a cycle in the
 * build graph that nx refuses).
 */
import * as problems from '@phaseflow/problems';
import { formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

const {
  arenstorf,
  bouncingBall,
  doublePendulum,
  expSin,
  forcedOscillator,
  harmonicOscillator,
  henonHeiles,
  kepler,
  lorenz63,
  lorenz96,
  outerSolarSystem,
  pendulum,
} = problems;

/** Every reference problem, and every kind of Kepler problem, with its invariants as a table of its own. */
function built(): Record<string, unknown> {
  const refs: Record<string, { invariants?: Record<string, unknown> }> = {
    arenstorf: arenstorf(),
    bouncingBall: bouncingBall(),
    doublePendulum: doublePendulum(),
    expSin: expSin(),
    forcedOscillator: forcedOscillator(),
    harmonicOscillator: harmonicOscillator(),
    henonHeiles: henonHeiles(),
    keplerSeparable: kepler(),
    keplerPartitioned: kepler({ kind: 'partitioned' }),
    keplerHamiltonian: kepler({ kind: 'hamiltonian' }),
    keplerOde: kepler({ kind: 'ode' }),
    lorenz63: lorenz63(),
    lorenz96: lorenz96(),
    outerSolarSystem: outerSolarSystem(),
    pendulum: pendulum(),
  };
  const out: Record<string, unknown> = { ...refs };
  for (const [name, r] of Object.entries(refs)) if (r.invariants) out[`${name}Invariants`] = { ...r.invariants };
  return out;
}

const main = await probeBadInputs(problems as unknown as Record<string, unknown>, { valid: { eccentricAnomaly: [1] } });
const made = await probeBadInputs(built());

describe('@phaseflow/problems: bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/problems: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`the reference problems it builds: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
});
