import cliProgress from 'cli-progress';
import { checkInteger, checkOptions, invalid, type Observer } from '@phaseflow/core';

/** Where the bar is drawn: anything with `write` (process.stderr by default). */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * A progress bar for any run: integration (by time or steps) and training (by epochs). It
 * draws a real bar (cli-progress) when the stream is a TTY and stays quiet otherwise, unless
 * `force` is set. It lives in the CLI package, beside the `phaseflow` command's own bars, so the
 * library packages stay free of terminal dependencies.
 *
 * The bar declares its cadence (core's `Observer.every`): it needs a step only every 1/1000 of
 * the run, the bar's resolution, so it asks for every ⌈total / 1000⌉-th step when the run
 * announces its step count (fixed-step integration), and `integrate` advances in chunks between
 * those steps instead of one step at a time. `every` sets the cadence by hand; runs without a
 * known total (adaptive ones) are watched at every step unless `every` is given, and a quiet
 * bar (no TTY, no `force`) or one counting epochs asks for no steps at all.
 *
 * @example
 * ```ts
 * import { createProgress } from '@phaseflow/cli';
 *
 * integrate(rk4, lorenz, y0, { tEnd: 100, h: 1e-3, observers: [createProgress({ label: 'lorenz' })] });
 * ```
 */
export function createProgress(options: { label?: string; stream?: ProgressStream; force?: boolean; every?: number } = {}): Observer {
  const o = checkOptions('options', options, ['label', 'stream', 'force', 'every']);
  const fixedEvery = o.every === undefined ? undefined : checkInteger('options.every', o.every, { min: 1 });
  const stream = (o.stream === undefined ? (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr : o.stream) as ProgressStream;
  if (typeof stream?.write !== 'function') invalid('options.stream', 'a writable stream', stream);
  const enabled = o.force === true || stream.isTTY === true;
  if (o.force !== undefined && typeof o.force !== 'boolean') invalid('options.force', 'a boolean', o.force);
  if (o.label !== undefined && typeof o.label !== 'string') invalid('options.label', 'a string', o.label);
  const label = o.label === undefined ? 'run' : o.label;
  let bar: cliProgress.SingleBar | undefined;
  let t0 = 0;
  let span = 0;
  let total = 0;
  let mode: 'time' | 'steps' | 'epochs' = 'time';
  let lastDraw = 0;
  /** The step cadence the driver reads after run:start (see the doc comment). */
  let every = fixedEvery ?? 1;
  const start = () => {
    bar?.stop();
    bar = new cliProgress.SingleBar(
      {
        format: `${label} |{bar}| {percentage}% | {info}`,
        stream: stream as never,
        noTTYOutput: o.force === true && stream.isTTY !== true,
        notTTYSchedule: 1000,
        hideCursor: false,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1000, 0, { info: '' });
  };
  const update = (fraction: number, info: string) => {
    const now = Date.now();
    if (now - lastDraw < 50 && fraction < 1) return;
    lastDraw = now;
    bar?.update(Math.round(1000 * Math.min(1, Math.max(0, fraction))), { info });
  };
  return {
    name: 'progress',
    get every() {
      return every;
    },
    on: {
      'run:start'(e) {
        // A quiet bar, or one that counts epochs, needs no steps: the rarest cadence there is.
        const none = !enabled || e.run === 'training';
        every = fixedEvery ?? (none ? Number.MAX_SAFE_INTEGER : e.total !== undefined ? Math.max(1, Math.ceil(e.total / 1000)) : 1);
        if (!enabled) return;
        if (e.run === 'training') mode = 'epochs';
        else if (e.t0 !== undefined && e.tEnd !== undefined) mode = 'time';
        else mode = 'steps';
        t0 = e.t0 ?? 0;
        span = (e.tEnd ?? 1) - t0;
        total = e.total ?? 0;
        start();
      },
      step(e) {
        if (!bar || mode === 'epochs') return;
        const f = mode === 'time' ? (e.t - t0) / span : total > 0 ? e.step / total : 0;
        update(f, `step ${e.step}, t = ${e.t.toPrecision(4)}`);
      },
      'epoch:end'(e) {
        if (!bar) return;
        const n = e.total ?? total;
        update(n > 0 ? (e.epoch + 1) / n : 0, `epoch ${e.epoch + 1}${n ? `/${n}` : ''}, loss ${e.loss.toPrecision(4)}`);
      },
      'run:end'(e) {
        if (!bar) return;
        if (e.status === 'completed') bar.update(1000, { info: `done in ${e.steps} steps` });
        bar.stop();
        bar = undefined;
      },
    },
  };
}
