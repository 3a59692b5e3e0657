/**
 * Checks of what the observers' handlers are handed: core's drivers always pass well-formed
 * events and a run control, so these cost one typeof each on the path of valid calls, and a
 * handler called by hand with something else answers with a coded error naming it.
 */
import { checkFinite, checkInteger, checkOneOf, invalid, type RunControl, type StepEvent } from '@phaseflow/core';

/** An event object (of the kind named in `expected`). */
export function checkEvent(event: unknown, expected: string): void {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) invalid('event', expected, event);
}

/** A run:start event { run, name, ... }: `run` names the kind of run. */
export function checkStartEvent(event: unknown): void {
  checkEvent(event, 'the run:start event { run, name, problem?, t0?, state?, ... }');
  const run = (event as { run?: unknown }).run;
  if (typeof run !== 'string' || run === '') invalid('event.run', 'the kind of run (a non-empty string)', run);
}

/** A run:end event { status, steps, ... }. */
export function checkEndEvent(event: unknown): void {
  checkEvent(event, 'the run:end event { status, steps, ... }');
  checkOneOf('event.status', (event as { status?: unknown }).status, ['completed', 'stopped', 'aborted', 'failed']);
}

/** A step event { step, t, h, state }: step an integer >= 0, t finite. */
export function checkStepEvent(event: unknown): StepEvent {
  checkEvent(event, 'a step event { step, t, h, state }');
  const e = event as StepEvent;
  checkInteger('event.step', e.step, { min: 0 });
  checkFinite('event.t', e.t);
  return e;
}

/** The run control a handler may stop the run through. */
export function checkControl(control: unknown): RunControl {
  if (control === null || typeof control !== 'object' || typeof (control as RunControl).stop !== 'function') {
    invalid('control', 'the run control { stop(reason) } the run hands every handler', control);
  }
  return control as RunControl;
}
