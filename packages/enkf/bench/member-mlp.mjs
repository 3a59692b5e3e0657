// The model of bench/pool.mjs, built in each pool worker (and on the calling thread for the
// sequential reference): a 784-H-10 tanh network on MNIST digits (H = ENKF_POOL_HIDDEN, default
// 64; worker threads see the parent's environment).
import { createMlp64 } from '@phaseflow/nn64';

export const SIZES = [784, Number(process.env.ENKF_POOL_HIDDEN ?? 64), 10];
export const model = () => createMlp64({ sizes: SIZES, activation: 'tanh', output: 'softmax', seed: 3, distribution: 'normal' });
