/**
 * The mean-field limit of a two-layer tanh network (Mei–Montanari–Nguyen 2018, Chizat–Bach
 * 2018): N neurons trained by gradient flow (RK4) on sin(πx), the distance between the neuron
 * distributions of independent N and 2N runs shrinking like 1/√N, the risk curves collapsing
 * onto the N → ∞ one, and the neurons themselves before and after training.
 */
import { integrate, type Demo, type DemoContext, type Observer } from '@phaseflow/core';
import { maximumMeanDiscrepancy, meanFieldNetwork } from '@phaseflow/analysis';
import { createRk4 } from '@phaseflow/runge-kutta';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const r4 = (v: number): number => Number(v.toPrecision(4));
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Least-squares slope of ln y against ln x. */
function logSlope(x: readonly number[], y: readonly number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  return lx.reduce((a, v, i) => a + (v - mx) * (ly[i]! - my), 0) / lx.reduce((a, v) => a + (v - mx) ** 2, 0);
}

export const meanFieldDemo: Demo = {
  name: 'analysis-mean-field',
  title: 'Mean-field limit of a two-layer network: N neurons as particles',
  description:
    'f(x) = (1/N) Σ aᵢ tanh(wᵢx + bᵢ) fit to sin(πx) on 20 points by the particle gradient flow θᵢ′ = −N∇_θᵢR (RK4, h = 0.1, T = 20), θᵢ ~ N(0, I) at t = 0: the kernel MMD between the neuron distributions of independent runs with N and 2N neurons (4 pairs per N, N = 25 … 400) against 1/√N, the risk R(t) for several N, and the neurons (w, a) before and after training.',
  async run(ctx: DemoContext) {
    const m = 20;
    const xs = Float64Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
    const ys = xs.map((x) => Math.sin(Math.PI * x));
    const mf = meanFieldNetwork({ inputs: xs, dimension: 1, targets: ys });
    const T = 20;
    const h = 0.1;
    const rk4 = createRk4<Float64Array>();
    const run = (N: number, seed: number, observers: Observer[] = []) =>
      integrate(rk4, mf.problem, mf.initialise(N, { seed }), { tEnd: T, h, observers, ...(ctx.signal && { signal: ctx.signal }) }).yFinal;
    const sizes = [25, 50, 100, 200, 400];
    const reps = 4;
    const rows: { N: number; distance: number; which: string }[] = [];
    const mmdEnd: number[] = [];
    const mmdStart: number[] = [];
    const fDist: number[] = [];
    let job = 0;
    for (const N of sizes) {
      let se = 0;
      let s0 = 0;
      let sf = 0;
      for (let rep = 0; rep < reps; rep++) {
        ctx.progress((0.8 * job++) / (sizes.length * reps), `N = ${N} and ${2 * N}, pair ${rep + 1}`);
        await tick();
        const seedA = ctx.seed * 1000 + 2 * rep;
        const seedB = ctx.seed * 1000 + 2 * rep + 1;
        s0 += maximumMeanDiscrepancy(mf.initialise(N, { seed: seedA }), mf.initialise(2 * N, { seed: seedB }), 3);
        const a = run(N, seedA);
        const b = run(2 * N, seedB);
        se += maximumMeanDiscrepancy(a, b, 3);
        const fa = mf.predict(a);
        const fb = mf.predict(b);
        sf += Math.sqrt(fa.reduce((acc, v, j) => acc + (v - fb[j]!) ** 2, 0) / m);
      }
      mmdEnd.push(se / reps);
      mmdStart.push(s0 / reps);
      fDist.push(sf / reps);
      rows.push({ N, distance: se / reps, which: `MMD(μ_N, μ_2N) at t = ${T}` });
      rows.push({ N, distance: s0 / reps, which: 'MMD(μ_N, μ_2N) at t = 0' });
      rows.push({ N, distance: sf / reps, which: `‖f_N − f_2N‖ (RMS on the data) at t = ${T}` });
    }
    // the 1/√N line fitted to the end-time points (geometric mean of d·√N)
    const c = Math.exp(mmdEnd.reduce((a, d, i) => a + Math.log(d * Math.sqrt(sizes[i]!)), 0) / sizes.length);
    const reference = [20, 500].map((N) => ({ N, distance: c / Math.sqrt(N) }));

    ctx.progress(0.82, 'risk curves');
    await tick();
    const riskRows: { t: number; risk: number; N: string }[] = [];
    const neurons: { w: number; a: number; when: string }[] = [];
    let finalRisk = 0;
    for (const N of [10, 50, 800]) {
      const riskObserver: Observer = {
        name: 'risk',
        on: {
          'run:start': (e) => void riskRows.push({ t: 0, risk: mf.risk(e.state as Float64Array), N: `N = ${N}` }),
          step: (e) => void (e.step % 5 === 0 && riskRows.push({ t: e.t, risk: mf.risk(e.state as Float64Array), N: `N = ${N}` })),
        },
      };
      const end = run(N, ctx.seed * 7919 + N, [riskObserver]);
      if (N === 800) {
        finalRisk = mf.risk(end);
        const start = mf.initialise(N, { seed: ctx.seed * 7919 + N });
        for (let i = 0; i < N; i++) {
          neurons.push({ w: start[3 * i + 1]!, a: start[3 * i]!, when: 't = 0' });
          neurons.push({ w: end[3 * i + 1]!, a: end[3 * i]!, when: `t = ${T}` });
        }
      }
    }
    ctx.progress(1);
    const slopeEnd = logSlope(sizes, mmdEnd);
    const slopeStart = logSlope(sizes, mmdStart);
    const slopeF = logSlope(sizes, fDist);
    return {
      summary: `MMD between independent N- and 2N-neuron runs after training (t = ${T}) falls as N^${slopeEnd.toFixed(2)} (1/√N: −0.5; at t = 0: N^${slopeStart.toFixed(2)}); the fitted functions differ by N^${slopeF.toFixed(2)}. Risk at t = ${T} with 800 neurons: ${finalRisk.toFixed(4)}.`,
      numbers: {
        sizes,
        pairsPerSize: reps,
        mmdAtEnd: mmdEnd.map(r4),
        mmdAtStart: mmdStart.map(r4),
        functionDistance: fDist.map(r4),
        slopeMmdAtEnd: r4(slopeEnd),
        slopeMmdAtStart: r4(slopeStart),
        slopeFunctionDistance: r4(slopeF),
        riskN800: r4(finalRisk),
      },
      figures: [
        {
          name: 'mean-field-convergence',
          title: 'Distance between runs with N and 2N neurons vs N (dashed: 1/√N)',
          caption:
            'Independent initial draws differ by O(1/√N), and the particle flow carries that rate to later times (propagation of chaos): the empirical neuron distribution converges to the mean-field solution μ(t).',
          spec: {
            $schema: SCHEMA,
            width: 560,
            height: 320,
            layer: [
              {
                data: { values: rows },
                mark: { type: 'line', point: { size: 40, filled: true }, strokeWidth: 1.6 },
                encoding: {
                  x: { field: 'N', type: 'quantitative', title: 'neurons N', scale: { type: 'log', domain: [20, 500], nice: false } },
                  y: { field: 'distance', type: 'quantitative', title: 'distance', scale: { type: 'log' } },
                  color: { field: 'which', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 480, columns: 1 } },
                },
              },
              {
                data: { values: reference },
                mark: { type: 'line', strokeDash: [6, 4], color: '#444' },
                encoding: { x: { field: 'N', type: 'quantitative' }, y: { field: 'distance', type: 'quantitative' } },
              },
            ],
          },
        },
        {
          name: 'mean-field-risk',
          title: 'Risk R(μ_N(t)) along the particle gradient flow',
          caption: 'As N grows the curves approach the mean-field one; the fluctuations between draws shrink.',
          spec: {
            $schema: SCHEMA,
            width: 560,
            height: 260,
            data: { values: riskRows },
            mark: { type: 'line', strokeWidth: 1.6 },
            encoding: {
              x: { field: 't', type: 'quantitative', title: 'time t' },
              y: { field: 'risk', type: 'quantitative', title: 'risk R', scale: { type: 'log' } },
              color: { field: 'N', type: 'nominal', title: 'neurons', sort: ['N = 10', 'N = 50', 'N = 800'] },
            },
          },
        },
        {
          name: 'mean-field-neurons',
          title: `The 800 neurons (w, a) at t = 0 and t = ${T}`,
          spec: {
            $schema: SCHEMA,
            width: 560,
            height: 360,
            data: { values: neurons },
            mark: { type: 'point', filled: true, size: 10, opacity: 0.6 },
            encoding: {
              x: { field: 'w', type: 'quantitative', title: 'input weight w' },
              y: { field: 'a', type: 'quantitative', title: 'output weight a' },
              color: { field: 'when', type: 'nominal', title: null },
            },
          },
        },
      ],
    };
  },
};
