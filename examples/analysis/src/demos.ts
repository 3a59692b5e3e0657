/**
 * `phaseflow demo` figures of @phaseflow/analysis: the Lyapunov spectrum of Lorenz-63
 * converging over time, r(K) of the Kuramoto model against the N → ∞ theory, the Lyapunov
 * spectra of random rate networks for several gains and of trained RNN cells from
 * @phaseflow/lie, the sharpness of full-batch gradient descent settling at 2/η (the edge of
 * stability; on mnist digits by progressive sharpening), networks as maps, the Lyapunov
 * exponent of SGD (least squares and a nonlinear network) and the mean-field limit.
 */
import { integrate, odeProblem, type Demo, type DemoContext, type Observer } from '@phaseflow/core';
import {
  createSharpnessObserver,
  gaussianFrequencies,
  kuramotoCriticalCoupling,
  kuramotoOrderParameter,
  kuramotoSweep,
  lorentzianFrequencies,
  lyapunovSpectrum,
  mapIterator,
  mseLoss,
  rateRnn,
  type JacobianVectorProduct,
} from '@phaseflow/analysis';
import { createMlp64 } from '@phaseflow/nn64';
import { lorenz63 } from '@phaseflow/problems';
import { createEuler, createRk4 } from '@phaseflow/runge-kutta';
import { forwardStabilityDemo } from './forward-stability.js';
import { meanFieldDemo } from './mean-field.js';
import { progressiveSharpeningDemo } from './progressive-sharpening.js';
import { trainedRnnCellsDemo } from './rnn-cells.js';
import { sgdLyapunovDemo } from './sgd-lyapunov.js';
import { sgdNetworkDemo } from './sgd-network.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const r4 = (v: number): number => Number(v.toPrecision(4));
/** Let the event loop breathe between heavy pieces (progress bars, abort signals). */
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const LORENZ_REFERENCE = [0.9056, 0, -14.5723];
const lorenzJvp: JacobianVectorProduct = (_t, y, v, out) => {
  out[0] = 10 * (v[1]! - v[0]!);
  out[1] = (28 - y[2]!) * v[0]! - v[1]! - y[0]! * v[2]!;
  out[2] = y[1]! * v[0]! + y[0]! * v[1]! - (8 / 3) * v[2]!;
  return out;
};

const lorenzDemo: Demo = {
  name: 'analysis-lorenz-spectrum',
  title: 'Lyapunov spectrum of Lorenz-63, converging',
  description:
    'Benettin/QR on the tangent bundle of RK4 (h = 0.01, τ = 1) over T = 2000: the running estimates of λ₁, λ₂, λ₃ against the reference (0.9056, 0, −14.5723).',
  async run(ctx: DemoContext) {
    const l = lorenz63();
    ctx.progress(0.05, 'integrating y and three tangent vectors');
    const T = 2000;
    const s = lyapunovSpectrum(createRk4(), { ...l.problem, jvp: lorenzJvp }, l.y0(), {
      tEnd: T + 10,
      transient: 10,
      h: 0.01,
      tau: 1,
      history: 400,
      seed: ctx.seed,
      signal: ctx.signal,
    });
    const names = ['λ₁', 'λ₂', 'λ₃'];
    const values: { t: number; value: number; reference: number; exponent: string }[] = [];
    s.history.t.forEach((t, i) => {
      for (let j = 0; j < 3; j++) values.push({ t: t - 10, value: s.history.exponents[i]![j]!, reference: LORENZ_REFERENCE[j]!, exponent: names[j]! });
    });
    ctx.progress(1);
    const e = Array.from(s.exponents);
    return {
      summary: `Lorenz-63 over T = ${T}: λ = (${e.map((x) => x.toFixed(4)).join(', ')}) (reference 0.9056, 0, −14.5723), sum ${s.sum.toFixed(5)} (tr J = −13.66667), Kaplan–Yorke dimension ${s.kaplanYorke.toFixed(4)}.`,
      numbers: {
        exponents: e.map(r4),
        sum: s.sum,
        sumError: s.sum + 41 / 3,
        kaplanYorke: s.kaplanYorke,
        zeroExponent: s.zeroExponent,
        time: s.time,
        steps: s.steps,
      },
      figures: [
        {
          name: 'lorenz-spectrum-convergence',
          title: 'Lorenz-63: running Lyapunov exponents (dashed: reference)',
          caption: 'Each panel has its own scale: λ₁ settles near 0.906, λ₂ decays like 1/T towards 0, λ₃ near −14.57.',
          spec: {
            $schema: SCHEMA,
            data: { values },
            facet: { row: { field: 'exponent', type: 'nominal', title: null, sort: names } },
            resolve: { scale: { y: 'independent' } },
            spec: {
              width: 640,
              height: 140,
              layer: [
                {
                  mark: { type: 'line', strokeWidth: 1.6, color: '#4c78a8' },
                  encoding: {
                    x: { field: 't', type: 'quantitative', title: 'measured time T', scale: { type: 'log', nice: false } },
                    y: { field: 'value', type: 'quantitative', title: 'running estimate', scale: { zero: false } },
                  },
                },
                {
                  mark: { type: 'line', strokeDash: [6, 4], color: '#e4572e', strokeWidth: 1.2 },
                  encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'reference', type: 'quantitative' } },
                },
              ],
            },
          },
        },
      ],
    };
  },
};

const kuramotoDemo: Demo = {
  name: 'analysis-kuramoto',
  title: 'Kuramoto model: order parameter r(K)',
  description:
    'N = 500 oscillators, all-to-all, RK4 (h = 0.1): time-averaged r after a transient, for Lorentzian (γ = 0.5, K_c = 1) and Gaussian N(0, 1) (K_c ≈ 1.596) frequencies, against the N → ∞ theory.',
  async run(ctx: DemoContext) {
    const N = 500;
    const couplings = Array.from({ length: 16 }, (_, i) => 0.2 * (i + 1));
    const points: { K: number; r: number; lo: number; hi: number; distribution: string }[] = [];
    const theory: { K: number; r: number; distribution: string }[] = [];
    const dists = [
      { label: 'Lorentzian γ = 0.5', omega: lorentzianFrequencies(N, { width: 0.5 }), d: { kind: 'lorentzian', width: 0.5 } as const },
      { label: 'Gaussian σ = 1', omega: gaussianFrequencies(N), d: { kind: 'gaussian', std: 1 } as const },
    ];
    let worst = 0;
    for (const [k, dist] of dists.entries()) {
      ctx.progress(0.05 + 0.45 * k, `r(K), ${dist.label}`);
      await tick();
      const curve = kuramotoSweep(createRk4(), {
        frequencies: dist.omega,
        couplings,
        h: 0.1,
        transient: 60,
        duration: 60,
        seed: ctx.seed,
        ...(ctx.signal && { signal: ctx.signal }),
      });
      for (const p of curve) {
        points.push({ K: p.coupling, r: p.r, lo: p.r - p.std, hi: p.r + p.std, distribution: dist.label });
        const th = kuramotoOrderParameter(p.coupling, dist.d);
        // away from K_c, where finite-N relaxation is slow
        if (Math.abs(p.coupling - kuramotoCriticalCoupling(dist.d)) > 0.3) worst = Math.max(worst, Math.abs(p.r - th));
      }
      for (let i = 0; i <= 160; i++) {
        const K = 0.02 * i + 0.2;
        theory.push({ K, r: kuramotoOrderParameter(K, dist.d), distribution: dist.label });
      }
    }
    ctx.progress(1);
    return {
      summary: `Kuramoto, N = ${N}: measured r(K) within ${worst.toFixed(3)} of the N → ∞ theory away from K_c (3/√N = ${(3 / Math.sqrt(N)).toFixed(3)}); K_c = 1 (Lorentzian γ = 0.5), 1.596 (Gaussian).`,
      numbers: {
        N,
        worstDeviationAwayFromKc: worst,
        threeOverSqrtN: 3 / Math.sqrt(N),
        kcLorentzian: 1,
        kcGaussian: kuramotoCriticalCoupling({ kind: 'gaussian' }),
        points,
      },
      figures: [
        {
          name: 'kuramoto-order-parameter',
          title: 'Kuramoto: r(K) measured (points, ± std over time) and the N → ∞ theory (lines)',
          caption: 'Below K_c the oscillators stay incoherent (r = O(1/√N)); above it a locked cluster grows, r = √(1 − 2γ/K) for the Lorentzian.',
          spec: {
            $schema: SCHEMA,
            width: 640,
            height: 320,
            layer: [
              {
                data: { values: theory },
                mark: { type: 'line', strokeWidth: 1.5 },
                encoding: {
                  x: { field: 'K', type: 'quantitative', title: 'coupling K' },
                  y: { field: 'r', type: 'quantitative', title: 'order parameter r', scale: { domain: [0, 1] } },
                  color: { field: 'distribution', type: 'nominal', title: 'frequencies' },
                },
              },
              {
                data: { values: points },
                mark: { type: 'rule' },
                encoding: {
                  x: { field: 'K', type: 'quantitative' },
                  y: { field: 'lo', type: 'quantitative' },
                  y2: { field: 'hi' },
                  color: { field: 'distribution', type: 'nominal' },
                },
              },
              {
                data: { values: points },
                mark: { type: 'point', filled: true, size: 40 },
                encoding: {
                  x: { field: 'K', type: 'quantitative' },
                  y: { field: 'r', type: 'quantitative' },
                  color: { field: 'distribution', type: 'nominal' },
                },
              },
            ],
          },
        },
      ],
    };
  },
};

const rnnDemo: Demo = {
  name: 'analysis-rnn-spectrum',
  title: 'Lyapunov spectra of random rate networks',
  description:
    "Engelken's map h ← (1 − dt)h + dt·J·tanh(h), dt = 0.1: the full spectrum λᵢ vs i/N (N = 100, T = 80) for g = 2, 4, 8, and λ_max vs g (N = 100, three networks each).",
  async run(ctx: DemoContext) {
    const N = 100;
    const gains = [2, 4, 8];
    const spectrum: { x: number; lambda: number; g: string }[] = [];
    const numbers: Record<string, unknown> = {};
    for (const [k, g] of gains.entries()) {
      ctx.progress(0.05 + 0.12 * k, `full spectrum, g = ${g}`);
      await tick();
      const net = rateRnn({ units: N, gain: g, dt: 0.1, seed: ctx.seed });
      const s = lyapunovSpectrum(mapIterator(), net.map, net.y0(), {
        h: 0.1,
        tau: 1,
        transient: 50,
        tEnd: 130,
        seed: ctx.seed,
        ...(ctx.signal && { signal: ctx.signal }),
      });
      s.exponents.forEach((l, i) => spectrum.push({ x: (i + 1) / N, lambda: l, g: `g = ${g}` }));
      numbers[`g${g}`] = { lambdaMax: s.exponents[0], mean: s.sum / N, kaplanYorke: s.kaplanYorke };
    }
    const onset: { g: number; lambda: number; seed: number }[] = [];
    const sweep = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4];
    for (const [k, g] of sweep.entries()) {
      ctx.progress(0.55 + (0.45 * k) / sweep.length, `λ_max, g = ${g}`);
      await tick();
      for (let seed = 0; seed < 3; seed++) {
        const net = rateRnn({ units: 100, gain: g, dt: 0.1, seed: ctx.seed + seed });
        const s = lyapunovSpectrum(mapIterator(), net.map, net.y0(), { h: 0.1, tau: 1, transient: 50, tEnd: 200, vectors: 1, seed });
        onset.push({ g, lambda: s.exponents[0]!, seed });
      }
    }
    numbers['onset'] = onset;
    ctx.progress(1);
    const g4 = numbers['g4'] as { lambdaMax: number; mean: number };
    return {
      summary: `Rate RNN (N = ${N}, dt = 0.1): g = 4 gives λ_max = ${g4.lambdaMax.toFixed(3)}, mean exponent ${g4.mean.toFixed(4)} (ln(0.9)/0.1 = −1.0536); λ_max turns positive between g = 1 and 2 (N = 100).`,
      numbers,
      figures: [
        {
          name: 'rnn-spectra',
          title: 'Rate network Lyapunov spectra λᵢ vs i/N (N = 100, dt = 0.1)',
          caption: 'A few positive exponents for g > 1, more as g grows; the mean stays at ln(1 − dt)/dt because J has no diagonal.',
          spec: {
            $schema: SCHEMA,
            width: 640,
            height: 320,
            layer: [
              {
                data: { values: spectrum },
                mark: { type: 'line', point: { size: 12 }, strokeWidth: 1.2 },
                encoding: {
                  x: { field: 'x', type: 'quantitative', title: 'i / N' },
                  y: { field: 'lambda', type: 'quantitative', title: 'λᵢ (1/τ)' },
                  color: { field: 'g', type: 'nominal', title: 'gain', sort: gains.map((g) => `g = ${g}`) },
                },
              },
              {
                data: { values: [{ y: 0 }] },
                mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
                encoding: { y: { field: 'y', type: 'quantitative' } },
              },
            ],
          },
        },
        {
          name: 'rnn-chaos-onset',
          title: 'Largest exponent vs gain g (N = 100, three networks per g)',
          caption:
            'Below g = 1 the zero state is stable (λ_max ≈ g − 1); above it the network turns chaotic (at finite N some networks settle on limit cycles, λ_max ≈ 0).',
          spec: {
            $schema: SCHEMA,
            width: 640,
            height: 260,
            layer: [
              {
                data: { values: onset },
                mark: { type: 'point', filled: true, size: 40, color: '#4c78a8' },
                encoding: { x: { field: 'g', type: 'quantitative', title: 'gain g' }, y: { field: 'lambda', type: 'quantitative', title: 'λ_max (1/τ)' } },
              },
              {
                data: { values: onset },
                mark: { type: 'line', color: '#4c78a8' },
                encoding: { x: { field: 'g', type: 'quantitative' }, y: { field: 'lambda', aggregate: 'mean', type: 'quantitative' } },
              },
              {
                data: { values: [{ y: 0 }] },
                mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
                encoding: { y: { field: 'y', type: 'quantitative' } },
              },
              {
                data: { values: [{ x: 1 }] },
                mark: { type: 'rule', strokeDash: [2, 3], color: '#e4572e' },
                encoding: { x: { field: 'x', type: 'quantitative' } },
              },
            ],
          },
        },
      ],
    };
  },
};

const edgeOfStabilityDemo: Demo = {
  name: 'analysis-edge-of-stability',
  title: 'Sharpness under full-batch gradient descent: the edge of stability',
  description:
    'A 1-16-16-1 tanh MLP (Float64, nn64) fit to Chebyshev T₄ on 20 points by full-batch GD (explicit Euler on θ′ = −∇L) with η = 0.1, 0.2, 0.3; the sharpness λ_max(∇²L) by Lanczos every 25 steps rises to 2/η and stays there.',
  async run(ctx: DemoContext) {
    const m = 20;
    const x = Float64Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
    const y = x.map((v) => 8 * v ** 4 - 8 * v ** 2 + 1);
    const etas = [0.1, 0.2, 0.3];
    const steps = 4000;
    const rows: { step: number; sharpness: number; eta: string }[] = [];
    const losses: { step: number; loss: number; eta: string }[] = [];
    const lines: { y: number; eta: string }[] = [];
    const numbers: Record<string, unknown> = {};
    for (const [k, eta] of etas.entries()) {
      ctx.progress(0.05 + 0.3 * k, `gradient descent, η = ${eta}`);
      await tick();
      const net = createMlp64({ sizes: [1, 16, 16, 1], seed: ctx.seed });
      const loss = mseLoss(net, { x, rows: m, cols: 1 }, y);
      const flow = odeProblem((_t, th: Float64Array, out = new Float64Array(th.length)) => {
        loss.gradient(th, out);
        for (let i = 0; i < out.length; i++) out[i] = -out[i]!;
        return out;
      });
      const label = `η = ${eta}`;
      const sharp = createSharpnessObserver({
        gradient: loss.gradient,
        every: 25,
        onMeasure: (r) => rows.push({ step: r.step, sharpness: r.values[0]!, eta: label }),
      });
      const lossObserver: Observer = {
        name: 'loss',
        on: { step: (e) => void (e.step % 25 === 0 && losses.push({ step: e.step, loss: loss.value(e.state as Float64Array), eta: label })) },
      };
      const sol = integrate(createEuler<Float64Array>(), flow, net.parameters.get(), { tEnd: steps * eta, steps, observers: [sharp, lossObserver] });
      lines.push({ y: 2 / eta, eta: label });
      const late = sharp.records.filter((r) => r.step >= steps / 2).map((r) => r.values[0]!);
      const mean = late.reduce((a, b) => a + b, 0) / late.length;
      numbers[label] = {
        twoOverEta: 2 / eta,
        meanSharpnessSecondHalf: mean,
        ratio: (mean * eta) / 2,
        initial: sharp.records[0]!.values[0],
        finalLoss: loss.value(sol.yFinal),
      };
    }
    ctx.progress(1);
    const ratios = etas.map((eta) => (numbers[`η = ${eta}`] as { ratio: number }).ratio);
    return {
      summary: `Edge of stability: over the second half of training the sharpness averages ${ratios.map((r) => r.toFixed(3)).join(', ')} × 2/η for η = ${etas.join(', ')}.`,
      numbers,
      figures: [
        {
          name: 'edge-of-stability-sharpness',
          title: 'Sharpness λ_max(∇²L) vs step, with 2/η (dashed)',
          caption:
            'Progressive sharpening until λ_max reaches 2/η, the stability limit of gradient descent on a quadratic; then it hovers there while the loss keeps falling, non-monotonically.',
          spec: {
            $schema: SCHEMA,
            width: 640,
            height: 320,
            layer: [
              {
                data: { values: rows },
                mark: { type: 'line', strokeWidth: 1.5 },
                encoding: {
                  x: { field: 'step', type: 'quantitative', title: 'gradient descent step' },
                  y: { field: 'sharpness', type: 'quantitative', title: 'sharpness λ_max' },
                  color: { field: 'eta', type: 'nominal', title: 'step size' },
                },
              },
              {
                data: { values: lines },
                mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.2 },
                encoding: { y: { field: 'y', type: 'quantitative' }, color: { field: 'eta', type: 'nominal' } },
              },
            ],
          },
        },
        {
          name: 'edge-of-stability-loss',
          title: 'Training loss vs step',
          spec: {
            $schema: SCHEMA,
            width: 640,
            height: 220,
            data: { values: losses },
            mark: { type: 'line', strokeWidth: 1.2 },
            encoding: {
              x: { field: 'step', type: 'quantitative', title: 'gradient descent step' },
              y: { field: 'loss', type: 'quantitative', title: 'MSE loss', scale: { type: 'log' } },
              color: { field: 'eta', type: 'nominal', title: 'step size' },
            },
          },
        },
      ],
    };
  },
};

export const demos: readonly Demo[] = [
  lorenzDemo,
  kuramotoDemo,
  rnnDemo,
  trainedRnnCellsDemo,
  edgeOfStabilityDemo,
  progressiveSharpeningDemo,
  forwardStabilityDemo,
  sgdLyapunovDemo,
  sgdNetworkDemo,
  meanFieldDemo,
];
