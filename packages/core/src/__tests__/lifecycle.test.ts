import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PhaseflowError, callbackFailed, createRunLifecycle, type Observer, type RunEndEvent } from '@phaseflow/core';

/** An observer that records every run:start / run:end it sees. */
function recorder(): { observer: Observer; starts: number; ends: RunEndEvent[] } {
  const rec = { starts: 0, ends: [] as RunEndEvent[] };
  const observer: Observer = { name: 'rec', on: { 'run:start': () => void rec.starts++, 'run:end': (e) => void rec.ends.push(e) } };
  return Object.assign(rec, { observer });
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('createRunLifecycle', () => {
  it('emits run:start and run:end once each on a completed run, with steps and t', () => {
    const rec = recorder();
    const run = createRunLifecycle({ run: 'training', name: 'demo', observers: [rec.observer] });
    expect(run.state).toBe('idle');
    run.start({ total: 3 });
    for (let i = 0; i < 3; i++) run.step({ step: i + 1, t: 0.1 * (i + 1), h: 0.1, state: undefined });
    expect(run.finish()).toBe('completed');
    run.finish();
    expect(rec.starts).toBe(1);
    expect(rec.ends).toEqual([{ status: 'completed', steps: 3, t: 0.30000000000000004 }]);
    expect(run.state).toBe('ended');
    expect(() => run.start()).toThrow(PhaseflowError);
  });

  it('reports an observer stop request from step() and finishes as stopped with the reason', () => {
    const rec = recorder();
    const stopper: Observer = { name: 'stop', on: { step: (e, c) => (e.step === 2 ? c.stop('enough') : undefined) } };
    const run = createRunLifecycle({ run: 'integration', name: 'x', observers: [stopper, rec.observer] });
    run.start();
    expect(run.step({ step: 1, t: 1, h: 1, state: null })).toBe(false);
    expect(run.step({ step: 2, t: 2, h: 1, state: null })).toBe(true);
    expect(run.finish()).toBe('stopped');
    expect(rec.ends).toEqual([{ status: 'stopped', steps: 2, t: 2, reason: 'enough' }]);
  });

  it('fail() throws the code with step, t and partial, after one run:end { failed }', () => {
    const rec = recorder();
    const run = createRunLifecycle({ run: 'training', name: 'demo', observers: [rec.observer], partial: (status) => ({ status, loss: [1, 2] }) });
    run.start();
    run.at(7, 0.7);
    const e = thrownBy(() => run.fail('NON_FINITE_STATE', 'loss became NaN', { h: 0.1 })) as PhaseflowError;
    expect(e.code).toBe('NON_FINITE_STATE');
    expect(e.details).toMatchObject({ step: 7, t: 0.7, h: 0.1 });
    expect(e.partial).toEqual({ status: 'failed', loss: [1, 2] });
    expect(rec.ends).toHaveLength(1);
    expect(rec.ends[0]).toMatchObject({ status: 'failed', steps: 7, t: 0.7 });
    expect(rec.ends[0]!.error).toBe(e);
    // The error passes failWith untouched, and no second run:end goes out.
    expect(thrownBy(() => run.failWith(e))).toBe(e);
    expect(rec.ends).toHaveLength(1);
  });

  it('checkAbort() lands as ABORTED with the signal reason as cause and an aborted partial', () => {
    const rec = recorder();
    const ctl = new AbortController();
    const run = createRunLifecycle({ run: 'training', name: 'demo', observers: [rec.observer], signal: ctl.signal, partial: (s) => ({ s }) });
    run.start();
    run.checkAbort();
    ctl.abort('user');
    run.at(3);
    const e = thrownBy(() => run.checkAbort()) as PhaseflowError;
    expect(e.code).toBe('ABORTED');
    expect(e.cause).toBe('user');
    expect(e.partial).toEqual({ s: 'aborted' });
    expect(e.details.step).toBe(3);
    expect(rec.ends.map((x) => x.status)).toEqual(['aborted']);
  });

  it('failWith() turns a foreign throw into CALLBACK_FAILED naming the callback, cause kept', () => {
    const rec = recorder();
    const run = createRunLifecycle({ run: 'training', name: 'demo', observers: [rec.observer], partial: () => 'p' });
    run.start();
    run.at(2, 0.5);
    const boom = new TypeError('boom');
    const e = thrownBy(() =>
      run.guard('options.loss', () => {
        throw boom;
      }),
    ) as PhaseflowError;
    expect(e.code).toBe('CALLBACK_FAILED');
    expect(e.details).toMatchObject({ callback: 'options.loss', step: 2, t: 0.5 });
    expect(e.cause).toBe(boom);
    expect(e.partial).toBe('p');
    expect(e.message).toMatch(/options\.loss threw at step 2, t = 0\.5: boom/);
    expect(rec.ends).toHaveLength(1);
  });

  it('failWith() keeps the code of a PhaseflowError from elsewhere and adds step, t and partial', () => {
    const run = createRunLifecycle({ run: 'integration', name: 'gl', partial: () => 'p' });
    run.start();
    run.at(4, 0.4);
    const inner = new PhaseflowError('CONVERGENCE_FAILURE', 'no fixed point', { iterations: 50 });
    const e = thrownBy(() => run.failWith(inner)) as PhaseflowError;
    expect(e.code).toBe('CONVERGENCE_FAILURE');
    expect(e.message).toBe('[CONVERGENCE_FAILURE] no fixed point');
    expect(e.details).toMatchObject({ iterations: 50, step: 4, t: 0.4 });
    expect(e.cause).toBe(inner);
    expect(e.partial).toBe('p');
  });

  it('guard() passes results through and wraps a rejected promise', async () => {
    const run = createRunLifecycle({ run: 'training', name: 'demo' });
    run.start();
    expect(run.guard('f', () => 42)).toBe(42);
    await expect(run.guard('score', async () => 1)).resolves.toBe(1);
    await expect(run.guard('score', () => Promise.reject(new Error('late')))).rejects.toMatchObject({
      code: 'CALLBACK_FAILED',
      details: { callback: 'score' },
    });
  });

  it('an observer throwing on run:end does not hide the failure', () => {
    const bad: Observer = {
      name: 'bad',
      on: {
        'run:end': () => {
          throw new Error('observer bug');
        },
      },
    };
    const run = createRunLifecycle({ run: 'training', name: 'demo', observers: [bad] });
    run.start();
    const e = thrownBy(() => run.fail('NON_FINITE_STATE', 'NaN')) as PhaseflowError;
    expect(e.code).toBe('NON_FINITE_STATE');
    expect((e.details.runEndError as PhaseflowError).code).toBe('CALLBACK_FAILED');
  });

  it('validates its options', () => {
    expect(() => createRunLifecycle(null as never)).toThrow(PhaseflowError);
    expect(() => createRunLifecycle({ run: 'x', name: 'y', signal: {} as never })).toThrow(/options\.signal/);
    expect(() => createRunLifecycle({ run: 'x', name: 'y', observers: [{}] as never })).toThrow(/options\.observers\[0\]/);
    expect(() => createRunLifecycle({ run: 'x', name: 'y', partial: 1 as never })).toThrow(/options\.partial/);
  });

  it('property: however a run ends, run:end goes out exactly once and errors carry step, t and partial', () => {
    type Op = { kind: 'step' } | { kind: 'fail' } | { kind: 'abort' } | { kind: 'throw'; coded: boolean } | { kind: 'finish' };
    const op = fc.oneof(
      fc.constant<Op>({ kind: 'step' }),
      fc.constant<Op>({ kind: 'fail' }),
      fc.constant<Op>({ kind: 'abort' }),
      fc.boolean().map<Op>((coded) => ({ kind: 'throw', coded })),
      fc.constant<Op>({ kind: 'finish' }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        const rec = recorder();
        const ctl = new AbortController();
        const run = createRunLifecycle({ run: 'training', name: 'p', observers: [rec.observer], signal: ctl.signal, partial: (status) => ({ status }) });
        run.start();
        let step = 0;
        let error: unknown;
        try {
          for (const o of ops) {
            if (o.kind === 'step') run.step({ step: ++step, t: step / 10, h: 0.1, state: undefined });
            else if (o.kind === 'fail') run.fail('NON_FINITE_STATE', 'bad');
            else if (o.kind === 'abort') {
              ctl.abort();
              run.checkAbort();
            } else if (o.kind === 'throw') {
              try {
                if (o.coded) throw new PhaseflowError('CONVERGENCE_FAILURE', 'inner');
                throw new Error('user');
              } catch (e) {
                run.failWith(e, 'cb');
              }
            } else break;
          }
          run.finish();
        } catch (e) {
          error = e;
        }
        expect(rec.starts).toBe(1);
        expect(rec.ends).toHaveLength(1);
        if (error !== undefined) {
          const e = error as PhaseflowError;
          expect(e).toBeInstanceOf(PhaseflowError);
          expect(e.details.step).toBe(step);
          if (step > 0) expect(e.details.t).toBe(step / 10);
          expect(e.partial).toEqual({ status: e.code === 'ABORTED' ? 'aborted' : 'failed' });
          expect(rec.ends[0]!.error).toBe(e);
          expect(rec.ends[0]!.status).toBe(e.code === 'ABORTED' ? 'aborted' : 'failed');
        } else expect(rec.ends[0]!.status).toBe('completed');
      }),
      { seed: 1313, numRuns: 300 },
    );
  });
});

describe('callbackFailed', () => {
  it('names the callback and where the run was, keeping the cause', () => {
    const cause = new Error('x');
    const e = callbackFailed('problem.f', cause, { step: 3, t: 1.5 });
    expect(e.code).toBe('CALLBACK_FAILED');
    expect(e.message).toBe('[CALLBACK_FAILED] problem.f threw at step 3, t = 1.5: x');
    expect(e.details).toEqual({ callback: 'problem.f', step: 3, t: 1.5 });
    expect(e.cause).toBe(cause);
  });

  it('observers that throw surface as CALLBACK_FAILED naming the observer and event', () => {
    const bad: Observer = {
      name: 'flaky',
      on: {
        step: () => {
          throw new RangeError('oops');
        },
      },
    };
    const run = createRunLifecycle({ run: 'training', name: 'demo', observers: [bad] });
    run.start();
    const e = thrownBy(() => run.step({ step: 1, t: 0.1, h: 0.1, state: undefined })) as PhaseflowError;
    expect(e.code).toBe('CALLBACK_FAILED');
    expect(e.details.callback).toBe('options.observers[0].on["step"] (observer "flaky")');
    expect(e.details).toMatchObject({ step: 1, t: 0.1 });
    expect(e.cause).toBeInstanceOf(RangeError);
  });
});
