import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A Node program that starts the wasm backend and then fails must fail as Node programs do:
// its error printed, exit code 1. tfjs-backend-wasm's Emscripten glue adds process listeners
// that rethrow, which makes Node exit with code 7 after printing the glue's source line (36 KB
// of minified code in bundled builds); useBestBackend removes them again.

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function run(scenario: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [fixture('run-source.mjs'), fixture('uncaught-after-wasm.mjs'), scenario],
      { timeout: 90_000, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
    );
  });
}

describe('an uncaught error after useBestBackend starts wasm (child processes)', () => {
  it('exits with code 1 and prints the error (uncaught exception, unhandled rejection); without phaseflow the glue turns it into code 7', async () => {
    const [thrown, rejected, bare] = await Promise.all([run('throw'), run('reject'), run('tf-throw')]);
    for (const [r, message] of [
      [thrown, 'boom: thrown after wasm'],
      [rejected, 'boom: rejected after wasm'],
    ] as const) {
      expect(r.stdout).toContain('backend wasm');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain('tf-backend-wasm');
      expect(r.stderr.length).toBeLessThan(2500);
    }
    // The control: tf.setBackend('wasm') alone keeps the glue's handlers (tfjs-backend-wasm 4.22).
    expect(bare.stdout).toContain('backend wasm');
    expect(bare.code).toBe(7);
    expect(bare.stderr).toContain('tf-backend-wasm');
  }, 180_000);
});
