// The bench's workloads, shared by bench/index.mjs (Node backends, our Float64 loop, numpy) and
// the browser page (browser-test/page.ts, the webgl2 column): Lorenz-63 with ρ swept over the
// members, and a pendulum grid (q₀, p₀) on [−2.5, 2.5] × [−1.5, 1.5], in the kernel subset.
export const lorenz = (_t, y, p) => [p[0] * (y[1] - y[0]), y[0] * (p[1] - y[2]) - y[1], y[0] * y[1] - p[2] * y[2]];
export const pendulumOde = (_t, y, p) => [y[1], -p[0] * Math.sin(y[0])];
export const pendulumSplit = { dVdq: (q, p) => [p[0] * Math.sin(q[0])] };
export const lorenzRows = (B) => Array.from({ length: B }, (_, m) => [10, 20 + (10 * m) / B, 8 / 3]);
export const pendulumRows = (B) => Array.from({ length: B }, () => [1]);
export const lorenzStart = (B) => Array.from({ length: B }, (_, m) => [1 + m / B, 1, 1]);
export const pendulumStart = (B) => {
  const side = Math.ceil(Math.sqrt(B));
  return Array.from({ length: B }, (_, m) => [-2.5 + (5 * (m % side)) / side, -1.5 + (3 * Math.floor(m / side)) / side]);
};

export const WORKLOADS = [
  { system: 'lorenz63', method: 'rk4', h: 0.001, field: lorenz, dimension: 3, rows: lorenzRows, start: lorenzStart },
  { system: 'pendulum-grid', method: 'rk4', h: 0.01, field: pendulumOde, dimension: 2, rows: pendulumRows, start: pendulumStart },
  { system: 'pendulum-grid', method: 'leapfrog', h: 0.01, field: pendulumSplit, dimension: 1, rows: pendulumRows, start: pendulumStart },
];
