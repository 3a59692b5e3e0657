import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { PhaseflowDense, createMlp, fileSystem, loadModel, registerFileSystem, saveModel, useBestBackend } from '@phaseflow/tfjs';

let root: string;

beforeAll(async () => {
  await useBestBackend();
  root = await mkdtemp(join(tmpdir(), 'phaseflow-fs-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const live = () => tf.memory().numTensors;

/** A model with a tf layer and a phaseflow layer (saved under its Phaseflow… class name). */
function model(seed: number): tf.Sequential {
  const m = createMlp({ inputs: 3, hidden: [5], outputs: 4, seed });
  m.add(new PhaseflowDense({ units: 2, activation: 'tanh', seed: seed + 1 }));
  return m;
}

const X = [
  [0.1, -0.4, 2],
  [1.5, 0.25, -3],
  [-0.7, 0.9, 0.05],
];

/** The model's predictions on X as raw float32 bytes (for bit-for-bit comparisons). */
function predictBytes(m: tf.LayersModel): Uint8Array {
  return tf.tidy(() => {
    const y = m.predict(tf.tensor2d(X)) as tf.Tensor;
    return new Uint8Array((y.dataSync() as Float32Array).slice().buffer);
  });
}

async function codeOf(p: Promise<unknown>): Promise<PhaseflowError> {
  try {
    const value = await p;
    if (value instanceof tf.LayersModel) value.dispose();
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  throw new Error('resolved');
}

describe('file:// through registerFileSystem (tfjs-node layout, no tfjs-node)', () => {
  it('model.save("file://…") writes model.json + weights.bin; tf.loadLayersModel reads them back bit for bit; no tensor leaks', async () => {
    expect(registerFileSystem()).toBe(true);
    expect(registerFileSystem()).toBe(false); // once is enough; a second call changes nothing
    const before = live();
    const m = model(3);
    const dir = join(root, 'routed');
    const result = await m.save(`file://${dir}`);
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);

    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    // tfjs-node's NodeFileSystem writes exactly these keys, in this order, for a layers model.
    expect(Object.keys(json)).toEqual(['modelTopology', 'weightsManifest', 'format', 'generatedBy', 'convertedBy']);
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const specs = json.weightsManifest[0].weights as { name: string; shape: number[]; dtype: string }[];
    expect(specs.map((s) => s.shape)).toEqual([[3, 5], [5], [5, 4], [4], [4, 2], [2]]);
    const bytes = await readFile(join(dir, 'weights.bin'));
    expect(bytes.byteLength).toBe(4 * specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0));
    // weights.bin is every weight, float32 little-endian, in manifest order.
    const first = m.getWeights()[0]!.dataSync() as Float32Array;
    expect(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 4 * first.length))).toEqual(first);
    expect(json.modelTopology.config.layers.at(-1).class_name).toBe('PhaseflowDense');

    const copy = await tf.loadLayersModel(`file://${dir}/model.json`);
    expect(predictBytes(copy)).toEqual(predictBytes(m));
    copy.dispose();
    m.dispose();
    expect(live()).toBe(before);
  });

  it('file:///… URLs are decoded (a folder with a space), file://relative resolves against the working directory', async () => {
    const m = model(4);
    const spaced = join(root, 'with space');
    const url = pathToFileURL(spaced).href; // file:///…/with%20space
    expect(url).toContain('%20');
    await m.save(url);
    expect((await readdir(spaced)).sort()).toEqual(['model.json', 'weights.bin']);
    const fromUrl = await tf.loadLayersModel(`${url}/model.json`);
    expect(predictBytes(fromUrl)).toEqual(predictBytes(m));
    const rel = relative(process.cwd(), join(root, 'relative'));
    await m.save(`file://${rel}`);
    const fromRelative = await tf.loadLayersModel(`file://${rel}/model.json`);
    expect(predictBytes(fromRelative)).toEqual(predictBytes(m));
    fromUrl.dispose();
    fromRelative.dispose();
    m.dispose();
  });

  it('a missing model.json through the router is FILE_ACCESS_FAILED naming the full path', async () => {
    const missing = join(root, 'nowhere', 'model.json');
    const e = await codeOf(tf.loadLayersModel(`file://${missing}`));
    expect(e.code).toBe('FILE_ACCESS_FAILED');
    expect(e.details).toMatchObject({ argument: 'path', path: missing, fsCode: 'ENOENT' });
    expect(e.message).toContain(missing);
  });
});

describe('saveModel / loadModel with a folder', () => {
  it('round trip by folder, by model.json and by file URL: identical predictions, the paths reported, no leak', async () => {
    const before = live();
    const m = model(7);
    const dir = join(root, 'helpers', 'nested'); // parents are created
    const saved = await saveModel(m, dir);
    expect(saved.modelJson).toBe(join(dir, 'model.json'));
    expect(saved.weights).toBe(join(dir, 'weights.bin'));
    expect(saved.info.weightDataBytes).toBe(4 * (3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2));
    for (const source of [dir, join(dir, 'model.json'), pathToFileURL(join(dir, 'model.json')).href]) {
      const copy = await loadModel(source);
      expect(copy.layers.at(-1)).toBeInstanceOf(PhaseflowDense);
      expect(predictBytes(copy)).toEqual(predictBytes(m));
      copy.dispose();
    }
    // Saving again over the same folder replaces both files.
    const other = model(8);
    await saveModel(other, dir);
    const reloaded = await loadModel(dir);
    expect(predictBytes(reloaded)).toEqual(predictBytes(other));
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']); // no temporary file left
    reloaded.dispose();
    other.dispose();
    m.dispose();
    expect(live()).toBe(before);
  });

  it("a saved folder loads through tfjs's HTTP loader (as a browser would fetch it)", async () => {
    const m = model(9);
    const dir = join(root, 'served');
    await saveModel(m, dir);
    const requested: string[] = [];
    const server: Server = createServer((req, res) => {
      requested.push(req.url ?? '');
      readFile(join(dir, (req.url ?? '/').slice(1)))
        .then((body) => res.writeHead(200).end(body))
        .catch(() => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const copy = await tf.loadLayersModel(`http://127.0.0.1:${port}/model.json`);
      expect(requested).toEqual(['/model.json', '/weights.bin']);
      expect(predictBytes(copy)).toEqual(predictBytes(m));
      copy.dispose();
    } finally {
      await new Promise((resolve) => server.close(resolve));
      m.dispose();
    }
  });

  it('bad paths and damaged files are coded errors naming the path, and leave no tensor', async () => {
    const before = live();
    const m = model(11);
    const dir = join(root, 'damaged');
    await saveModel(m, dir);

    const missing = join(root, 'absent');
    const notFound = await codeOf(loadModel(missing));
    expect(notFound).toMatchObject({ code: 'FILE_ACCESS_FAILED', details: { path: missing, fsCode: 'ENOENT' } });
    expect(notFound.message).toContain(missing);

    const file = join(root, 'a-file');
    await writeFile(file, 'not a folder');
    const underFile = await codeOf(saveModel(m, join(file, 'model')));
    expect(underFile.code).toBe('FILE_ACCESS_FAILED');
    expect(underFile.details.path).toBe(join(file, 'model'));
    expect(['ENOTDIR', 'EEXIST']).toContain(underFile.details['fsCode']);
    expect((await codeOf(saveModel(m, file))).details).toMatchObject({ path: file, fsCode: 'EEXIST' });

    const weights = join(dir, 'weights.bin');
    const bytes = await readFile(weights);
    await writeFile(weights, bytes.subarray(0, bytes.byteLength - 4));
    expect(await codeOf(loadModel(dir))).toMatchObject({ code: 'INVALID_MODEL_FILE', details: { argument: 'artifacts.weightData' } });
    await rm(weights);
    expect(await codeOf(loadModel(dir))).toMatchObject({ code: 'FILE_ACCESS_FAILED', details: { path: weights, fsCode: 'ENOENT' } });

    const json = join(dir, 'model.json');
    await writeFile(json, '{ "modelTopology": ');
    expect(await codeOf(loadModel(json))).toMatchObject({ code: 'INVALID_MODEL_FILE', details: { path: json } });
    await writeFile(json, JSON.stringify({ weightsManifest: [] }));
    expect(await codeOf(loadModel(json))).toMatchObject({ code: 'INVALID_MODEL_FILE', details: { path: json, expected: 'a modelTopology object' } });
    await writeFile(json, JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: [1] }] }));
    expect((await codeOf(loadModel(json))).code).toBe('INVALID_MODEL_FILE');

    expect((await codeOf(saveModel(m, ''))).code).toBe('INVALID_ARGUMENT');
    expect((await codeOf(saveModel(m, 'indexeddb://model'))).details.argument).toBe('path');
    expect((await codeOf(loadModel(42 as never))).details.argument).toBe('source');
    expect((await codeOf(saveModel({} as never, dir))).details.argument).toBe('model');
    expect(() => fileSystem('  ')).toThrow(PhaseflowError);
    m.dispose();
    expect(live()).toBe(before);
  });

  it('any tf.io.IOHandler works too, with the same checks on load', async () => {
    const m = model(12);
    let stored: tf.io.ModelArtifacts | undefined;
    const saved = await saveModel(
      m,
      tf.io.withSaveHandler(async (a) => {
        stored = a;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      }),
    );
    expect(saved.weights).toBeUndefined();
    expect(saved.modelJson).toBeUndefined();
    expect(saved.info.weightDataBytes).toBe((stored!.weightData as ArrayBuffer).byteLength);
    const copy = await loadModel(tf.io.fromMemory(stored!));
    expect(predictBytes(copy)).toEqual(predictBytes(m));
    const data = new Float32Array((stored!.weightData as ArrayBuffer).slice(0));
    data[3] = NaN;
    expect((await codeOf(loadModel(tf.io.fromMemory({ ...stored!, weightData: data.buffer })))).code).toBe('INVALID_MODEL_FILE');
    copy.dispose();
    m.dispose();
  });
});
