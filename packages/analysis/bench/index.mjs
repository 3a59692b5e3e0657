// Bench of @phaseflow/analysis: prints one JSON document. Run after a build:
// `npx nx bench @phaseflow/analysis` (or `node bench/index.mjs` in this folder). BENCH_QUICK=1
// runs 10⁵ instead of 10⁶ Lorenz steps and shorter RNN and training runs (the tight figures
// then do not hold).
import os from 'node:os';
import { lorenzBench } from './lorenz.mjs';
import { edgeOfStabilityBench, henonBench, rnnBench } from './more.mjs';

const quick = process.env.BENCH_QUICK === '1';
const out = { node: process.version, cpus: os.cpus().length, loadAtStart: os.loadavg().map((x) => Number(x.toFixed(2))), quick };
out.lorenz63 = lorenzBench({ quick });
out.henon = henonBench({ quick });
out.rateRnn = rnnBench({ quick });
out.edgeOfStability = edgeOfStabilityBench({ quick });
console.log(JSON.stringify(out, null, 2));
