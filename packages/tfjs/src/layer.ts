/**
 * The layer base: a `tf.layers.Layer` subclass that is also a core `Layer` with a parametric
 * view, so one object works inside `tf.sequential()`, under `model.save`/`tf.loadLayersModel`,
 * with the gradient Trainer, and with derivative-free trainers that set θ directly.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, describeValue, type Layer, type ParametricLayer, type ParametricView } from '@phaseflow/core';
import { checkArgumentName } from './float32.js';
import { ensembleWeights, weightsView, type Weight } from './parameters.js';

/** Constructor arguments of every tf.layers.Layer (name, inputShape, trainable, dtype …). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Keyword arguments tfjs passes to `call` (e.g. `{ training: true }`). */
export type CallKwargs = Record<string, unknown>;

/**
 * The prefix every registered phaseflow layer class name carries (`PhaseflowDense`, …).
 *
 * @example
 * ```ts
 * PhaseflowDense.className.startsWith(CLASS_PREFIX); // true
 * ```
 */
export const CLASS_PREFIX = 'Phaseflow';

/**
 * Base class of phaseflow's TensorFlow.js layers. Subclasses do what any custom tf layer does
 * (`build` adds weights with `addWeight`, `call` maps tensors, `computeOutputShape`,
 * `getConfig` returns the constructor arguments, a `static className` starting with
 * `Phaseflow`) and are registered once with {@link registerPhaseflowLayer}. In return they
 * get the core `Layer` role for free:
 *
 * - `forward(x)` — `apply` inside `tf.tidy`, builds on first use; the caller owns the result;
 * - `parameters` — the flat view θ over `trainableWeights` (read/write, float32 inside);
 * - `parameters.forwardEnsemble` — J parameter sets at once, when the subclass implements
 *   {@link PhaseflowLayer.callEnsemble}.
 *
 * Source: the custom-layer contract of TensorFlow.js (`tf.layers.Layer`, `tf.serialization`),
 * Chollet et al., Keras (2015).
 *
 * @example
 * ```ts
 * class PhaseflowScale extends PhaseflowLayer {
 *   static override className = 'PhaseflowScale';
 *   private s!: Weight;
 *   override build(shape: (number | null)[]) { this.s = this.addWeight('s', [shape.at(-1)!], 'float32', tf.initializers.ones()); this.built = true; }
 *   override call(x: tf.Tensor | tf.Tensor[]) { return tf.mul(asTensor(x), this.s.read()); }
 * }
 * registerPhaseflowLayer(PhaseflowScale);
 * ```
 */
export abstract class PhaseflowLayer extends tf.layers.Layer implements Layer<tf.Tensor, tf.Tensor> {
  static className = 'PhaseflowLayer';

  /**
   * Rebuild a layer from its saved config. tfjs hands `fromConfig` loader-internal keys
   * (`customObjects`, `fastWeightInit`) besides the layer's own; they are dropped here so
   * subclass constructors can reject unknown options strictly.
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { customObjects: _objects, fastWeightInit: _fast, ...own } = config;
    return new cls(own);
  }

  /**
   * Optional batched forward pass for ensembles: `inputs` is [J, B, …] (member j's batch) and
   * `weights` holds one tensor per trainable weight, in `trainableWeights` order, shaped
   * [J, …weight shape]. Returns [J, B, …]. Implement it to make EnKF-style training fast.
   */
  callEnsemble?(inputs: tf.Tensor, weights: readonly tf.Tensor[]): tf.Tensor;

  /** y = layer(x), inference mode, no intermediate tensors left behind. */
  forward(input: tf.Tensor): tf.Tensor {
    checkTensor('input', input);
    return guarded(input, () => tf.tidy(() => asTensor(this.apply(input, { training: false }) as tf.Tensor | tf.Tensor[])));
  }

  /** The parametric view θ over `trainableWeights` (available once the layer is built). */
  get parameters(): ParametricView<tf.Tensor, tf.Tensor> {
    const ensemble = this.callEnsemble
      ? (thetas: Float64Array, members: number, input: tf.Tensor) => {
          checkTensor('input', input);
          if (!this.built) this.forward(input).dispose();
          return tf.tidy(() => {
            const ws = ensembleWeights(this.trainableWeights, thetas, members);
            const x = tf.tile(tf.expandDims(input, 0), [members, ...input.shape.map(() => 1)]);
            return tf.unstack(this.callEnsemble!(x, ws));
          });
        }
      : undefined;
    return weightsView(() => this.trainableWeights, `layer ${JSON.stringify(this.name)}`, ensemble);
  }
}

/** Run a forward pass; tfjs' own errors (shape mismatches) become coded errors about `input`. */
function guarded(input: tf.Tensor, run: () => tf.Tensor): tf.Tensor {
  try {
    return run();
  } catch (e) {
    if (e instanceof PhaseflowError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new PhaseflowError(
      'SHAPE_MISMATCH',
      `input: a tensor of shape [${input.shape.join(', ')}] does not fit this layer: ${message}`,
      {
        argument: 'input',
        expected: 'a tensor shaped like the layer input',
        received: `shape [${input.shape.join(', ')}]`,
      },
      { cause: e },
    );
  }
}

/**
 * The single tensor of a `call` argument or result (tfjs passes arrays for multi-input layers);
 * SHAPE_MISMATCH when there is more than one, INVALID_ARGUMENT (as {@link checkTensor}) when it
 * is not a live tensor.
 *
 * @example
 * ```ts
 * override call(inputs: tf.Tensor | tf.Tensor[]) { const x = asTensor(inputs); … }
 * ```
 */
export function asTensor(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(x)) {
    if (x.length !== 1) {
      throw new PhaseflowError('SHAPE_MISMATCH', `inputs: expected one tensor, received ${x.length}`, {
        argument: 'inputs',
        expected: 'one tensor',
        received: `${x.length} tensors`,
      });
    }
    return checkTensor('inputs[0]', x[0]);
  }
  return checkTensor('inputs', x);
}

/**
 * Throw INVALID_ARGUMENT unless `value` is a live (not disposed) tf.Tensor; returns it.
 *
 * @example
 * ```ts
 * const x = checkTensor('input', input);
 * ```
 */
export function checkTensor(argument: string, value: unknown): tf.Tensor {
  checkArgumentName(argument);
  if (!(value instanceof tf.Tensor)) {
    throw new PhaseflowError('INVALID_ARGUMENT', `${argument}: expected a tf.Tensor, received ${describeValue(value)}`, {
      argument,
      expected: 'a tf.Tensor',
      received: describeValue(value),
    });
  }
  if (value.isDisposed) {
    throw new PhaseflowError('INVALID_ARGUMENT', `${argument}: expected a live tf.Tensor, received a disposed one`, {
      argument,
      expected: 'a live tf.Tensor',
      received: 'a disposed tf.Tensor',
    });
  }
  return value;
}

/**
 * Register a phaseflow layer class with `tf.serialization` so saved models that use it load
 * with `tf.loadLayersModel`. The class must extend {@link PhaseflowLayer} and carry a
 * `static className` starting with `Phaseflow` (so our names never collide with Keras' or a
 * user's); registering the same class twice is harmless.
 *
 * @example
 * ```ts
 * registerPhaseflowLayer(PhaseflowScale);
 * ```
 */
export function registerPhaseflowLayer<C extends (abstract new (...args: never[]) => PhaseflowLayer) & { className: string }>(cls: C): C {
  if (typeof cls !== 'function' || !(cls.prototype instanceof PhaseflowLayer)) {
    throw new PhaseflowError('INVALID_ARGUMENT', `cls: expected a subclass of PhaseflowLayer, received ${describeValue(cls)}`, {
      argument: 'cls',
      expected: 'a subclass of PhaseflowLayer',
      received: describeValue(cls),
    });
  }
  const name = cls.className;
  if (typeof name !== 'string' || !name.startsWith(CLASS_PREFIX) || name === CLASS_PREFIX || name === 'PhaseflowLayer') {
    throw new PhaseflowError('INVALID_ARGUMENT', `cls.className: expected a name starting with "${CLASS_PREFIX}", received ${describeValue(name)}`, {
      argument: 'cls.className',
      expected: `a string starting with "${CLASS_PREFIX}" (e.g. "${CLASS_PREFIX}Dense")`,
      received: describeValue(name),
    });
  }
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>, CLASS_PREFIX);
  return cls;
}

/**
 * A tfjs model or layer seen as a core parametric `Layer<tf.Tensor, tf.Tensor>`: `forward` is
 * `predict` in `tf.tidy`, `parameters` the flat view over `trainableWeights`. For a
 * `tf.Sequential` made only of `Dense` layers, weight-free layers (activation, dropout,
 * flatten) and phaseflow layers with `callEnsemble`, `forwardEnsemble` evaluates J parameter
 * sets in one batched pass ([J, B, in] × [J, in, out] matmuls) instead of J forward passes.
 *
 * @example
 * ```ts
 * const layer = asLayer(createMlp({ inputs: 2, hidden: [16], outputs: 2 }));
 * const theta = layer.parameters.get();
 * const outs = layer.parameters.forwardEnsemble!(thetas, 10, x); // 10 tensors [B, 2]
 * ```
 */
export function asLayer(model: tf.LayersModel | tf.layers.Layer, name?: string): ParametricLayer<tf.Tensor, tf.Tensor> {
  if (!(model instanceof tf.LayersModel) && !(model instanceof tf.layers.Layer)) {
    throw new PhaseflowError('INVALID_ARGUMENT', `model: expected a tf.LayersModel or tf.layers.Layer, received ${describeValue(model)}`, {
      argument: 'model',
      expected: 'a tf.LayersModel or tf.layers.Layer',
      received: describeValue(model),
    });
  }
  if (model instanceof PhaseflowLayer) return model;
  const label = name ?? model.name;
  const ensemble = model instanceof tf.Sequential ? sequentialEnsemble(model) : undefined;
  return {
    name: label,
    forward(input: tf.Tensor) {
      checkTensor('input', input);
      return guarded(input, () =>
        tf.tidy(() =>
          model instanceof tf.LayersModel ? asTensor(model.predict(input) as tf.Tensor) : asTensor(model.apply(input, { training: false }) as tf.Tensor),
        ),
      );
    },
    parameters: weightsView(() => model.trainableWeights, `model ${JSON.stringify(label)}`, ensemble),
  };
}

type DenseInternals = tf.layers.Layer & { activation?: { apply(x: tf.Tensor): tf.Tensor } | null; useBias?: boolean };

function sequentialEnsemble(model: tf.Sequential) {
  const layers = model.layers;
  // Order check: θ follows model.trainableWeights, the loop below follows layers.
  const flat: Weight[] = layers.flatMap((l) => l.trainableWeights);
  const all = model.trainableWeights;
  if (flat.length !== all.length || flat.some((w, i) => w !== all[i])) return undefined;
  const supported = layers.every(
    (l) =>
      l.trainableWeights.length === 0 ||
      (l.getClassName() === 'Dense' && l.trainableWeights.length <= 2) ||
      (l instanceof PhaseflowLayer && typeof l.callEnsemble === 'function'),
  );
  if (!supported) return undefined;
  return (thetas: Float64Array, members: number, input: tf.Tensor): tf.Tensor[] => {
    checkTensor('input', input);
    if (input.rank !== 2) {
      throw new PhaseflowError('SHAPE_MISMATCH', `input: expected a rank-2 tensor [batch, features] for ensemble evaluation, received rank ${input.rank}`, {
        argument: 'input',
        expected: 'rank 2',
        received: `rank ${input.rank}`,
      });
    }
    return tf.tidy(() => {
      const ws = ensembleWeights(all, thetas, members);
      const batch = input.shape[0];
      let h: tf.Tensor = tf.tile(tf.expandDims(input, 0), [members, 1, 1]);
      let k = 0;
      for (const l of layers) {
        const n = l.trainableWeights.length;
        const mine = ws.slice(k, k + n);
        k += n;
        if (n === 0) {
          const flat = tf.reshape(h, [members * batch, ...h.shape.slice(2)]);
          const y = asTensor(l.apply(flat, { training: false }) as tf.Tensor);
          h = tf.reshape(y, [members, batch, ...y.shape.slice(1)]);
        } else if (l instanceof PhaseflowLayer) {
          h = l.callEnsemble!(h, mine);
        } else {
          const dense = l as DenseInternals;
          h = tf.matMul(h, mine[0]!);
          if (mine[1]) h = tf.add(h, tf.expandDims(mine[1], 1));
          if (dense.activation) h = dense.activation.apply(h);
        }
      }
      return tf.unstack(h);
    });
  };
}
