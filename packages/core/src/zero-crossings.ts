/**
 * Zero-crossing events of a run: functions g(t, y) whose sign changes the driver locates
 * inside each step — on the integrator's dense output where it has one, otherwise by
 * re-stepping from the start of the step (the integrator's own solution at any time inside).
 * After Hairer, Nørsett & Wanner, Solving ODEs I, §II.6 (dense output, event location) and
 * scipy's `solve_ivp` events, with one improvement: on dense output each step is sampled at
 * interior points first, so two (or more) sign changes inside one step are all found.
 */
import { callbackFailed, PhaseflowError } from './errors.js';
import type { StateOps } from './vector-space.js';
import { checkFunction, checkOneOf, checkOptions, describeValue, invalid } from './validate.js';

/** A zero crossing to watch for: g(t, y) changing sign. */
export interface EventSpec<Y = Float64Array> {
  /** The event function; its zeros are the events. Must return a finite number. */
  readonly g: (t: number, y: Y) => number;
  /** Which crossings count: `up` (g from − to +), `down` (+ to −) or `both` (default), in the direction of integration. */
  readonly direction?: 'up' | 'down' | 'both';
  /** End the run at the first such crossing (default false): the solution's status is `terminated`. */
  readonly terminal?: boolean;
  /** A name for the record (default `event<i>`). */
  readonly name?: string;
}

/** One located event. */
export interface EventRecord<Y = Float64Array> {
  /** Index of the event in `options.events`. */
  readonly index: number;
  readonly name: string;
  /** Time of the zero crossing (to the event tolerance). */
  readonly t: number;
  /** State at `t` (an independent copy), from the dense output or a re-step. */
  readonly y: Y;
  /** Sign change seen, in the direction of integration. */
  readonly direction: 'up' | 'down';
  readonly terminal: boolean;
}

interface Spec<Y> {
  readonly g: (t: number, y: Y) => number;
  readonly direction: 'up' | 'down' | 'both';
  readonly terminal: boolean;
  readonly name: string;
}

/** Validate `options.events` (a coded error naming the entry and field). */
export function checkEvents<Y>(argument: string, events: unknown): Spec<Y>[] {
  if (!Array.isArray(events)) invalid(argument, 'an array of { g, direction?, terminal?, name? }', events);
  return events.map((ev, i) => {
    const e = checkOptions(`${argument}[${i}]`, ev as EventSpec<Y>, ['g', 'direction', 'terminal', 'name']);
    checkFunction(`${argument}[${i}].g`, e.g);
    const direction = e.direction === undefined ? 'both' : checkOneOf(`${argument}[${i}].direction`, e.direction, ['up', 'down', 'both'] as const);
    if (e.terminal !== undefined && typeof e.terminal !== 'boolean') invalid(`${argument}[${i}].terminal`, 'a boolean', e.terminal);
    if (e.name !== undefined && (typeof e.name !== 'string' || e.name === '')) invalid(`${argument}[${i}].name`, 'a non-empty string', e.name);
    return { g: e.g, direction, terminal: e.terminal ?? false, name: e.name ?? `event${i}` };
  });
}

/**
 * Brent's method on a bracket [a, b] with f(a)·f(b) < 0 (R. P. Brent, Algorithms for
 * Minimization without Derivatives, 1973, ch. 4 "zeroin"); `tol` is absolute, 4ε|x| is added.
 */
function brent(f: (x: number) => number, a: number, b: number, fa: number, fb: number, tol: number): number {
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < 200; iter++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 4 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  return b;
}

/** The state at a time inside the current step; `out` is a scratch state it may write into (mutable spaces). */
export type StateAt<Y> = (t: number, out?: Y) => Y;

/** Finds the events of a run step by step (see the module comment). */
export interface EventDetector<Y> {
  /** Every event found so far, in time order. */
  readonly records: EventRecord<Y>[];
  /** Evaluate the event functions at the initial point. */
  start(t0: number, y0: Y): void;
  /**
   * Scan the step tOld → tNew (ending in `yNew`): record its crossings in time order up to and
   * including the first terminal one, which is returned (undefined when the run goes on).
   */
  scan(tOld: number, tNew: number, yNew: Y, stateAt: StateAt<Y>, samples: number): EventRecord<Y> | undefined;
}

/** Build the detector of a run over `specs` (validated by {@link checkEvents}). */
export function createEventDetector<Y>(
  specs: readonly Spec<Y>[],
  space: StateOps<Y>,
  like: Y,
  tolerance: number,
  argument = 'options.events',
): EventDetector<Y> {
  const n = specs.length;
  const gPrev = new Float64Array(n);
  const records: EventRecord<Y>[] = [];
  let scratch: Y[] = [];
  let probeBuffer: Y | undefined;
  const probe = (): Y | undefined => (space.mutable ? (probeBuffer ??= space.clone(like)) : undefined);
  const release = (v: Y) => {
    if (!space.mutable) space.dispose?.(v);
  };
  const evalG = (i: number, t: number, y: Y): number => {
    let v: unknown;
    try {
      v = specs[i]!.g(t, y);
    } catch (e) {
      if (e instanceof PhaseflowError) throw e;
      throw callbackFailed(`${argument}[${i}].g`, e, { t });
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const received = describeValue(v);
      throw new PhaseflowError('INVALID_EVENT_VALUE', `${argument}[${i}].g: expected a finite number at t = ${t}, received ${received}`, {
        argument: `${argument}[${i}].g`,
        expected: 'a finite number',
        received,
        t,
      });
    }
    return v;
  };
  const crossings: { index: number; t: number; dirn: 'up' | 'down' }[] = [];
  const times: number[] = [];
  const values: number[] = [];
  return {
    records,
    start(t0, y0) {
      for (let i = 0; i < n; i++) gPrev[i] = evalG(i, t0, y0);
    },
    scan(tOld, tNew, yNew, stateAt, samples) {
      const m = samples;
      // Interior sample states, shared by every event function.
      const states: Y[] = [];
      times.length = 0;
      times.push(tOld);
      if (m > 0) {
        if (space.mutable && scratch.length < m) scratch = Array.from({ length: m }, () => space.clone(like));
        for (let j = 1; j <= m; j++) {
          const tj = tOld + ((tNew - tOld) * j) / (m + 1);
          times.push(tj);
          states.push(stateAt(tj, space.mutable ? scratch[j - 1] : undefined));
        }
      }
      times.push(tNew);
      crossings.length = 0;
      for (let i = 0; i < n; i++) {
        const spec = specs[i]!;
        values.length = 0;
        values.push(gPrev[i]!);
        for (let j = 0; j < m; j++) values.push(evalG(i, times[j + 1]!, states[j]!));
        const gNew = evalG(i, tNew, yNew);
        values.push(gNew);
        gPrev[i] = gNew;
        for (let k = 0; k + 1 < values.length; k++) {
          const a = values[k]!;
          const b = values[k + 1]!;
          const up = a < 0 && b >= 0;
          const down = a > 0 && b <= 0;
          if (!(up && spec.direction !== 'down') && !(down && spec.direction !== 'up')) continue;
          const tb = times[k + 1]!;
          let te = tb;
          if (b !== 0) {
            const phi = (tau: number) => {
              const y = stateAt(tau, probe());
              const v = evalG(i, tau, y);
              if (y !== yNew) release(y);
              return v;
            };
            te = brent(phi, times[k]!, tb, a, b, tolerance);
          }
          crossings.push({ index: i, t: te, dirn: up ? 'up' : 'down' });
        }
      }
      for (const s of states) release(s);
      if (crossings.length === 0) return undefined;
      const dir = tNew > tOld ? 1 : -1;
      crossings.sort((a, b) => (a.t - b.t) * dir);
      let stopAt = -1;
      for (let j = 0; j < crossings.length; j++) {
        if (specs[crossings[j]!.index]!.terminal) {
          stopAt = j;
          break;
        }
      }
      const last = stopAt >= 0 ? stopAt : crossings.length - 1;
      for (let j = 0; j <= last; j++) {
        const c = crossings[j]!;
        const spec = specs[c.index]!;
        let y: Y;
        if (c.t === tNew) y = space.clone(yNew);
        else {
          const at = stateAt(c.t, probe());
          y = space.clone(at);
          release(at);
        }
        records.push({ index: c.index, name: spec.name, t: c.t, y, direction: c.dirn, terminal: spec.terminal });
      }
      return stopAt >= 0 ? records[records.length - 1] : undefined;
    },
  };
}
