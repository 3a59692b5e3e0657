/**
 * Backend choice: one call that picks the fastest TensorFlow.js backend this runtime has —
 * `tensorflow` (tfjs-node, when the user registered it) then `wasm` in Node; `webgpu`, `webgl`,
 * `wasm` in browsers — with `cpu` as the fallback that always works.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkOptions, describeValue, invalid } from '@phaseflow/core';
import './errors.js';
import { fsCode, isNode, nodeBuiltins } from './node.js';

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

/**
 * The three binaries of `@tensorflow/tfjs-backend-wasm`, in its `dist/` folder. One of them
 * is loaded: `-threaded-simd` where the runtime has WebAssembly threads and SIMD (browsers
 * with cross-origin isolation), `-simd` where it has SIMD (Node, current browsers), the plain
 * one otherwise.
 *
 * @example
 * ```ts
 * // One URL per binary, e.g. from a CDN or a bundler's asset URLs:
 * const wasmPaths = Object.fromEntries(WASM_FILES.map((f) => [f, `/static/wasm/${f}`])) as Record<WasmFileName, string>;
 * await useBestBackend({ prefer: 'wasm', wasmPaths });
 * ```
 */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** One of {@link WASM_FILES}. */
export type WasmFileName = (typeof WASM_FILES)[number];

/**
 * Where the wasm backend finds its binaries: a folder path or URL (the file names of
 * {@link WASM_FILES} are appended; a missing trailing `/` is added), or one path or URL per
 * file (what bundlers hand out for hashed assets, e.g. Vite's `?url` imports).
 */
export type WasmPaths = string | Readonly<Record<WasmFileName, string>>;

/** Options of {@link useBestBackend}. */
export interface BackendOptions {
  /**
   * Backend(s) to try first, in order. A single name is a hard request: when it cannot start,
   * the call fails (NOT_AVAILABLE, or BACKEND_INIT_FAILED for an installed backend that did
   * not start) instead of falling back. A list is tried in order, then the runtime's default
   * order.
   */
  readonly prefer?: BackendName | readonly BackendName[];
  /**
   * Where the wasm backend finds its `.wasm` files: a folder (path or URL) or a map from each
   * name of {@link WASM_FILES} to its path or URL. Located automatically in Node (the
   * installed `@tensorflow/tfjs-backend-wasm/dist/`); in a browser bundle the default is the
   * folder of the bundled script, where bundlers do not put them (see the README, "Bundlers
   * and the wasm backend"). Checked before tfjs sees it: a file that is missing, not served or
   * not WebAssembly fails with BACKEND_INIT_FAILED naming it, and a later call may pass
   * another location.
   */
  readonly wasmPaths?: WasmPaths;
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
  /** The folder the wasm backend loads its binaries from, when wasm was set up with a folder. */
  readonly wasmPaths?: string;
  /** The binary (path or URL) the wasm backend started from, when phaseflow located it. */
  readonly wasmBinary?: string;
  /** True on float32-only backends (all but cpu and tensorflow); phaseflow treats all tfjs as float32. */
  readonly float32: boolean;
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const BUNDLER_HINT = 'see "Bundlers and the wasm backend" in the @phaseflow/tfjs README';

/**
 * The file map handed to tfjs-backend-wasm's `setWasmPaths`, once: tfjs keeps this object and
 * reads it when it instantiates, and refuses a second `setWasmPaths` after a failed start, so
 * a retry with another location updates the entries in place.
 */
const wasmFileMap = {} as Record<WasmFileName, string>;
let wasmMapHandedOver = false;
/** Where the wasm backend started from, once it has. */
let wasmStarted: { readonly paths?: string; readonly binary?: string } | undefined;

async function locateWasmPaths(): Promise<string> {
  const node = await nodeBuiltins('useBestBackend');
  const main = node.createRequire(import.meta.url).resolve(WASM_PACKAGE);
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

function checkWasmPaths(value: unknown): WasmPaths | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (value.length === 0) invalid('options.wasmPaths', 'a non-empty folder path or URL, or a map of the three .wasm file names', value);
    return value;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    invalid('options.wasmPaths', 'a folder path or URL, or a map of the three .wasm file names to paths or URLs', value);
  }
  const map = value as Record<string, unknown>;
  for (const key of Object.keys(map)) {
    if (!(WASM_FILES as readonly string[]).includes(key)) {
      invalid(`options.wasmPaths[${JSON.stringify(key)}]`, `one of the file names ${WASM_FILES.join(', ')}`, key);
    }
  }
  for (const name of WASM_FILES) {
    const v = map[name];
    if (typeof v !== 'string' || v.length === 0) invalid(`options.wasmPaths[${JSON.stringify(name)}]`, 'a path or URL of that file (tfjs needs all three)', v);
  }
  return map as Record<WasmFileName, string>;
}

function initFailed(looked: readonly string[], received: string, cause?: unknown): PhaseflowError {
  return new PhaseflowError(
    'BACKEND_INIT_FAILED',
    `options.wasmPaths: the wasm backend did not start; looked at ${looked.join(', ')}: ${received}`,
    { argument: 'options.wasmPaths', backend: 'wasm', looked, expected: 'a WebAssembly binary of the installed @tensorflow/tfjs-backend-wasm', received },
    cause === undefined ? {} : { cause },
  );
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  const text = String.fromCharCode(...bytes.subarray(0, 16)).replace(/[^\x20-\x7e]/g, '.');
  return /^\s*</.test(text)
    ? `an HTML or XML page ("${text}…"), e.g. a server's fallback page for a missing file`
    : `bytes "${text}…", not the WebAssembly magic number \\0asm`;
}

/**
 * Check that `where` holds a WebAssembly binary before tfjs tries it: in Node read its first
 * bytes (it must be a path or file:// URL there: tfjs-backend-wasm reads files in Node), in
 * browsers fetch it and read the first chunk. Throws BACKEND_INIT_FAILED naming it.
 */
async function checkWasmBinary(where: string): Promise<void> {
  let head: Uint8Array;
  let shown = where;
  if (isNode()) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(where) && !where.startsWith('file://')) {
      throw initFailed([where], 'in Node, tfjs-backend-wasm reads its binaries from the file system: give a folder path or file:// URL');
    }
    const node = await nodeBuiltins('useBestBackend');
    const file = where.startsWith('file://') ? node.fileURLToPath(where) : where;
    try {
      const handle = await node.fs.open(file, 'r');
      try {
        head = new Uint8Array(16);
        head = head.subarray(0, (await handle.read(head, 0, 16, 0)).bytesRead);
      } finally {
        await handle.close();
      }
    } catch (e) {
      const code = fsCode(e);
      throw initFailed([file], code === 'ENOENT' ? 'no such file (ENOENT)' : `${e instanceof Error ? e.message : String(e)}`, e);
    }
  } else {
    // Name the absolute URL: a relative one resolves against the page, as tfjs's fetch does.
    const base = (globalThis as { location?: { href?: unknown } }).location?.href;
    shown = typeof base === 'string' ? new URL(where, base).href : where;
    let response: Response;
    try {
      response = await fetch(shown, { credentials: 'same-origin' });
    } catch (e) {
      throw initFailed([shown], `the request failed (${e instanceof Error ? e.message : String(e)})`, e);
    }
    if (!response.ok) throw initFailed([shown], `HTTP ${response.status} ${response.statusText}`.trim());
    const reader = response.body?.getReader();
    const first = reader === undefined ? new Uint8Array(await response.arrayBuffer()) : ((await reader.read()).value ?? new Uint8Array(0));
    await reader?.cancel().catch(() => undefined);
    head = first.subarray(0, 16);
  }
  if (head.length < 4 || WASM_MAGIC.some((b, i) => head[i] !== b)) throw initFailed([shown], `found ${describeStart(head)}`);
}

/**
 * The listeners the Emscripten glue of tfjs-backend-wasm adds in Node each time it
 * instantiates: `process.on('uncaughtException', ex => { if (!(ex instanceof ExitStatus)) throw ex })`
 * and `process.on('unhandledRejection', reason => { throw reason })`. Rethrowing inside the
 * handler makes Node exit with code 7 and print the handler's source line (36 KB of minified
 * glue in bundled builds) instead of the error with code 1. Recognised by their shape: one
 * parameter, rethrown.
 */
function isGlueHandler(listener: (...args: never[]) => unknown): boolean {
  const source = Function.prototype.toString.call(listener).replace(/\s+/g, '');
  return (
    /^function[\w$]*\(([\w$]+)\)\{(if\(!\(\1instanceof[\w$.]+\)\)\{?)?throw\1;?\}?\}$/.test(source) ||
    /^\(?([\w$]+)\)?=>\{(if\(!\(\1instanceof[\w$.]+\)\)\{?)?throw\1;?\}?\}$/.test(source)
  );
}

const GLUE_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

interface ProcessEvents {
  listeners(event: string): ((...args: never[]) => unknown)[];
  removeListener(event: string, listener: (...args: never[]) => unknown): unknown;
}

/**
 * Run `start` (the wasm instantiation), then remove the process listeners it added that are
 * the glue's (measured by diffing `process.listeners` before and after), so Node's own
 * handling of uncaught errors stays: the error printed, exit code 1.
 */
async function withoutGlueHandlers<T>(start: () => Promise<T>): Promise<T> {
  const proc = (globalThis as unknown as { process?: Partial<ProcessEvents> }).process;
  if (!isNode() || typeof proc?.listeners !== 'function' || typeof proc.removeListener !== 'function') return start();
  const events = proc as ProcessEvents;
  const before = GLUE_EVENTS.map((event) => events.listeners(event));
  try {
    return await start();
  } finally {
    GLUE_EVENTS.forEach((event, i) => {
      for (const listener of events.listeners(event)) {
        if (!before[i]!.includes(listener) && isGlueHandler(listener)) events.removeListener(event, listener);
      }
    });
  }
}

/**
 * tfjs-backend-wasm's own default location in a browser, made explicit: its ES-module glue
 * has no `document.currentScript`, so it resolves the binaries against `self.location` — the
 * page's folder (a worker's script folder in a worker). `undefined` where there is no location.
 */
function pageFolder(): string | undefined {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === 'string' ? new URL('./', href).href : undefined;
}

/** The binary tfjs-backend-wasm will pick here (its own rule, `getPathToWasmBinary`). */
async function chosenBinary(): Promise<WasmFileName> {
  const [simd, threads] = await Promise.all([tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  return simd && threads ? 'tfjs-backend-wasm-threaded-simd.wasm' : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

/**
 * Load, point and start the wasm backend, then activate it. Failures throw: a plain Error when
 * the package is missing (a skip reason), BACKEND_INIT_FAILED when it is installed but did not
 * start. A failed start leaves tfjs ready for another attempt (another location included).
 */
async function startWasm(option: WasmPaths | undefined): Promise<{ wasmPaths?: string; wasmBinary?: string }> {
  const wasm = await loadWasm();
  // Not tf.findBackend: it would start the backend itself, outside the set-up below.
  if ('wasm' in tf.engine().registry) {
    // Already started in this engine: the location no longer matters.
    if (!(await tf.setBackend('wasm'))) throw initFailed(['(the running wasm backend)'], 'tf.setBackend("wasm") returned false');
    return {
      ...(wasmStarted?.paths !== undefined && { wasmPaths: wasmStarted.paths }),
      ...(wasmStarted?.binary !== undefined && { wasmBinary: wasmStarted.binary }),
    };
  }
  const location = option ?? (isNode() ? await locateWasmPaths() : pageFolder());
  const file = await chosenBinary();
  let folder: string | undefined;
  let binary: string | undefined;
  if (location !== undefined) {
    let map: Record<WasmFileName, string>;
    if (typeof location === 'string') {
      folder = /[\\/]$/.test(location) ? location : `${location}/`;
      map = Object.fromEntries(WASM_FILES.map((name) => [name, folder + name])) as Record<WasmFileName, string>;
    } else {
      map = { ...location };
    }
    binary = map[file];
    try {
      await checkWasmBinary(binary);
    } catch (e) {
      if (option !== undefined || isNode() || !(e instanceof PhaseflowError)) throw e;
      throw initFailed(
        e.details['looked'] as string[],
        `${e.details.received}; that is the default without options.wasmPaths (the page's folder), where bundlers do not put the .wasm files: pass options.wasmPaths (${BUNDLER_HINT})`,
        e,
      );
    }
    Object.assign(wasmFileMap, map);
    if (!wasmMapHandedOver) {
      try {
        wasm.setWasmPaths(wasmFileMap);
      } catch (e) {
        throw initFailed(
          [binary],
          `tfjs-backend-wasm refuses a location after a start that failed outside phaseflow (${e instanceof Error ? e.message : String(e)}); start wasm through useBestBackend only`,
          e,
        );
      }
      wasmMapHandedOver = true;
    }
  }
  const started = await withoutGlueHandlers(() => tf.setBackend('wasm'));
  if (!started) {
    throw initFailed(
      [binary ?? `${file} next to the script (tfjs-backend-wasm's default)`],
      binary === undefined
        ? `it did not load (tfjs logged why above): pass options.wasmPaths (${BUNDLER_HINT})`
        : 'the file is WebAssembly but did not instantiate (tfjs logged why above): a binary of another tfjs-backend-wasm version, a Content-Security-Policy without wasm-unsafe-eval, or too little memory',
    );
  }
  wasmStarted = { ...(folder !== undefined && { paths: folder }), ...(binary !== undefined && { binary }) };
  return { ...(folder !== undefined && { wasmPaths: folder }), ...(binary !== undefined && { wasmBinary: binary }) };
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
 * The wasm binaries: `options.wasmPaths` says where they are (a folder, or one URL per file
 * for bundlers); the one tfjs will load is checked first, and when it is missing, not served
 * or not WebAssembly the call fails with BACKEND_INIT_FAILED (`details.looked`: the paths or
 * URLs, `details.received`: what was found) — as the error itself for `prefer: 'wasm'`, as
 * `skipped.wasm` otherwise. A failed start can be retried in the same process or page with
 * another location. In Node, the Emscripten glue of tfjs-backend-wasm adds
 * `uncaughtException` and `unhandledRejection` listeners that rethrow, turning every later
 * uncaught error into exit code 7 after a dump of its own source; those listeners (the ones
 * the start added, by a before/after diff of `process.listeners`) are removed again, so an
 * uncaught error prints as usual and exits with code 1.
 *
 * @example
 * ```ts
 * import { useBestBackend } from '@phaseflow/tfjs';
 *
 * const backend = await useBestBackend();           // { name: 'wasm', runtime: 'node', … }
 * await useBestBackend({ prefer: 'cpu' });          // force the reference backend
 * await useBestBackend({ prefer: 'wasm', wasmPaths: '/assets/tfjs-wasm/' }); // browser: where the .wasm files are served
 * ```
 */
export async function useBestBackend(options?: BackendOptions): Promise<BackendInfo> {
  const o = checkOptions('options', options, ['prefer', 'wasmPaths']);
  const wasmOption = checkWasmPaths(o.wasmPaths);
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
  for (const name of order) {
    tried.push(name);
    try {
      let wasm: { wasmPaths?: string; wasmBinary?: string } = {};
      if (name === 'wasm') wasm = await startWasm(wasmOption);
      else if (tf.findBackendFactory(name) === null) {
        skipped[name] = name === 'tensorflow' ? 'not registered (import @tensorflow/tfjs-node first)' : 'not registered in this runtime';
        continue;
      } else if (!(await tf.setBackend(name))) {
        skipped[name] = 'initialisation failed';
        continue;
      }
      await tf.ready();
      return { name: tf.getBackend(), runtime, tried, skipped, ...wasm, float32: !(name === 'cpu' || name === 'tensorflow') };
    } catch (e) {
      // A hard request for an installed backend that did not start: its own error says where and why.
      if (strict && e instanceof PhaseflowError) throw e;
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
