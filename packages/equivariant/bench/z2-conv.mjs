// A plain 3 × 3 `valid` conv on the same op as the group layers (planarConv: tf.layers.conv2d
// has no filter gradient on wasm), seeded with the same Glorot draw: the Z2 baseline of the
// rotated-digits experiment and of the speed section.
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { planarConv } from '@phaseflow/equivariant';
import { glorot } from '@phaseflow/nn64';
import { PhaseflowLayer } from '@phaseflow/tfjs';

export class Z2Conv extends PhaseflowLayer {
  static className = 'BenchZ2Conv';
  constructor({ filters, activation, seed, ...rest }) {
    super(rest);
    Object.assign(this, { filters, act: activation, seed });
  }
  build(shape) {
    const c = shape[3];
    const values = glorot(createRandom(this.seed), 9 * c, this.filters);
    this.kernel = this.addWeight('kernel', [3, 3, c, this.filters], 'float32', tf.initializers.zeros());
    tf.tidy(() => {
      this.kernel.write(tf.tensor(Float32Array.from(values), [3, 3, c, this.filters]));
    });
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }
  computeOutputShape(s) {
    return [s[0], s[1] - 2, s[2] - 2, this.filters];
  }
  call(x) {
    return tf.tidy(() => {
      const y = tf.add(planarConv(Array.isArray(x) ? x[0] : x, this.kernel.read(), 'valid'), this.bias.read());
      return this.act === 'relu' ? tf.relu(y) : y;
    });
  }
}
