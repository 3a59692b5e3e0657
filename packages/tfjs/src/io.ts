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

/**
 * Load a model saved by {@link saveToMemory} (or any Keras/tfjs layers-model artifacts) with
 * `tf.loadLayersModel(tf.io.fromMemory(…))`. Anything that is not a layers model, or that
 * names a layer class not registered here, fails with INVALID_MODEL_FILE.
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
