/**
 * In-memory save/load of tfjs models (topology + weights), for round trips, copies and
 * shipping a trained model as one JSON-friendly object.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, describeValue, invalid } from '@phaseflow/core';

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
