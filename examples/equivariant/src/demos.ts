/**
 * `phaseflow demo rotated-digits`: a plain CNN and a P4 CNN with equal weights per layer,
 * trained on upright digits, tested at every rotation angle.
 *
 * `phaseflow demo p4-feature-maps`: the four feature maps of a p4 lifting layer for a digit
 * and for the digit turned by 90° — the same maps, rotated and shifted by one copy.
 *
 * `phaseflow demo nbody-trajectories`: an EGNN trained on one-frame steps of the charged
 * particles, rolled out from frame 30 to 40 against the simulation.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOptions, type Demo } from '@phaseflow/core';
import { rotateImage, rotatedDigits } from '@phaseflow/datasets';
import { C4, PhaseflowLiftingConv, transformGroupFeatures, transformImages } from '@phaseflow/equivariant';
import { useBestBackend } from '@phaseflow/tfjs';
import { runRotatedDigits } from './digits.js';
import { runNbodyRollout } from './nbody.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

const rotatedDigitsDemo: Demo = {
  name: 'rotated-digits',
  title: 'Rotated digits: a P4 CNN against a plain CNN of the same size, trained upright',
  description:
    "Two CNNs with the same number of weights per hidden layer (three 3 × 3 conv layers: a plain CNN with 16 channels; a P4 CNN with 8 features × 4 rotations; 2304 weights per hidden layer each, GrouPy's design) are trained for 3 epochs on 1000 upright 14 × 14 digits of the `mnist` package and tested on 100 other digits turned by every multiple of 15°. The P4 CNN ends in pooling over the group and over the plane, so it gives the same answer at 0°, 90°, 180° and 270°; between those it interpolates.",
  async run(ctx) {
    await useBestBackend({ prefer: 'wasm' });
    const angles = Array.from({ length: 24 }, (_, i) => 15 * i);
    const run = await runRotatedDigits({ seed: ctx.seed, train: 1000, test: 100, epochs: 3, channels: 16, angles, onProgress: (f, m) => ctx.progress(f, m) });
    ctx.progress(1);
    const rows = (['z2', 'p4'] as const).flatMap((m) =>
      run.angles.map((a, i) => ({ model: m === 'z2' ? 'Z2 CNN (16 channels)' : 'P4 CNN (8 features × 4)', angle: a, accuracy: run.accuracy[m][i]! })),
    );
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const quarter = (a: number[]) => [0, 6, 12, 18].map((i) => a[i]!);
    const numbers = {
      parameters: run.parameters,
      trainSeconds: run.trainSeconds,
      meanAccuracy: { z2: +mean(run.accuracy.z2).toFixed(3), p4: +mean(run.accuracy.p4).toFixed(3) },
      accuracyAtQuarterTurns: { z2: quarter(run.accuracy.z2), p4: quarter(run.accuracy.p4) },
      accuracyByAngle: run.accuracy,
      angles: run.angles,
    };
    return {
      summary: `Averaged over all angles the P4 CNN classifies ${(100 * numbers.meanAccuracy.p4).toFixed(0)} % of the turned digits, the plain CNN ${(100 * numbers.meanAccuracy.z2).toFixed(0)} %; at 0°/90°/180°/270° the P4 CNN scores ${numbers.accuracyAtQuarterTurns.p4.map((v) => (100 * v).toFixed(0)).join('/')} %.`,
      numbers,
      figures: [
        {
          name: 'accuracy-vs-angle',
          title: 'Test accuracy against the rotation of the test digits (trained upright)',
          caption: 'The P4 CNN repeats itself every 90°: exact invariance to quarter turns. The plain CNN only knows upright digits.',
          spec: {
            $schema: SCHEMA,
            width: 520,
            height: 280,
            data: { values: rows },
            mark: { type: 'line', point: true },
            encoding: {
              x: {
                field: 'angle',
                type: 'quantitative',
                title: 'rotation of the test digits (degrees)',
                scale: { domain: [0, 345] },
                axis: { values: [0, 45, 90, 135, 180, 225, 270, 315] },
              },
              y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { domain: [0, 1] } },
              color: { field: 'model', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 320 } },
            },
          },
        },
      ],
    };
  },
};

/** The feature maps of the p4 feature-map demo, and how far the turned input's are from the turned and shifted maps. */
export async function p4FeatureMaps(options: { seed?: number } = {}) {
  const o = checkOptions('options', options, ['seed']);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0 });
  const size = 28;
  // A seven: strokes in two directions, so orientation-selective maps differ visibly.
  const pool = await rotatedDigits({ count: 200, seed, rotation: 'upright' });
  const k = Math.max(0, Array.from(pool.y).indexOf(7));
  const digit = pool.x.slice(k * size * size, (k + 1) * size * size);
  const turned = rotateImage(digit, size, Math.PI / 2);
  // An oriented edge detector (Sobel): its four rotated copies respond to edges in four directions.
  const lift = new PhaseflowLiftingConv({ group: 'C4', filters: 1, padding: 'same', useBias: false });
  lift.build([null, size, size, 1]);
  tf.tidy(() => lift.setWeights([tf.tensor4d([-1, 0, 1, -2, 0, 2, -1, 0, 1], [3, 3, 1, 1])]));
  const maps = (img: Float64Array) => {
    const y = tf.tidy(() => lift.apply(tf.tensor4d(Float32Array.from(img), [1, size, size, 1])) as tf.Tensor);
    const values = Float64Array.from(y.dataSync());
    y.dispose();
    return values;
  };
  const a = maps(digit);
  const b = maps(turned);
  for (const w of lift.weights) w.dispose();
  // L_r on the maps of the upright digit: pixels turned, copies shifted by one.
  const predicted = transformGroupFeatures(C4, 1, { data: a, shape: [1, size, size, 4] }).data;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(b[i]! - predicted[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  const exactTurn = transformImages(C4, 1, { data: digit, shape: [1, size, size, 1] }).data.every((v, i) => v === turned[i]);
  return { size, digit, turned, a, b, predicted, maxDifference: diff, relativeDifference: diff / scale, exactTurn };
}

const featureMapsDemo: Demo = {
  name: 'p4-feature-maps',
  title: 'A p4 lifting layer under a 90° turn of its input: the feature maps turn and shift by one copy',
  description:
    'A lifting convolution Z² → p4 with one oriented edge filter (Sobel) gives four feature maps, one per rotation of the filter. Turning the input digit by 90° turns every map by 90° and moves copy g to copy g + 1 — the regular representation of C4 — exactly, on the pixel grid.',
  async run(ctx) {
    await useBestBackend({ prefer: 'wasm' });
    const r = await p4FeatureMaps({ seed: ctx.seed });
    ctx.progress(1);
    const { size } = r;
    const m = Math.max(...Array.from(r.a, Math.abs));
    const rows: { input: string; map: string; i: number; j: number; value: number }[] = [];
    // Names sort in display order (facet headers and cells then agree).
    const rowNames = ['a: digit', 'b: digit turned 90°', 'c: row a under L_r'];
    const push = (input: string, map: string, img: ArrayLike<number>, channel: number, channels: number, s: number) => {
      for (let i = 0; i < size; i++)
        for (let j = 0; j < size; j++) rows.push({ input, map, i, j, value: +(img[(i * size + j) * channels + channel]! * s).toFixed(3) });
    };
    push(rowNames[0]!, '0 input', r.digit, 0, 1, 1);
    push(rowNames[1]!, '0 input', r.turned, 0, 1, 1);
    const columns = ['1 copy e (0°)', '2 copy r (90°)', '3 copy r² (180°)', '4 copy r³ (270°)'];
    for (let g = 0; g < 4; g++) {
      push(rowNames[0]!, columns[g]!, r.a, g, 4, 1 / m);
      push(rowNames[1]!, columns[g]!, r.b, g, 4, 1 / m);
      push(rowNames[2]!, columns[g]!, r.predicted, g, 4, 1 / m);
    }
    return {
      summary: `The maps of the turned digit equal the turned, shifted maps of the upright one to ${r.relativeDifference.toExponential(1)} (relative, float32); the turn itself moves pixels exactly: ${r.exactTurn}.`,
      numbers: { maxDifference: r.maxDifference, relativeDifference: r.relativeDifference, exactTurn: r.exactTurn, group: 'C4' },
      figures: [
        {
          name: 'p4-feature-maps',
          title: 'Lifting-layer feature maps of a digit and of the digit turned by 90°',
          caption:
            'Rows 2 and 3 agree: turning the input turns each map and shifts the copies — L_r, the regular representation (the 90° map of the turned digit is the 0° map of the upright digit, turned). Colour: filter response, red positive, blue negative, scaled to the largest response.',
          spec: {
            $schema: SCHEMA,
            data: { values: rows },
            facet: {
              row: { field: 'input', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelLimit: 160 } },
              column: { field: 'map', type: 'nominal', title: null },
            },
            spec: {
              width: 112,
              height: 112,
              mark: 'rect',
              encoding: {
                x: { field: 'j', type: 'ordinal', axis: null },
                y: { field: 'i', type: 'ordinal', axis: null },
                color: { field: 'value', type: 'quantitative', scale: { scheme: 'redblue', domain: [-1, 1], reverse: true }, legend: { title: 'response' } },
              },
            },
            spacing: 6,
          },
        },
      ],
    };
  },
};

const nbodyDemo: Demo = {
  name: 'nbody-trajectories',
  title: 'Charged-particle trajectories predicted by an EGNN, against the simulation',
  description:
    "An EGNN_vel stack (3 layers, 32 wide) is trained on one-frame steps (100 steps of dt = 0.001) of 100 simulated five-particle systems of the EGNN paper's charged N-body set, the last frame's displacement as its velocity input, then rolled out on its own predictions from frame 30 to frame 40 on 20 other systems and compared with the simulation and with constant-velocity extrapolation. Each step is E(3)-equivariant, so the rollout of a rotated, reflected and shifted system is the moved rollout.",
  async run(ctx) {
    await useBestBackend({ prefer: 'wasm' });
    const r = await runNbodyRollout({ seed: ctx.seed, onProgress: (f, m) => ctx.progress(f, m) });
    ctx.progress(1);
    const F = r.frames.length;
    const sources = [
      ['simulation', r.truth],
      ['EGNN rollout', r.egnn],
      ['constant velocity', r.constantVelocity],
    ] as const;
    // Two test systems: the median and the largest constant-velocity error at the last frame
    // (how much the paths bend), projected on the (x, y) plane, each particle relative to where
    // it is at the start of the rollout.
    const lastError = (k: number) => {
      let e = 0;
      for (let j = 0; j < 15; j++) e += (r.constantVelocity[(k * F + F - 1) * 15 + j]! - r.truth[(k * F + F - 1) * 15 + j]!) ** 2;
      return e;
    };
    const ranked = Array.from({ length: r.charges.length / 5 }, (_, k) => k).sort((a, b) => lastError(a) - lastError(b));
    const shown = [
      { system: ranked[Math.floor((ranked.length - 1) / 2)]!, label: 'the median test system' },
      { system: ranked.at(-1)!, label: 'the test system whose paths bend most' },
    ];
    const rowsOf = (k: number) => {
      const rows: { source: string; particle: string; frame: number; x: number; y: number }[] = [];
      for (const [source, series] of sources)
        for (let f = 0; f < F; f++)
          for (let i = 0; i < 5; i++) {
            const at = ((k * F + f) * 5 + i) * 3;
            const origin = ((k * F + 1) * 5 + i) * 3;
            const q = r.charges[5 * k + i]! > 0 ? '+' : '−';
            rows.push({
              source,
              particle: `particle ${i + 1} (${q})`,
              frame: r.frames[f]!,
              x: +(series[at]! - r.truth[origin]!).toFixed(4),
              y: +(series[at + 1]! - r.truth[origin + 1]!).toFixed(4),
            });
          }
      return rows;
    };
    const start = r.frames[1]!;
    const errors = (['egnn', 'constantVelocity'] as const).flatMap((k) =>
      r.mse[k].map((v, i) => ({ predictor: k === 'egnn' ? 'EGNN rollout' : 'constant velocity', frame: start + 1 + i, mse: +v.toPrecision(4) })),
    );
    const at = (k: 'egnn' | 'constantVelocity', step: number) => r.mse[k][step - 1]!;
    const last = r.mse.egnn.length;
    return {
      summary: `After ${last} frames (frame ${start + last}) the EGNN's rollout is off by an MSE of ${at('egnn', last).toPrecision(2)} against ${at('constantVelocity', last).toPrecision(2)} for constant velocity (after one frame: ${at('egnn', 1).toPrecision(2)} vs ${at('constantVelocity', 1).toPrecision(2)}); the rollout of moved systems is the moved rollout to ${r.equivarianceError.toExponential(1)} (relative, float32).`,
      numbers: {
        parameters: r.parameters,
        trainSeconds: r.trainSeconds,
        trainMse: r.trainMse,
        rolloutMse: r.mse,
        equivarianceError: r.equivarianceError,
        frames: r.frames,
      },
      figures: [
        {
          name: 'nbody-trajectories',
          title: `Five charged particles from frame ${start} to ${start + last}: simulation, EGNN rollout, constant velocity`,
          caption:
            `Each panel follows one particle in the (x, y) plane, relative to its position at frame ${start} (the large dot), where the rollout starts from the simulated frames ${start - 1} and ${start}; top: the median of the 20 test systems by how much their paths bend (the constant-velocity error at the last frame), bottom: the one that bends most; one scale per row. ` +
            'The EGNN (red) predicts every frame from its own previous predictions; constant velocity (grey, dashed) extrapolates the last displacement.',
          spec: {
            $schema: SCHEMA,
            vconcat: shown.map(({ system, label }) => ({
              title: { text: `${label} (${system + 1} of ${ranked.length})`, anchor: 'start', fontSize: 12 },
              data: { values: rowsOf(system) },
              facet: { column: { field: 'particle', type: 'nominal', title: null } },
              spec: {
                width: 150,
                height: 150,
                layer: [
                  {
                    mark: { type: 'line', point: { size: 12 }, strokeWidth: 1.6 },
                    encoding: {
                      x: { field: 'x', type: 'quantitative', title: `x − x(${start})` },
                      y: { field: 'y', type: 'quantitative', title: `y − y(${start})` },
                      color: {
                        field: 'source',
                        type: 'nominal',
                        title: null,
                        scale: { domain: ['simulation', 'EGNN rollout', 'constant velocity'], range: ['#222222', '#d62728', '#8c8c8c'] },
                        legend: { orient: 'bottom' },
                      },
                      strokeDash: {
                        field: 'source',
                        type: 'nominal',
                        scale: {
                          domain: ['simulation', 'EGNN rollout', 'constant velocity'],
                          range: [
                            [1, 0],
                            [1, 0],
                            [5, 3],
                          ],
                        },
                        legend: null,
                      },
                      order: { field: 'frame', type: 'quantitative' },
                    },
                  },
                  {
                    transform: [{ filter: `datum.frame === ${start} && datum.source === 'simulation'` }],
                    mark: { type: 'point', filled: true, size: 80, color: '#222222' },
                    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
                  },
                ],
              },
            })),
            resolve: { scale: { x: 'independent', y: 'independent' } },
          },
        },
        {
          name: 'nbody-rollout-error',
          title: 'Position error of the rollouts against the predicted frame',
          caption: `Mean squared position error over the 20 test systems at each frame after ${start}: the EGNN rolled out on its own predictions against constant-velocity extrapolation.`,
          spec: {
            $schema: SCHEMA,
            width: 420,
            height: 260,
            data: { values: errors },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'frame', type: 'quantitative', title: 'frame (100 steps of dt = 0.001 each)', scale: { zero: false } },
              y: { field: 'mse', type: 'quantitative', title: 'position MSE', scale: { type: 'log' } },
              color: {
                field: 'predictor',
                type: 'nominal',
                title: null,
                scale: { domain: ['EGNN rollout', 'constant velocity'], range: ['#d62728', '#8c8c8c'] },
                legend: { orient: 'bottom' },
              },
            },
          },
        },
      ],
    };
  },
};

export const demos: readonly Demo[] = [rotatedDigitsDemo, featureMapsDemo, nbodyDemo];
