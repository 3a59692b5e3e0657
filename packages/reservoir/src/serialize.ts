/**
 * Save and load models as JSON. Numbers are written with JavaScript's shortest round-trip
 * representation, so a loaded model gives bit-identical predictions (state and noise stream
 * included). Loading holds every field to the constructors' rules.
 */
import { PhaseflowError, createRandom, describeValue, type RandomState } from '@phaseflow/core';
import { buildEsn, type Esn } from './esn.js';
import { buildNvar, checkNvarOptions, type NvarModel } from './nvar.js';
import { createReadout, type Readout } from './readout.js';
import { buildReservoir, checkReservoirScalars, type Reservoir } from './reservoir.js';
import { checkCsr, type CsrMatrix } from '@phaseflow/linalg';

const FORMAT = 'phaseflow-reservoir';
const VERSION = 1;

/** The JSON form of a model (plain data). */
export interface SavedModel {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly kind: 'esn' | 'nvar';
  readonly [key: string]: unknown;
}

const csrJson = (A: CsrMatrix) => ({ rows: A.rows, cols: A.cols, rowPtr: Array.from(A.rowPtr), colIdx: Array.from(A.colIdx), values: Array.from(A.values) });
const readoutJson = (r: Readout) => ({
  inputDim: r.inputDim,
  outputDim: r.outputDim,
  weights: Array.from(r.weights),
  bias: Array.from(r.bias),
  fitted: r.fitted,
});

/**
 * A JSON-serialisable copy of an ESN or NVAR model, weights and state included.
 *
 * @example
 * ```ts
 * const text = JSON.stringify(saveModel(esn));
 * const again = loadModel(JSON.parse(text)); // same predictions, bit for bit
 * ```
 */
export function saveModel(model: Esn | NvarModel): SavedModel {
  if (model?.name === 'esn') {
    const esn = model as Esn;
    return {
      format: FORMAT,
      version: VERSION,
      kind: 'esn',
      inputToReadout: esn.inputToReadout,
      reservoirs: esn.reservoirs.map((r) => ({
        units: r.units,
        inputDim: r.inputDim,
        feedbackDim: r.feedbackDim,
        leakRate: r.leakRate,
        noise: r.noise,
        seed: r.seed,
        W: csrJson(r.W),
        Win: csrJson(r.Win),
        Wfb: r.Wfb ? csrJson(r.Wfb) : null,
        bias: Array.from(r.bias),
        state: Array.from(r.state),
        ...(r.noise > 0 && { noiseState: r.getNoiseState() }),
      })),
      readout: readoutJson(esn.readout),
      lastOutput: Array.from(esn.getLastOutput()),
    };
  }
  if (model?.name === 'nvar') {
    const m = model as NvarModel;
    return {
      format: FORMAT,
      version: VERSION,
      kind: 'nvar',
      inputDim: m.inputDim,
      delay: m.delay,
      order: m.order,
      strides: m.strides,
      outputDim: m.outputDim,
      residual: m.residual,
      readout: readoutJson(m.readout),
      state: Array.from(m.getState()),
      lastOutput: Array.from(m.getLastOutput()),
    };
  }
  throw new PhaseflowError('INVALID_ARGUMENT', `model: expected an ESN or NVAR model, received ${describeValue(model)}`, { argument: 'model' });
}

function bad(path: string, expected: string, got: unknown): never {
  throw new PhaseflowError('INVALID_MODEL_FILE', `${path}: expected ${expected}, received ${describeValue(got)}`, {
    argument: path,
    expected,
    received: describeValue(got),
  });
}
/**
 * Run a constructor-side check on fields read from a file: its coded error becomes
 * INVALID_MODEL_FILE, naming the same field path (the checks are given `json.…` prefixes).
 */
function asFile<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PhaseflowError && e.code !== 'INVALID_MODEL_FILE') {
      throw new PhaseflowError('INVALID_MODEL_FILE', e.message.replace(/^\[[A-Z_]+\] /, ''), { ...e.details }, { cause: e });
    }
    throw e;
  }
}
function num(path: string, v: unknown, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) bad(path, integer ? 'an integer' : 'a finite number', v);
  return v;
}
function nums(path: string, v: unknown, length?: number): Float64Array {
  if (!Array.isArray(v)) bad(path, 'an array of numbers', v);
  if (length !== undefined && v.length !== length) bad(path, `${length} numbers`, v);
  const out = new Float64Array(v.length);
  v.forEach((x, i) => (out[i] = num(`${path}[${i}]`, x)));
  return out;
}
function csr(path: string, v: unknown, rows: number, cols: number): CsrMatrix {
  const o = v as Record<string, unknown>;
  if (o === null || typeof o !== 'object') bad(path, 'a sparse matrix', v);
  const A = {
    rows: num(`${path}.rows`, o['rows'], true),
    cols: num(`${path}.cols`, o['cols'], true),
    rowPtr: Int32Array.from(nums(`${path}.rowPtr`, o['rowPtr'])),
    colIdx: Int32Array.from(nums(`${path}.colIdx`, o['colIdx'])),
    values: nums(`${path}.values`, o['values']),
  };
  try {
    return checkCsr(path, A, rows, cols);
  } catch (e) {
    return bad(path, `a valid ${rows} × ${cols} CSR matrix`, e instanceof Error ? e.message : v);
  }
}
function readout(path: string, v: unknown): Readout {
  const o = v as Record<string, unknown>;
  if (o === null || typeof o !== 'object') bad(path, 'a readout', v);
  const inputDim = num(`${path}.inputDim`, o['inputDim'], true),
    outputDim = num(`${path}.outputDim`, o['outputDim'], true);
  if (inputDim < 1) bad(`${path}.inputDim`, 'an integer >= 1', inputDim);
  if (outputDim < 1) bad(`${path}.outputDim`, 'an integer >= 1', outputDim);
  const r = asFile(() => createReadout({ inputDim, outputDim }));
  r.weights.set(nums(`${path}.weights`, o['weights'], r.weights.length));
  r.bias.set(nums(`${path}.bias`, o['bias'], r.outputDim));
  r.fitted = o['fitted'] === true;
  return r;
}

/**
 * Rebuild a model saved by {@link saveModel}; anything else — including fields the
 * constructors would refuse, such as a leak rate outside (0, 1] — throws INVALID_MODEL_FILE
 * naming the field. A noisy reservoir continues its noise stream where it was saved (files
 * without the stream's position restart it from the seed).
 *
 * @example
 * ```ts
 * const esn = loadModel(JSON.parse(readFileSync('esn.json', 'utf8'))) as Esn;
 * ```
 */
export function loadModel(json: unknown): Esn | NvarModel {
  const o = json as Record<string, unknown>;
  if (o === null || typeof o !== 'object' || o['format'] !== FORMAT) bad('json.format', `"${FORMAT}"`, o?.['format'] ?? json);
  if (o['version'] !== VERSION) bad('json.version', String(VERSION), o['version']);
  if (o['kind'] === 'esn') {
    if (!Array.isArray(o['reservoirs']) || o['reservoirs'].length === 0) bad('json.reservoirs', 'a non-empty array', o['reservoirs']);
    const reservoirs: Reservoir[] = (o['reservoirs'] as Record<string, unknown>[]).map((r, k) => {
      const p = `json.reservoirs[${k}]`;
      if (r === null || typeof r !== 'object') bad(p, 'a reservoir', r);
      const { units, inputDim, feedbackDim, seed, leakRate, noise } = asFile(() =>
        checkReservoirScalars(p, {
          units: num(`${p}.units`, r['units'], true),
          inputDim: num(`${p}.inputDim`, r['inputDim'], true),
          feedbackDim: num(`${p}.feedbackDim`, r['feedbackDim'], true),
          seed: num(`${p}.seed`, r['seed'], true),
          leakRate: num(`${p}.leakRate`, r['leakRate']),
          noise: num(`${p}.noise`, r['noise']),
        }),
      );
      const res = buildReservoir({
        units,
        inputDim,
        feedbackDim,
        seed,
        leakRate,
        noise,
        W: csr(`${p}.W`, r['W'], units, units),
        Win: csr(`${p}.Win`, r['Win'], units, inputDim),
        Wfb: feedbackDim > 0 ? csr(`${p}.Wfb`, r['Wfb'], units, feedbackDim) : undefined,
        bias: nums(`${p}.bias`, r['bias'], units),
        rng: createRandom(seed).fork('noise'),
      });
      res.setState(nums(`${p}.state`, r['state'], units));
      if (r['noiseState'] !== undefined) {
        const state = r['noiseState'] as RandomState;
        try {
          res.setNoiseState(state);
        } catch (e) {
          const detail = e instanceof PhaseflowError ? String(e.details.argument).replace(/^state/, `${p}.noiseState`) : `${p}.noiseState`;
          bad(detail, 'a random-stream position saved by saveModel', e instanceof PhaseflowError ? e.details.received : state);
        }
      }
      return res;
    });
    const ro = readout('json.readout', o['readout']);
    if (typeof o['inputToReadout'] !== 'boolean') bad('json.inputToReadout', 'a boolean', o['inputToReadout']);
    const inputToReadout = o['inputToReadout'] === true;
    for (let k = 1; k < reservoirs.length; k++) {
      if (reservoirs[k]!.inputDim !== reservoirs[k - 1]!.units)
        bad(`json.reservoirs[${k}].inputDim`, String(reservoirs[k - 1]!.units), reservoirs[k]!.inputDim);
    }
    const features = reservoirs.reduce((a, r) => a + r.units, 0) + (inputToReadout ? reservoirs[0]!.inputDim : 0);
    if (ro.inputDim !== features) bad('json.readout.inputDim', `${features} (the ESN's features)`, ro.inputDim);
    const esn = buildEsn(reservoirs, ro, inputToReadout);
    esn.setLastOutput(nums('json.lastOutput', o['lastOutput'], ro.outputDim));
    return esn;
  }
  if (o['kind'] === 'nvar') {
    const ro = readout('json.readout', o['readout']);
    const spec = asFile(() =>
      checkNvarOptions('json', {
        inputDim: num('json.inputDim', o['inputDim'], true),
        delay: num('json.delay', o['delay'], true),
        order: num('json.order', o['order'], true),
        strides: num('json.strides', o['strides'], true),
        outputDim: num('json.outputDim', o['outputDim'], true),
        residual: o['residual'],
      }),
    );
    if (ro.outputDim !== spec.outputDim) bad('json.readout.outputDim', `${spec.outputDim} (the NVAR's outputDim)`, ro.outputDim);
    const m = asFile(() => buildNvar(spec, ro, 'json'));
    if (m.featureDim !== ro.inputDim) bad('json.readout.inputDim', `${m.featureDim} (the NVAR's features)`, ro.inputDim);
    m.setState(nums('json.state', o['state'], ((m.delay - 1) * m.strides + 1) * m.inputDim));
    m.setLastOutput(nums('json.lastOutput', o['lastOutput'], m.outputDim));
    return m;
  }
  return bad('json.kind', '"esn" or "nvar"', o['kind']);
}
