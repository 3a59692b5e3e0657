// Exposes WebGPU in Node through the `webgpu` package (Dawn's node bindings) as navigator.gpu,
// for the bench, tools/device-check-gpu.sh and the webgpu test. Which copy of the package:
// PHASEFLOW_WEBGPU_MODULE (a path to an installed `webgpu` package folder), else the one
// gpu.js depends on. Flags for `create` come from PHASEFLOW_WEBGPU_FLAGS (comma-separated,
// e.g. `backend=opengles` for a Mesa software adapter, where EGL_PLATFORM=surfaceless is also
// needed); PHASEFLOW_WEBGPU_COMPAT=1 requests the compatibility feature level (what a software
// OpenGL ES adapter offers), by wrapping requestAdapter.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const firstLine = (e) => String(e?.message ?? e).split('\n')[0];

/** Install navigator.gpu; resolves to { ok: true, adapter } or { ok: false, reason }. */
export async function installNodeWebGpu() {
  if (globalThis.navigator?.gpu) return { ok: true, adapter: 'navigator.gpu was already present' };
  let entry;
  try {
    const dir = process.env.PHASEFLOW_WEBGPU_MODULE;
    entry = dir ? createRequire(join(dir, 'package.json')).resolve('./') : createRequire(createRequire(import.meta.url).resolve('gpu.js')).resolve('webgpu');
  } catch (e) {
    return { ok: false, reason: `the webgpu package cannot be found (${firstLine(e)})` };
  }
  let mod;
  try {
    mod = await import(pathToFileURL(entry).href);
  } catch (e) {
    return { ok: false, reason: `the webgpu package does not load here (${firstLine(e)})` };
  }
  try {
    const { create, globals } = mod;
    Object.assign(globalThis, globals);
    const flags = process.env.PHASEFLOW_WEBGPU_FLAGS ? process.env.PHASEFLOW_WEBGPU_FLAGS.split(',') : [];
    const gpu = create(flags);
    if (process.env.PHASEFLOW_WEBGPU_COMPAT === '1') {
      const request = gpu.requestAdapter.bind(gpu);
      gpu.requestAdapter = (options = {}) => request({ featureLevel: 'compatibility', ...options });
    }
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ok: false, reason: 'navigator.gpu.requestAdapter() gave no adapter' };
    const info = adapter.info ?? {};
    return { ok: true, adapter: [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || 'an adapter' };
  } catch (e) {
    return { ok: false, reason: `the webgpu package loaded but gave no GPU (${firstLine(e)})` };
  }
}
