/**
 * Saving and loading tfjs models on disk in Node without `@tensorflow/tfjs-node`: a
 * `tf.io.IOHandler` over `node:fs/promises` that writes the files tfjs-node writes
 * (`model.json` + `weights.bin`), and the `file://` routers that make `model.save('file://…')`
 * and `tf.loadLayersModel('file://…/model.json')` use it.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, describeValue, invalid } from '@phaseflow/core';
import './errors.js';
import { fileAccessFailed, isNode, nodeBuiltins, type NodeBuiltins } from './node.js';

/**
 * The URL scheme the routers of {@link registerFileSystem} answer (tfjs-node's).
 *
 * @example
 * ```ts
 * await model.save(`${FILE_SCHEME}${process.cwd()}/saved`);
 * ```
 */
export const FILE_SCHEME = 'file://';
/**
 * The name of the topology-and-manifest file (tfjs-node's and the converter's).
 *
 * @example
 * ```ts
 * const model = await tf.loadLayersModel(fileSystem(`./saved/${MODEL_JSON}`));
 * ```
 */
export const MODEL_JSON = 'model.json';
/**
 * The name of the one weight file {@link fileSystem} writes (tfjs-node's).
 *
 * @example
 * ```ts
 * const bytes = (await readFile(`./saved/${WEIGHTS_BIN}`)).byteLength; // 4 × the number of weights
 * ```
 */
export const WEIGHTS_BIN = 'weights.bin';

/** What {@link fileSystem} returns: a `tf.io.IOHandler` with its target. */
export interface FileSystemHandler extends tf.io.IOHandler {
  readonly name: 'file-system';
  /** The path or `file://` URL as given. */
  readonly path: string;
  /** Write `model.json` and `weights.bin` into the folder (created with its parents when missing). */
  save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult>;
  /** Read `model.json` (or `<folder>/model.json`) and the weight files its manifest names. */
  load(): Promise<tf.io.ModelArtifacts>;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A path or `file://` URL as an absolute path. `file:///abs/dir` is a file URL (decoded, as
 * `url.pathToFileURL` writes it; `file:///C:/dir` on Windows); `file://./dir` and
 * `file://dir` are relative paths, as tfjs-node reads them. Relative paths resolve against
 * the working directory.
 */
function toPath(node: NodeBuiltins, argument: string, input: string): string {
  if (input.startsWith(FILE_SCHEME)) {
    const rest = input.slice(FILE_SCHEME.length);
    if (rest.startsWith('/')) {
      try {
        return node.path.resolve(node.fileURLToPath(input));
      } catch (e) {
        invalid(argument, `a file:// URL of a local path (${e instanceof Error ? e.message : String(e)})`, input);
      }
    }
    return node.path.resolve(rest);
  }
  return node.path.resolve(input);
}

/** The absolute path a path or `file://` URL names, and `path.join` (for callers that report paths). */
export async function resolveTarget(input: string): Promise<{ folder: string; join: (...parts: string[]) => string }> {
  const node = await nodeBuiltins('resolveTarget');
  return { folder: toPath(node, 'path', checkTarget('path', input)), join: node.path.join };
}

function checkTarget(argument: string, input: unknown): string {
  if (typeof input !== 'string' || input.trim().length === 0) invalid(argument, 'a non-empty path or file:// URL', input);
  if (SCHEME.test(input) && !input.startsWith(FILE_SCHEME)) {
    invalid(argument, `a path or file:// URL (for ${input.slice(0, input.indexOf('://') + 3)} use model.save(url) / tf.loadLayersModel(url))`, input);
  }
  return input;
}

function modelFile(argument: string, path: string, expected: string, received: string, cause?: unknown): never {
  throw new PhaseflowError(
    'INVALID_MODEL_FILE',
    `${argument}: ${JSON.stringify(path)} is not a tfjs model.json: expected ${expected}, received ${received}`,
    { argument, path, expected, received },
    cause === undefined ? {} : { cause },
  );
}

/** Write `data` to `target` through a temporary file in the same folder and a rename. */
async function writeAtomically(node: NodeBuiltins, argument: string, target: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${target}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    await node.fs.writeFile(temporary, data);
    await node.fs.rename(temporary, target);
  } catch (e) {
    await node.fs.rm(temporary, { force: true }).catch(() => undefined);
    throw fileAccessFailed(argument, 'writing', target, e, 'a writable folder');
  }
}

function isWeightGroup(g: unknown): g is tf.io.WeightsManifestConfig[number] {
  const group = g as { paths?: unknown; weights?: unknown } | null;
  return (
    group !== null &&
    typeof group === 'object' &&
    Array.isArray(group.paths) &&
    group.paths.every((p) => typeof p === 'string' && p.length > 0) &&
    Array.isArray(group.weights)
  );
}

/**
 * A `tf.io.IOHandler` that saves a model into a folder and loads it back, in Node, with
 * `node:fs/promises` (imported on first use, so a browser bundle that never calls it does not
 * include it). The files are tfjs's own layout, the one `@tensorflow/tfjs-node`'s `file://`
 * handler writes: `model.json` (`modelTopology`, `weightsManifest: [{ paths: ['weights.bin'],
 * weights }]`, `format`, `generatedBy`, `convertedBy`, and `trainingConfig`, `signature`,
 * `userDefinedMetadata` when present) and `weights.bin` (every weight, float32
 * little-endian, in manifest order). So a saved folder loads in tfjs-node, and served over
 * HTTP it loads in the browser with `tf.loadLayersModel('https://…/model.json')`.
 *
 * `path` is a folder path or `file://` URL; for loading, `…/model.json` or its folder. Saving
 * creates missing folders and replaces each file whole (a temporary file, then a rename),
 * weights first, so a fresh folder never holds a `model.json` without its weights. A path that cannot be
 * read or written fails with FILE_ACCESS_FAILED naming the full path (`details.path`,
 * `details.fsCode`); a file that is not a tfjs `model.json` with INVALID_MODEL_FILE; outside
 * Node with NOT_AVAILABLE. No tensor is created by saving or loading artifacts.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { fileSystem } from '@phaseflow/tfjs';
 *
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * await model.save(fileSystem('./saved/linear'));          // ./saved/linear/model.json + weights.bin
 * const copy = await tf.loadLayersModel(fileSystem('./saved/linear/model.json'));
 * ```
 */
export function fileSystem(path: string): FileSystemHandler {
  const target = checkTarget('path', path);
  return {
    name: 'file-system',
    path: target,
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const node = await nodeBuiltins('fileSystem(path).save');
      const folder = toPath(node, 'path', target);
      if (artifacts === null || typeof artifacts !== 'object' || Array.isArray(artifacts)) invalid('artifacts', 'tf.io.ModelArtifacts', artifacts);
      if (artifacts.modelTopology === null || typeof artifacts.modelTopology !== 'object') {
        invalid('artifacts.modelTopology', 'a JSON topology object (a layers model)', artifacts.modelTopology);
      }
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        invalid(
          'artifacts.modelTopology',
          'a JSON topology (a layers model); binary graph topologies are not written by this handler',
          artifacts.modelTopology,
        );
      }
      try {
        await node.fs.mkdir(folder, { recursive: true });
      } catch (e) {
        throw fileAccessFailed('path', 'creating the folder', folder, e, 'a folder, or a path where one can be created');
      }
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
      const modelJSON: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
      };
      if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer != null) modelJSON.modelInitializer = artifacts.modelInitializer;
      if (artifacts.initializerSignature != null) modelJSON.initializerSignature = artifacts.initializerSignature;
      await writeAtomically(node, 'path', node.path.join(folder, WEIGHTS_BIN), weights);
      await writeAtomically(node, 'path', node.path.join(folder, MODEL_JSON), JSON.stringify(modelJSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const node = await nodeBuiltins('fileSystem(path).load');
      let file = toPath(node, 'path', target);
      try {
        if ((await node.fs.stat(file)).isDirectory()) file = node.path.join(file, MODEL_JSON);
      } catch (e) {
        throw fileAccessFailed('path', 'reading', file, e, `a ${MODEL_JSON} file or the folder holding one`);
      }
      let text: string;
      try {
        text = await node.fs.readFile(file, 'utf8');
      } catch (e) {
        throw fileAccessFailed('path', 'reading', file, e, `a ${MODEL_JSON} file or the folder holding one`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        modelFile('path', file, 'JSON', `text that does not parse (${e instanceof Error ? e.message : String(e)})`, e);
      }
      const model = json as Partial<tf.io.ModelJSON> | null;
      if (model === null || typeof model !== 'object' || Array.isArray(model)) modelFile('path', file, 'an object', describeValue(json));
      if (typeof model.modelTopology !== 'object' || model.modelTopology === null) {
        modelFile('path', file, 'a modelTopology object', describeValue(model.modelTopology));
      }
      const manifest = model.weightsManifest;
      if (manifest != null && !(Array.isArray(manifest) && manifest.every(isWeightGroup))) {
        modelFile('path', file, 'a weightsManifest of { paths: string[], weights: [] } groups', describeValue(manifest));
      }
      const folder = node.path.dirname(file);
      return tf.io.getModelArtifactsForJSON(model as tf.io.ModelJSON, async (groups) => {
        const buffers: ArrayBuffer[] = [];
        const specs: tf.io.WeightsManifestEntry[] = [];
        for (const group of groups) {
          for (const name of group.paths) {
            const weightFile = node.path.join(folder, name);
            let bytes: Uint8Array;
            try {
              bytes = await node.fs.readFile(weightFile);
            } catch (e) {
              throw fileAccessFailed('path', `reading the weight file listed in ${JSON.stringify(file)}:`, weightFile, e, 'the weight files model.json lists');
            }
            // A Buffer may be a view into a larger pool: copy out exactly its bytes.
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
          specs.push(...group.weights);
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

let routersRegistered = false;

// tfjs's routers return null for URLs they do not handle (its IORouter type omits that).
const fileRouter = ((url: string | string[]): FileSystemHandler | null =>
  typeof url === 'string' && url.startsWith(FILE_SCHEME) ? fileSystem(url) : null) as unknown as Parameters<typeof tf.io.registerSaveRouter>[0];

/**
 * Make `file://` URLs work in tfjs's own calls in Node: registers {@link fileSystem} with
 * `tf.io.registerSaveRouter` and `tf.io.registerLoadRouter`, so that
 * `model.save('file:///abs/dir')` and `tf.loadLayersModel('file:///abs/dir/model.json')`
 * read and write tfjs-node's files. Nothing is registered at import: call it once at start-up.
 * Returns `true` when it registered the routers, `false` when `file://` was already handled
 * (by an earlier call, or by `@tensorflow/tfjs-node`, whose routers would otherwise collide
 * with these: tfjs refuses a URL two handlers answer). Import tfjs-node before calling it, or
 * do not call it when tfjs-node is in use. Outside Node it throws NOT_AVAILABLE.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { registerFileSystem } from '@phaseflow/tfjs';
 *
 * registerFileSystem();
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * await model.save('file://./saved/linear');
 * const copy = await tf.loadLayersModel('file://./saved/linear/model.json');
 * ```
 */
export function registerFileSystem(): boolean {
  if (!isNode()) {
    throw new PhaseflowError('NOT_AVAILABLE', 'registerFileSystem: file:// needs Node; in browsers save with indexeddb://, localstorage:// or downloads://', {
      argument: 'registerFileSystem',
      expected: 'Node (≥ 20.19)',
      received: 'a runtime without node:fs',
    });
  }
  if (routersRegistered) return false;
  const probe = `${FILE_SCHEME}/phaseflow-probe`;
  if (tf.io.getSaveHandlers(probe).length > 0 || tf.io.getLoadHandlers(probe).length > 0) return false;
  tf.io.registerSaveRouter(fileRouter);
  tf.io.registerLoadRouter(fileRouter);
  routersRegistered = true;
  return true;
}
