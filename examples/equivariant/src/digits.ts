/**
 * The rotated-digits experiment at demo size: a plain (Z2) CNN and a P4 CNN with the same
 * number of weights per hidden layer (GrouPy's design: C channels against C/2 features × 4
 * rotations), three 3 × 3 conv layers, a 2 × 2 max pool and a global max pool, trained on
 * upright digits, tested at fixed rotation angles.
 */
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { rotateImage, rotatedDigits, type MnistSource } from '@phaseflow/datasets';
import { PhaseflowGroupConv, PhaseflowGroupPool, PhaseflowLiftingConv, planarConv } from '@phaseflow/equivariant';
import { glorot } from '@phaseflow/nn64';
import { PhaseflowLayer, countWeights, createGradientTrainer, type LayerArgs, type Weight } from '@phaseflow/tfjs';

/** A plain 3 × 3 `valid` conv on the group layers' op (tf.layers.conv2d cannot train on wasm). */
class Z2Conv extends PhaseflowLayer {
  static override className = 'DemoZ2Conv';
  private kernel!: Weight;
  private bias!: Weight;
  constructor(
    private readonly filters: number,
    private readonly seed: number,
    args: LayerArgs = {},
  ) {
    super(args);
  }
  override build(shape: tf.Shape | tf.Shape[]): void {
    const c = (shape as number[])[3]!;
    const values = glorot(createRandom(this.seed), 9 * c, this.filters);
    this.kernel = this.addWeight('kernel', [3, 3, c, this.filters], 'float32', tf.initializers.zeros());
    tf.tidy(() => {
      this.kernel.write(tf.tensor(Float32Array.from(values), [3, 3, c, this.filters]));
    });
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }
  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = s as number[];
    return [shape[0]!, shape[1]! - 2, shape[2]! - 2, this.filters];
  }
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() =>
      tf.relu(tf.add(planarConv((Array.isArray(x) ? x[0] : x) as tf.Tensor4D, this.kernel.read() as tf.Tensor4D, 'valid'), this.bias.read())),
    );
  }
}

/** Options of {@link runRotatedDigits}. */
export interface RotatedDigitsRunOptions {
  readonly seed: number;
  /** Upright training digits. */
  readonly train: number;
  /** Test digits, each shown at every angle. */
  readonly test: number;
  readonly epochs: number;
  /** Z2 channels per layer; the P4 CNN gets half as many features (× 4 rotations). */
  readonly channels: number;
  /** Test angles in degrees. */
  readonly angles: readonly number[];
  readonly onProgress?: (fraction: number, message: string) => void;
}

/** Accuracy of both models at every test angle. */
export interface RotatedDigitsRun {
  readonly angles: readonly number[];
  readonly accuracy: Record<'z2' | 'p4', number[]>;
  readonly parameters: Record<'z2' | 'p4', number>;
  readonly trainSeconds: Record<'z2' | 'p4', number>;
}

const SIZE = 14;

function z2Cnn(c: number): tf.Sequential {
  return tf.sequential({
    layers: [
      new Z2Conv(c, 1, { inputShape: [SIZE, SIZE, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      new Z2Conv(c, 2),
      new Z2Conv(c, 3),
      tf.layers.globalMaxPooling2d({}),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
    ],
  });
}

function p4Cnn(f: number): tf.Sequential {
  return tf.sequential({
    layers: [
      new PhaseflowLiftingConv({ group: 'C4', filters: f, activation: 'relu', inputShape: [SIZE, SIZE, 1], seed: 1 }),
      tf.layers.maxPooling2d({ poolSize: 2 }), // 12 × 12 → 6 × 6: even, so it commutes with C4
      new PhaseflowGroupConv({ group: 'C4', filters: f, activation: 'relu', seed: 2 }),
      new PhaseflowGroupConv({ group: 'C4', filters: f, activation: 'relu', seed: 3 }),
      new PhaseflowGroupPool({ group: 'C4' }),
      tf.layers.globalMaxPooling2d({}),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
    ],
  });
}

/** Train both CNNs on upright digits and measure their accuracy at each angle. */
export async function runRotatedDigits(o: RotatedDigitsRunOptions): Promise<RotatedDigitsRun> {
  // One seeded draw: the first digits train, the rest test (disjoint).
  // The example installs the digits itself (datasets only peers on them).
  const specifier = 'mnist';
  const mnist = (await import(specifier)) as { default?: MnistSource } & MnistSource;
  const all = await rotatedDigits({ count: o.train + o.test, seed: o.seed, size: SIZE, rotation: 'upright', source: mnist.default ?? mnist });
  const px = SIZE * SIZE;
  const test = { n: o.test, x: all.x.subarray(o.train * px), y: all.y.subarray(o.train) };
  const x = tf.tensor4d(Float32Array.from(all.x.subarray(0, o.train * px)), [o.train, SIZE, SIZE, 1]);
  const y = tf.tensor1d(all.y.subarray(0, o.train), 'int32');
  // Every test digit at every angle, rotated at 14 × 14 (bilinear).
  const turned = o.angles.map((deg) => {
    const data = new Float32Array(test.n * SIZE * SIZE);
    const img = new Float64Array(SIZE * SIZE);
    for (let i = 0; i < test.n; i++)
      data.set(rotateImage(test.x.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE), SIZE, (deg * Math.PI) / 180, img), i * SIZE * SIZE);
    return tf.tensor4d(data, [test.n, SIZE, SIZE, 1]);
  });
  const accuracy = { z2: [] as number[], p4: [] as number[] };
  const parameters = { z2: 0, p4: 0 };
  const trainSeconds = { z2: 0, p4: 0 };
  try {
    for (const [k, name] of (['z2', 'p4'] as const).entries()) {
      o.onProgress?.(k / 2, `training the ${name.toUpperCase()} CNN`);
      const model = name === 'z2' ? z2Cnn(o.channels) : p4Cnn(o.channels / 2);
      const t0 = performance.now();
      await createGradientTrainer({ epochs: o.epochs, batchSize: 32, learningRate: 0.004, seed: o.seed }).fit(model, { inputs: x, targets: y });
      trainSeconds[name] = +((performance.now() - t0) / 1000).toFixed(1);
      parameters[name] = countWeights(model.trainableWeights);
      for (const t of turned) {
        const hits = tf.tidy(
          () => tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(t) as tf.Tensor, -1), tf.tensor1d(test.y, 'int32')), 'float32')).dataSync()[0]!,
        );
        accuracy[name].push(+(hits / test.n).toFixed(3));
      }
      model.dispose();
    }
  } finally {
    tf.dispose([x, y, ...turned]);
  }
  return { angles: o.angles, accuracy, parameters, trainSeconds };
}
