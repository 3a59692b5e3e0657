/**
 * The forward stability of deep ResNets (Haber & Ruthotto 2018): the singular values of the
 * product of layer Jacobians and the energy per layer over a 200-layer forward pass, for a
 * plain tanh ResNet and its antisymmetric counterpart.
 */
import { createRandom, integrate, type Demo, type DemoContext, type Observer } from '@phaseflow/core';
import { createJacobianGrowthObserver, createLayerEnergyObserver, mapIterator, networkMap, resNetLayer } from '@phaseflow/analysis';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const r4 = (v: number): number => Number(v.toPrecision(4));

export const forwardStabilityDemo: Demo = {
  name: 'analysis-forward-stability',
  title: 'Deep ResNets as maps: growth of the layer-Jacobian product and energy per layer',
  description:
    'Width 16, 200 layers x ← x + h·tanh(K_l x), h = 0.1, K_l = K + small noise (K ~ N(0, 1/n)), input ‖x₀‖ ≈ 0.4: ln σ_max and ln σ_min of J_l ⋯ J_1 (QR on 16 tangent vectors through the forward pass) and ‖x_l‖²/‖x₀‖², for the plain block and the antisymmetric one (K → ½(K − Kᵀ) − γI, γ = 0 and 0.02).',
  async run(ctx: DemoContext) {
    const n = 16;
    const L = 200;
    const h = 0.1;
    const rng = createRandom(ctx.seed);
    const K = rng.fillNormal(new Float64Array(n * n), 0, 1 / Math.sqrt(n));
    const kernels = Array.from({ length: L }, () => rng.fillNormal(new Float64Array(n * n), 0, 0.1 / Math.sqrt(n)).map((e, i) => e + K[i]!));
    const x0 = createRandom(ctx.seed + 1).fillNormal(new Float64Array(n), 0, 0.1);
    const variants = [
      { label: 'plain ResNet', make: (k: Float64Array) => resNetLayer({ kernel: k, step: h }) },
      { label: 'antisymmetric, γ = 0', make: (k: Float64Array) => resNetLayer({ kernel: k, step: h, antisymmetric: true }) },
      { label: 'antisymmetric, γ = 0.02', make: (k: Float64Array) => resNetLayer({ kernel: k, step: h, antisymmetric: true, damping: 0.02 }) },
    ];
    const sv: { layer: number; value: number; network: string; which: string }[] = [];
    const energy: { layer: number; ratio: number; network: string }[] = [];
    const numbers: Record<string, unknown> = { width: n, depth: L, h };
    for (const [v, variant] of variants.entries()) {
      ctx.progress(0.05 + 0.3 * v, variant.label);
      const net = networkMap(kernels.map(variant.make));
      const growth = createJacobianGrowthObserver({ problem: net, seed: ctx.seed });
      const en = createLayerEnergyObserver();
      // reads the growth observer after it has taken the layer (observers run in list order)
      const singular: Observer = {
        name: 'singular-values',
        on: {
          step: (e) => {
            const s = growth.logSingularValues();
            sv.push({ layer: e.step, value: s[0]!, network: variant.label, which: 'ln σ_max' });
            sv.push({ layer: e.step, value: s[n - 1]!, network: variant.label, which: 'ln σ_min' });
          },
        },
      };
      integrate(mapIterator(), net, x0, { tEnd: L, h: 1, observers: [growth, singular, en] });
      for (const r of en.records) if (r.layer % 2 === 0) energy.push({ layer: r.layer, ratio: r.ratio, network: variant.label });
      const s = growth.logSingularValues();
      numbers[variant.label] = {
        lnSigmaMaxPerLayer: r4(s[0]! / L),
        lnSigmaMinPerLayer: r4(s[n - 1]! / L),
        lnSigmaMax: r4(s[0]!),
        lnSigmaMin: r4(s[n - 1]!),
        energyRatio: r4(en.records.at(-1)!.ratio),
      };
    }
    ctx.progress(1);
    const p = numbers['plain ResNet'] as { lnSigmaMaxPerLayer: number; lnSigmaMinPerLayer: number; energyRatio: number };
    const a = numbers['antisymmetric, γ = 0'] as { lnSigmaMaxPerLayer: number; lnSigmaMinPerLayer: number; energyRatio: number };
    return {
      summary: `Over ${L} layers the plain ResNet's Jacobian product grows at ln σ_max/L = ${p.lnSigmaMaxPerLayer} and shrinks at ln σ_min/L = ${p.lnSigmaMinPerLayer} per layer (energy ×${p.energyRatio}); the antisymmetric one stays at ${a.lnSigmaMaxPerLayer} / ${a.lnSigmaMinPerLayer} (energy ×${a.energyRatio}).`,
      numbers,
      figures: [
        {
          name: 'forward-stability-singular-values',
          title: 'ln σ of the layer-Jacobian product J_l ⋯ J_1 vs depth',
          caption:
            'The plain block amplifies some directions and annihilates others exponentially until tanh saturates; the antisymmetric block keeps every singular value within a few units of ln 1 = 0 (its forward Euler step grows by O(h²) per layer, which γ offsets).',
          spec: {
            $schema: SCHEMA,
            width: 640,
            height: 320,
            data: { values: sv },
            mark: { type: 'line', strokeWidth: 1.6 },
            encoding: {
              x: { field: 'layer', type: 'quantitative', title: 'layer l' },
              y: { field: 'value', type: 'quantitative', title: 'ln σ(J_l ⋯ J_1)' },
              color: { field: 'network', type: 'nominal', title: 'network', sort: variants.map((x) => x.label), legend: { labelLimit: 260 } },
              strokeDash: { field: 'which', type: 'nominal', title: null },
              detail: { field: 'which', type: 'nominal' },
            },
          },
        },
        {
          name: 'forward-stability-energy',
          title: 'Energy per layer ‖x_l‖² / ‖x₀‖²',
          spec: {
            $schema: SCHEMA,
            width: 640,
            height: 240,
            data: { values: energy },
            mark: { type: 'line', strokeWidth: 1.6 },
            encoding: {
              x: { field: 'layer', type: 'quantitative', title: 'layer l' },
              y: { field: 'ratio', type: 'quantitative', title: '‖x_l‖² / ‖x₀‖²', scale: { type: 'log' } },
              color: { field: 'network', type: 'nominal', title: 'network', sort: variants.map((x) => x.label), legend: { labelLimit: 260 } },
            },
          },
        },
      ],
    };
  },
};
