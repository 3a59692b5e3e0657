// One memory measurement in a fresh process (the wasm heap never shrinks, so every
// configuration gets its own): a neural-ODE gradient on the spiral field MLP(y³) 2-50-2,
// `steps` rk38 steps on [0, 1], batch `batch`, by `mode`, on the layer's default engine or
// `engine`. Prints one JSON line: the growth of
// the wasm heap (its size is its peak), of the process's peak RSS, the peak of
// tf.memory().numBytes sampled at field evaluations, the estimate the layer made, or the coded
// error it threw instead.
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';
import { NeuralODE } from '@phaseflow/neural-ode';

const { batch, steps, mode, maxBytes, engine } = JSON.parse(process.argv[2]);
const backend = await useBestBackend();
const heap = () => (backend.name === 'wasm' ? tf.backend().wasm.HEAPU8.byteLength : 0);
const ode = new NeuralODE({
  hidden: [50],
  features: 'cube',
  integrator: 'rk38',
  h: 1 / steps,
  times: [1],
  gradient: mode,
  seed: 0,
  ...(maxBytes !== undefined && { memory: { maxBytes } }),
  ...(engine !== undefined && { engine }),
});
const x = tf.tidy(() => tf.mul(tf.randomUniform([batch, 2], -1, 1, 'float32', 1), 2));
const target = tf.zerosLike(x);
ode.forward(tf.slice(x, 0, 1)).dispose();
const loss = (y) => tf.mean(tf.abs(tf.sub(y, target)));
const rss0 = process.memoryUsage().rss;
const heap0 = heap();
const bytes0 = tf.memory().numBytes;
const started = performance.now();
let result;
try {
  const r = ode.gradients(x, loss, mode);
  result = { ok: true, engine: r.engine, loss: r.loss, gradientNorm: Math.hypot(...r.gradient), peakBytesSampled: r.peakBytes, evaluations: r.evaluations };
} catch (e) {
  result = { ok: false, code: e.code, message: String(e.message).slice(0, 300), details: e.details };
}
const ms = performance.now() - started;
const maxRss = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    backend: backend.name,
    batch,
    steps,
    mode,
    maxBytes,
    ms: +ms.toFixed(1),
    heapGrowthBytes: heap() - heap0,
    rssGrowthBytes: maxRss - rss0,
    liveBytesBefore: bytes0,
    ...result,
  }),
);
