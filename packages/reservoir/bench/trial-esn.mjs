// One reservoir hyper-parameter trial as a module export, for bench/trials.mjs (and as the
// pattern for a distributed engine: the task is this function, its inputs are the parameters
// and a seed). Mackey–Glass one step ahead: a 500-unit ESN fitted on rows 0…9999 (warm-up
// 100), scored by NRMSE on rows 10000…11999. Imports the built package (run after a build).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEsn, createRidge, matrix, nrmse } from '@phaseflow/reservoir';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = process.env.PHASEFLOW_SHARED_DATA ?? path.resolve(here, '../../../../shared/data');
let mg;
const col = (a, b) => matrix(b - a, 1, mg.slice(a, b));

export async function trial(params, { seed }) {
  mg ??= Float64Array.from(JSON.parse(readFileSync(path.join(shared, 'reservoir', 'mackey_glass_tau17.json'), 'utf8')).series);
  const esn = createEsn({
    reservoir: { units: 500, inputDim: 1, spectralRadius: params.sr, leakRate: params.lr, inputScaling: params.inputScaling, seed },
  });
  // threads: 1 — the trials are the parallel unit here; each stays on its own core.
  await esn.fit(col(0, 10000), col(1, 10001), { trainer: createRidge({ ridge: params.ridge, warmup: 100, threads: 1 }) });
  return nrmse(col(10001, 12001), esn.run(col(10000, 12000)));
}
