/**
 * Save/load of tfjs models (topology + weights): in memory, for round trips, copies and
 * shipping a trained model as one JSON-friendly object; and to a folder on disk in Node, or
 * through any `tf.io.IOHandler`, with the same checks on the way back in.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, describeValue, invalid } from '@phaseflow/core';
import { MODEL_JSON, WEIGHTS_BIN, fileSystem, resolveTarget } from './file-system.js';

/**
 * Save `model` (its topology, phaseflow layers included, and weights) to an in-memory
 * `tf.io.ModelArtifacts` via `tf.io.withSaveHandler`. Registered phaseflow layers save under
 * their `Phaseflow…` class names.
 *
 * @example
 * ```ts
 * const artifacts = await saveToMemory(model);
 * const copy = await loadFromMemory(artifacts);
 * ```
 */
export async function saveToMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  if (!(model instanceof tf.LayersModel)) invalid('model', 'a tf.LayersModel (e.g. tf.sequential())', model);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

function modelFile(argument: string, expected: string, received: string): never {
  throw new PhaseflowError('INVALID_MODEL_FILE', `${argument}: expected ${expected}, received ${received}`, { argument, expected, received });
}

/**
 * The weight blob must be exactly as long as `weightSpecs` say (Σ size × bytes of each dtype,
 * or of its quantised dtype), and every float32 weight finite: tfjs itself reads a short blob
 * as garbage and loads NaN as it is.
 */
function checkWeights(artifacts: tf.io.ModelArtifacts): void {
  const specs = artifacts.weightSpecs;
  if (specs === undefined) return;
  if (!Array.isArray(specs)) modelFile('artifacts.weightSpecs', 'an array of weight specs', describeValue(specs));
  const data = artifacts.weightData;
  const buffers: ArrayBuffer[] = data === undefined ? [] : Array.isArray(data) ? data : [data as ArrayBuffer];
  if (!buffers.every((b) => b instanceof ArrayBuffer)) modelFile('artifacts.weightData', 'an ArrayBuffer (or a list of them)', describeValue(data));
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  let expected = 0;
  const floats: { name: string; offset: number; size: number }[] = [];
  specs.forEach((spec, i) => {
    const shape = spec?.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      modelFile(`artifacts.weightSpecs[${i}].shape`, 'a list of integer dimensions', describeValue(shape));
    const size = shape.reduce((a, b) => a * b, 1);
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const bytes = DTYPE_BYTES[dtype];
    if (bytes === undefined) modelFile(`artifacts.weightSpecs[${i}].dtype`, `one of ${Object.keys(DTYPE_BYTES).join(', ')}`, describeValue(dtype));
    if (dtype === 'float32' && spec.quantization === undefined) floats.push({ name: spec.name, offset: expected, size });
    expected += size * bytes;
  });
  if (total !== expected) {
    modelFile('artifacts.weightData', `${expected} bytes (what weightSpecs describe)`, `${total} bytes`);
  }
  if (floats.length === 0) return;
  const joined = buffers.length === 1 ? buffers[0]! : concatBuffers(buffers, total);
  for (const f of floats) {
    // Offsets of float32 weights are multiples of 4 only when every earlier weight's bytes are.
    const values = f.offset % 4 === 0 ? new Float32Array(joined, f.offset, f.size) : new Float32Array(joined.slice(f.offset, f.offset + 4 * f.size));
    for (let k = 0; k < values.length; k++) {
      if (!Number.isFinite(values[k]!)) {
        throw new PhaseflowError('INVALID_MODEL_FILE', `artifacts.weightData: weight ${JSON.stringify(f.name)} holds ${values[k]} at index ${k}`, {
          argument: `artifacts.weightData (${f.name}[${k}])`,
          expected: 'finite weights',
          received: String(values[k]),
        });
      }
    }
  }
}

function concatBuffers(buffers: ArrayBuffer[], total: number): ArrayBuffer {
  const out = new Uint8Array(total);
  let k = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), k);
    k += b.byteLength;
  }
  return out.buffer;
}

/**
 * Load a model saved by {@link saveToMemory} (or any Keras/tfjs layers-model artifacts) with
 * `tf.loadLayersModel(tf.io.fromMemory(…))`. Anything that is not a layers model, that names
 * a layer class not registered here, whose weight blob is not the length its specs describe,
 * or whose float weights hold NaN or ±Infinity, fails with INVALID_MODEL_FILE.
 *
 * @example
 * ```ts
 * const copy = await loadFromMemory(await saveToMemory(model));
 * ```
 */
export async function loadFromMemory(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  if (artifacts === null || typeof artifacts !== 'object' || typeof artifacts.modelTopology !== 'object' || artifacts.modelTopology === null) {
    throw new PhaseflowError('INVALID_MODEL_FILE', `artifacts: expected tf.io.ModelArtifacts with a modelTopology, received ${describeValue(artifacts)}`, {
      argument: 'artifacts',
      expected: 'tf.io.ModelArtifacts { modelTopology, weightSpecs, weightData }',
      received: describeValue(artifacts),
    });
  }
  checkWeights(artifacts);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new PhaseflowError(
      'INVALID_MODEL_FILE',
      `artifacts: could not load a layers model (${message}); phaseflow layer classes must be imported before loading`,
      { argument: 'artifacts', expected: 'a layers model whose classes are registered', received: message },
      { cause: e },
    );
  }
}

/** What {@link saveModel} wrote. */
export interface SavedModel {
  /** The `model.json` written (its full path), when saved to a folder. */
  readonly modelJson?: string;
  /** The weight file written (its full path), when saved to a folder. */
  readonly weights?: string;
  /** tfjs's summary: topology and weight byte counts, date saved. */
  readonly info: tf.io.ModelArtifactsInfo;
}

function checkHandler(argument: string, value: unknown, method: 'save' | 'load'): tf.io.IOHandler {
  if (value === null || typeof value !== 'object' || typeof (value as tf.io.IOHandler)[method] !== 'function') {
    invalid(argument, `a folder path, a file:// URL or a tf.io.IOHandler with ${method}()`, value);
  }
  return value as tf.io.IOHandler;
}

/**
 * Save `model` (topology, phaseflow layers included, and weights) to `destination`: a folder
 * path or `file://` URL in Node — `model.json` and `weights.bin` in tfjs-node's layout, via
 * {@link fileSystem}, no tfjs-node needed — or any `tf.io.IOHandler`
 * (`tf.io.browserFiles`, `tf.io.withSaveHandler`, …). A folder that cannot be created or
 * written fails with FILE_ACCESS_FAILED naming its full path.
 *
 * @example
 * ```ts
 * import { createMlp, loadModel, saveModel, useBestBackend } from '@phaseflow/tfjs';
 *
 * await useBestBackend();
 * const model = createMlp({ inputs: 2, hidden: [8], outputs: 1, seed: 1 });
 * const saved = await saveModel(model, './saved/mlp');   // { modelJson: '/…/saved/mlp/model.json', … }
 * const copy = await loadModel('./saved/mlp');
 * ```
 */
export async function saveModel(model: tf.LayersModel, destination: string | tf.io.IOHandler): Promise<SavedModel> {
  if (!(model instanceof tf.LayersModel)) invalid('model', 'a tf.LayersModel (e.g. tf.sequential())', model);
  const handler = typeof destination === 'string' ? fileSystem(destination) : checkHandler('destination', destination, 'save');
  const artifacts = await saveToMemory(model);
  const result = await handler.save!(artifacts);
  const info = result.modelArtifactsInfo ?? tf.io.getModelArtifactsInfoForJSON(artifacts);
  if (typeof destination !== 'string') return { info };
  const { folder, join } = await resolveTarget(destination);
  return { modelJson: join(folder, MODEL_JSON), weights: join(folder, WEIGHTS_BIN), info };
}

/**
 * Load a model from `source` — `…/model.json` or its folder (path or `file://` URL) in Node,
 * via {@link fileSystem}, or any `tf.io.IOHandler` (`tf.io.http(url)`, `tf.io.browserFiles`,
 * …) — and run the checks of {@link loadFromMemory} on it: a weight file of the wrong length
 * or with NaN/±Infinity weights, a topology that is not a layers model, or a layer class not
 * registered here fail with INVALID_MODEL_FILE; a missing or unreadable file with
 * FILE_ACCESS_FAILED naming its full path.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createMlp, loadModel, saveModel } from '@phaseflow/tfjs';
 *
 * await saveModel(createMlp({ inputs: 2, hidden: [4], outputs: 1, seed: 2 }), './saved/small');
 * const model = await loadModel('./saved/small/model.json');
 * tf.tidy(() => (model.predict(tf.tensor2d([[0.5, -1]])) as tf.Tensor).print());
 * ```
 */
export async function loadModel(source: string | tf.io.IOHandler): Promise<tf.LayersModel> {
  const handler = typeof source === 'string' ? fileSystem(source) : checkHandler('source', source, 'load');
  const artifacts = await handler.load!();
  return loadFromMemory(artifacts);
}
