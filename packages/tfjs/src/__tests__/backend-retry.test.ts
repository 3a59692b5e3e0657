import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { WASM_FILES, useBestBackend, type BackendOptions } from '@phaseflow/tfjs';

// This file's process starts with no backend: every attempt below reaches tfjs-backend-wasm's
// own start-up, in this order, and the last one must still succeed.

const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + '/';
const simd = 'tfjs-backend-wasm-simd.wasm'; // the binary Node loads (SIMD, no threads)
let fake: string;
const listenerCounts = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
const userListener = () => undefined;
let countsBefore: number[];

beforeAll(async () => {
  fake = await mkdtemp(join(tmpdir(), 'phaseflow-wasm-'));
  process.on('uncaughtException', userListener);
  countsBefore = listenerCounts();
});

afterAll(async () => {
  process.removeListener('uncaughtException', userListener);
  await rm(fake, { recursive: true, force: true });
});

async function initError(options: BackendOptions): Promise<PhaseflowError> {
  try {
    await useBestBackend(options);
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  throw new Error('started');
}

describe('the wasm backend: where it looked, why it failed, and a retry that really retries', () => {
  it('a folder without the binaries: BACKEND_INIT_FAILED naming the file it looked for (ENOENT)', async () => {
    const e = await initError({ prefer: 'wasm', wasmPaths: '/nonexistent/wasm' }); // the missing '/' is added
    expect(e.code).toBe('BACKEND_INIT_FAILED');
    expect(e.details).toMatchObject({ argument: 'options.wasmPaths', backend: 'wasm', looked: [`/nonexistent/wasm/${simd}`] });
    expect(e.details.received).toMatch(/ENOENT/);
    expect(e.message).toContain(`/nonexistent/wasm/${simd}`);
  });

  it('a page served in place of the binary, an http URL in Node: the same code, saying what was found', async () => {
    for (const name of WASM_FILES) await writeFile(join(fake, name), '<!doctype html><html>index</html>');
    const html = await initError({ prefer: 'wasm', wasmPaths: fake });
    expect(html).toMatchObject({ code: 'BACKEND_INIT_FAILED', details: { looked: [join(fake, simd)] } });
    expect(html.details.received).toMatch(/HTML/);
    const http = await initError({ prefer: 'wasm', wasmPaths: 'http://127.0.0.1:9/wasm/' });
    expect(http.details.received).toMatch(/reads its binaries from the file system/);
  });

  it('in a list, the failure is a skip reason naming the path, and the next backend runs', async () => {
    const info = await useBestBackend({ prefer: ['wasm', 'cpu'], wasmPaths: '/nonexistent/wasm/' });
    expect(info.name).toBe('cpu');
    expect(info.skipped['wasm']).toContain(`/nonexistent/wasm/${simd}`);
  });

  it('a binary that is WebAssembly but does not instantiate fails inside tfjs; the glue listeners it added are removed', async () => {
    // The wasm magic number and version, then bytes that are not a module.
    const broken = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff]);
    for (const name of WASM_FILES) await writeFile(join(fake, name), broken);
    const e = await initError({ prefer: 'wasm', wasmPaths: `${fake}/` });
    expect(e.code).toBe('BACKEND_INIT_FAILED');
    expect(e.details.looked).toEqual([join(fake, simd)]);
    expect(e.details.received).toMatch(/did not instantiate/);
    // tfjs-backend-wasm now refuses setWasmPaths ("already initialized"); the next start must still work.
    expect(listenerCounts()).toEqual(countsBefore);
  });

  it('after every failure above, the right location (one file URL per binary) starts wasm in the same process', async () => {
    const map = Object.fromEntries(WASM_FILES.map((name) => [name, pathToFileURL(dist + name).href])) as Record<(typeof WASM_FILES)[number], string>;
    const info = await useBestBackend({ prefer: 'wasm', wasmPaths: map });
    expect(info.name).toBe('wasm');
    expect(info.wasmBinary).toBe(pathToFileURL(dist + simd).href);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.tidy(() => tf.sum(tf.matMul(tf.ones([4, 3]), tf.ones([3, 2]))).dataSync()[0])).toBe(24);
    // Once running, later calls switch back to it whatever location they name.
    await useBestBackend({ prefer: 'cpu' });
    expect((await useBestBackend({ prefer: 'wasm', wasmPaths: '/elsewhere/' })).name).toBe('wasm');
  });

  it('the process keeps exactly the listeners it had: the user one stays, the glue ones are gone', () => {
    expect(listenerCounts()).toEqual(countsBefore);
    expect(process.listeners('uncaughtException')).toContain(userListener);
  });

  it('a malformed wasmPaths is INVALID_ARGUMENT naming the entry', async () => {
    const partial = { 'tfjs-backend-wasm.wasm': 'a.wasm' } as never;
    expect((await initError({ prefer: 'wasm', wasmPaths: partial })).details.argument).toBe('options.wasmPaths["tfjs-backend-wasm-simd.wasm"]');
    const extra = { ...Object.fromEntries(WASM_FILES.map((n) => [n, n])), 'other.wasm': 'x' } as never;
    expect((await initError({ wasmPaths: extra })).details.argument).toBe('options.wasmPaths["other.wasm"]');
    expect((await initError({ wasmPaths: 3 as never })).code).toBe('INVALID_ARGUMENT');
  });
});
