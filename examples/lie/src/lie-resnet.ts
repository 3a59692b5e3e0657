/**
 * `phaseflow demo lie-resnet`: a residual network whose features are rotations. The Lie-group
 * block (Lie–Euler steps exp(h·A_θ(Y))·Y) against the Euclidean ResNet of the same size
 * (Y + h·A_θ(Y)·Y): distance from SO(3) through the depth, the depth as a discretised flow
 * (error against depth at fixed T for steps of order 1, 2, 4), and training on an attitude task.
 */
import { checkInteger, checkOptions, createRandom, integrate, type Demo } from '@phaseflow/core';
import { SO3, createLieResNet, createRkmk4, lieProblem, type LieResNet } from '@phaseflow/lie';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
type F = Float64Array;

/** `count` Haar-random rotations, one after another (9 numbers each). */
function rotations(count: number, seed: number): F {
  const r = createRandom(seed);
  const Y = new Float64Array(9 * count);
  for (let b = 0; b < count; b++) SO3.sample(r, Y.subarray(9 * b, 9 * b + 9));
  return Y;
}

const worstDefect = (Y: F) => {
  let worst = 0;
  for (let b = 0; b < Y.length / 9; b++) worst = Math.max(worst, SO3.defect(Y.subarray(9 * b, 9 * b + 9)));
  return worst;
};
const meanLoss = (Y: F, T: F) => (0.5 * Y.reduce((s, y, i) => s + (y - T[i]!) ** 2, 0)) / (Y.length / 9);

/**
 * The attitude task's targets: the time-1 flow of R' = ω(R)̂·R with ω = (R e₃) × e₃ + ½e₃ (the
 * body axis R e₃ tilts towards the vertical while the body spins about it), by RKMK4 at 100
 * steps.
 */
function attitudeTargets(Y0: F): F {
  const problem = lieProblem({
    manifold: SO3,
    generator: (t, R, out = new Float64Array(3)) => {
      out[0] = R[5]!;
      out[1] = -R[2]!;
      out[2] = 0.5;
      return out;
    },
  });
  const out = new Float64Array(Y0.length);
  for (let b = 0; b < Y0.length / 9; b++) out.set(integrate(createRkmk4(), problem, Y0.slice(9 * b, 9 * b + 9), { tEnd: 1, steps: 100 }).yFinal, 9 * b);
  return out;
}

/**
 * Full-batch Adam on θ (Kingma & Ba 2015; β = 0.9, 0.999) for the mean ½‖Y_L − Y*‖²_F; returns
 * the training loss before every step and, every `every` steps, the held-out loss.
 */
function fitAdam(
  net: LieResNet,
  data: { x: F; y: F; xTest: F; yTest: F },
  steps: number,
  learningRate: number,
  every: number,
  onStep?: (step: number) => void,
): { train: number[]; test: { step: number; loss: number }[] } {
  const P = net.parameters.size;
  const m = new Float64Array(P),
    v = new Float64Array(P),
    g = new Float64Array(P);
  const B = data.x.length / 9;
  const train: number[] = [];
  const test: { step: number; loss: number }[] = [];
  for (let k = 1; k <= steps; k++) {
    const Y = net.forward(data.x);
    train.push(meanLoss(Y, data.y));
    if ((k - 1) % every === 0) test.push({ step: k - 1, loss: meanLoss(net.forward(data.xTest), data.yTest) });
    g.fill(0);
    net.vjp(
      data.x,
      Y.map((y, i) => (y - data.y[i]!) / B),
      g,
    );
    for (let i = 0; i < P; i++) {
      m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
      v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
      net.theta[i] -= (learningRate * m[i]!) / (1 - 0.9 ** k) / (Math.sqrt(v[i]! / (1 - 0.999 ** k)) + 1e-8);
    }
    onStep?.(k);
  }
  test.push({ step: steps, loss: meanLoss(net.forward(data.xTest), data.yTest) });
  return { train, test };
}

/** Options of {@link createLieResNetDemo}. */
export interface LieResNetDemoOptions {
  /** Layers of the deep networks of the drift figure (default 512). */
  readonly depth?: number;
  /** Adam steps of the training figure (default 300). */
  readonly steps?: number;
  /** Training rotations of the attitude task (default 128; 64 more are held out). */
  readonly samples?: number;
}

/**
 * The Lie-group ResNet demo: (1) ‖YᵀY − I‖ after every layer of a 512-layer Lie–Euler block and
 * of the Euclidean block with the same weights; (2) the distance of the network's output from
 * the flow it discretises, against depth at fixed T (slopes 1, 2, 4); (3) training both blocks
 * (8 layers, hidden width 16) on the attitude task, 128 training (`samples`) and 64 held-out rotations.
 *
 * @example
 * ```ts
 * const demo = createLieResNetDemo({ depth: 64, steps: 50, samples: 32 });
 * ```
 */
export function createLieResNetDemo(options?: LieResNetDemoOptions): Demo {
  const o = checkOptions('options', options, ['depth', 'steps', 'samples']);
  const depth = o.depth === undefined ? 512 : checkInteger('options.depth', o.depth, { min: 1 });
  const steps = o.steps === undefined ? 300 : checkInteger('options.steps', o.steps, { min: 1 });
  const samples = o.samples === undefined ? 128 : checkInteger('options.samples', o.samples, { min: 1 });
  return {
    name: 'lie-resnet',
    title: 'A ResNet whose features are rotations: Lie-group steps stay on SO(3) at any depth, Euclidean residual steps leave it',
    description: `Features Y ∈ SO(3) evolve by Y' = A_θ(Y)·Y, A_θ(Y) = hat(K₂ tanh(K₁ vec Y + b₁) + b₂) ∈ so(3); each layer is one step: Lie–Euler exp(h·A_θ(Y))·Y (or RKMK2/RKMK4), against the Euclidean ResNet Y + h·A_θ(Y)·Y with the same weights. Drift over ${depth} layers (T = ${depth / 16}, hidden 8, 8 rotations); convergence in depth at fixed T = 1 with shared weights; training by full-batch Adam (learning rate 0.01, ${steps} steps, ${samples} training and 64 held-out rotations) on the time-1 flow of R' = ((Re₃) × e₃ + ½e₃)̂·R.`,
    async run(ctx) {
      // (1) Drift through the depth.
      ctx.progress(0, 'drift');
      const Y0 = rotations(8, ctx.seed + 1);
      const driftRows: { method: string; layer: number; defect: number }[] = [];
      const drift: Record<string, number> = {};
      for (const [method, label] of [
        ['lie-euler', 'Lie–Euler: exp(h·A(Y))·Y'],
        ['euclidean', 'Euclidean: Y + h·A(Y)·Y'],
      ] as const) {
        const net = createLieResNet({ n: 3, depth, hidden: 8, finalTime: depth / 16, method, seed: ctx.seed + 4 });
        const layers = net.trajectory(Y0);
        layers.forEach((Y, l) => {
          // log scale: exact zeros (the input's own rounding can be 0) drawn at a visible floor
          if (l % Math.max(1, Math.floor(depth / 128)) === 0 || l === depth)
            driftRows.push({ method: label, layer: l, defect: Math.max(worstDefect(Y), 1e-17) });
        });
        drift[method] = worstDefect(layers[depth]!);
      }
      // (2) Convergence in depth at fixed T (shared weights: one autonomous flow).
      ctx.progress(0.2, 'convergence');
      const Yc = rotations(4, ctx.seed + 5);
      const reference = createLieResNet({ n: 3, depth: 512, hidden: 8, method: 'rkmk4', sharedWeights: true, seed: ctx.seed + 2 }).forward(Yc);
      const depths = [4, 8, 16, 32, 64, 128];
      const convergenceRows: { method: string; depth: number; error: number }[] = [];
      const slopes: Record<string, number> = {};
      for (const [method, label] of [
        ['lie-euler', 'Lie–Euler (order 1)'],
        ['rkmk2', 'RKMK2 (order 2)'],
        ['rkmk4', 'RKMK4 (order 4)'],
        ['euclidean', 'Euclidean (order 1)'],
      ] as const) {
        const errors = depths.map((L) => {
          const Y = createLieResNet({ n: 3, depth: L, hidden: 8, method, sharedWeights: true, seed: ctx.seed + 2 }).forward(Yc);
          return Y.reduce((m, y, i) => Math.max(m, Math.abs(y - reference[i]!)), 0);
        });
        errors.forEach((error, i) => convergenceRows.push({ method: label, depth: depths[i]!, error }));
        slopes[method] = Math.log2(errors.at(-2)! / errors.at(-1)!);
      }
      // (3) Training on the attitude task.
      ctx.progress(0.35, 'training');
      const x = rotations(samples, ctx.seed + 11),
        xTest = rotations(64, ctx.seed + 12);
      const data = { x, y: attitudeTargets(x), xTest, yTest: attitudeTargets(xTest) };
      const lossRows: { model: string; split: string; step: number; loss: number }[] = [];
      const training: Record<string, { initialLoss: number; finalLoss: number; heldOutLoss: number; outputDefect: number; parameters: number }> = {};
      const models = [
        ['lie-euler', 'Lie-group ResNet (Lie–Euler)'],
        ['euclidean', 'Euclidean ResNet, same size'],
      ] as const;
      for (const [k, [method, label]] of models.entries()) {
        const net = createLieResNet({ n: 3, depth: 8, hidden: 16, method, gain: 0.1, seed: ctx.seed + 3 });
        const run = fitAdam(net, data, steps, 0.01, Math.max(1, Math.floor(steps / 30)), (s) => ctx.progress(0.35 + (0.65 * (k + s / steps)) / models.length));
        run.train.forEach((loss, step) => {
          if (step % Math.max(1, Math.floor(steps / 100)) === 0) lossRows.push({ model: label, split: 'training', step, loss });
        });
        run.test.forEach(({ step, loss }) => lossRows.push({ model: label, split: 'held out', step, loss }));
        training[method] = {
          initialLoss: run.train[0]!,
          finalLoss: meanLoss(net.forward(x), data.y),
          heldOutLoss: run.test.at(-1)!.loss,
          outputDefect: worstDefect(net.forward(xTest)),
          parameters: net.parameters.size,
        };
      }
      ctx.progress(1);
      const lie = training['lie-euler']!,
        flat = training.euclidean!;
      return {
        summary: `After ${depth} layers the Lie-group block's features are rotations to ${drift['lie-euler']!.toExponential(1)} (‖YᵀY − I‖_F); the Euclidean block's are ${drift.euclidean!.toExponential(1)} away. In depth at fixed T the outputs converge to the flow with slopes ${slopes['lie-euler']!.toFixed(2)}, ${slopes.rkmk2!.toFixed(2)}, ${slopes.rkmk4!.toFixed(2)} (Lie–Euler, RKMK2, RKMK4). On the attitude task Adam takes the Lie block's loss from ${lie.initialLoss.toFixed(3)} to ${lie.finalLoss.toExponential(1)} (held out ${lie.heldOutLoss.toExponential(1)}), the Euclidean block's to ${flat.finalLoss.toExponential(1)} (held out ${flat.heldOutLoss.toExponential(1)}), whose outputs are ${flat.outputDefect.toExponential(1)} from SO(3).`,
        numbers: { depth, steps, samples, drift, slopes, training },
        figures: [
          {
            name: 'orthogonality-vs-depth',
            title: `Distance of the features from SO(3), max over 8 inputs, through ${depth} layers`,
            caption:
              'Each Lie–Euler layer multiplies by the exponential of a skew matrix, so the features stay rotations to rounding (≈1e-15) however deep; the Euclidean residual step with the same weights leaves the group at once ((I + hA)ᵀ(I + hA) = I + h²AᵀA) and drifts further with depth.',
            spec: {
              $schema: SCHEMA,
              width: 620,
              height: 300,
              data: { values: driftRows },
              mark: { type: 'line', strokeWidth: 1.5 },
              encoding: {
                x: { field: 'layer', type: 'quantitative', title: 'layer' },
                y: { field: 'defect', type: 'quantitative', scale: { type: 'log' }, title: 'max ‖YᵀY − I‖_F' },
                color: { field: 'method', type: 'nominal', title: 'block', legend: { labelLimit: 320, orient: 'right' } },
              },
            },
          },
          {
            name: 'depth-convergence',
            title: 'Depth as a discretised flow: output error against depth at fixed T = 1 (shared weights)',
            caption:
              'Doubling the depth halves the step h = T/L; the network converges to the flow of its ODE at the order of its step (reference: RKMK4 at 512 layers).',
            spec: {
              $schema: SCHEMA,
              width: 620,
              height: 300,
              data: { values: convergenceRows },
              mark: { type: 'line', point: true, strokeWidth: 1.5 },
              encoding: {
                x: { field: 'depth', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'layers L (h = 1/L)' },
                y: { field: 'error', type: 'quantitative', scale: { type: 'log' }, title: 'max |Y_L − Y(T)|' },
                color: { field: 'method', type: 'nominal', title: 'step', legend: { labelLimit: 320, orient: 'right' } },
              },
            },
          },
          {
            name: 'training-loss',
            title: 'Attitude task: mean ½‖Y_L − Y*‖²_F during full-batch Adam',
            caption:
              'Both blocks have the same 1688 weights and start from the same θ. The Lie-group block fits the rotation-valued targets with rotation-valued outputs, on the training set (dashed) and on held-out rotations (solid); the Euclidean block of the same size stalls higher on both, and its outputs are not rotations.',
            spec: {
              $schema: SCHEMA,
              width: 620,
              height: 300,
              data: { values: lossRows },
              mark: { type: 'line', strokeWidth: 1.5 },
              encoding: {
                x: { field: 'step', type: 'quantitative', title: 'Adam step' },
                y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'loss' },
                color: { field: 'model', type: 'nominal', title: 'model', legend: { labelLimit: 320, orient: 'right' } },
                strokeDash: { field: 'split', type: 'nominal', title: 'data' },
              },
            },
          },
        ],
      };
    },
  };
}
