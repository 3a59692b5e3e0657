// The page check.mjs opens in Chromium: starts the wasm backend the ways the @phaseflow/tfjs
// README ("Bundlers and the wasm backend") describes, in one page, and writes what happened.
//   ?mode=public : no wasmPaths (fails, naming the URL), a wrong folder (fails), then the
//                  files copied to the static folder (/tfjs-wasm/) — a retry in the same page
//   ?mode=url    : one URL per binary from Vite's ?url imports
import * as tf from '@tensorflow/tfjs';
import { useBestBackend, type BackendOptions } from '@phaseflow/tfjs';
// Vite's ?url suffix: the asset's URL after the build (types: vite/client).
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

const log: Record<string, unknown>[] = [];

async function attempt(label: string, options: BackendOptions): Promise<void> {
  try {
    const info = await useBestBackend(options);
    const sum = tf.tidy(() => tf.sum(tf.matMul(tf.ones([4, 3]), tf.ones([3, 2]))).dataSync()[0]);
    log.push({ label, name: info.name, wasmBinary: info.wasmBinary, sum });
  } catch (e) {
    const { code, details, message } = e as { code?: string; details?: { looked?: string[] }; message?: string };
    log.push({ label, code, looked: details?.looked, message });
  }
}

if (new URLSearchParams(location.search).get('mode') === 'public') {
  await attempt('default', { prefer: 'wasm' });
  await attempt('wrong folder', { prefer: 'wasm', wasmPaths: '/nope/' });
  await attempt('static folder', { prefer: 'wasm', wasmPaths: '/tfjs-wasm/' });
} else {
  await attempt('url map', {
    prefer: 'wasm',
    wasmPaths: { 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded },
  });
}
document.getElementById('out')!.textContent = JSON.stringify(log);
document.title = 'done';
