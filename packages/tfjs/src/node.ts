/**
 * Node's built-in modules, loaded on first use only. The specifiers sit in constants so that
 * bundlers leave them alone (a browser bundle that never calls the file helpers or the Node
 * wasm set-up must not pull `node:fs` in), and the few functions used are typed here so the
 * published declarations do not need `@types/node`.
 */
import { PhaseflowError } from '@phaseflow/core';

/** The part of `node:fs/promises` this package uses. */
interface NodeFs {
  readFile(path: string): Promise<Uint8Array>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<string | undefined>;
  stat(path: string): Promise<{ isFile(): boolean; isDirectory(): boolean; size: number }>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
  open(
    path: string,
    flags: 'r',
  ): Promise<{ read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>; close(): Promise<void> }>;
}

/** The part of `node:path` this package uses. */
interface NodePath {
  resolve(...paths: string[]): string;
  join(...paths: string[]): string;
  dirname(path: string): string;
}

/** What {@link nodeBuiltins} returns. */
export interface NodeBuiltins {
  readonly fs: NodeFs;
  readonly path: NodePath;
  readonly fileURLToPath: (url: string) => string;
  readonly createRequire: (url: string) => { resolve(id: string): string };
}

/** True in Node (and runtimes that say they are, such as Bun and Deno's Node mode). */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
}

let builtins: Promise<NodeBuiltins> | undefined;

/**
 * `node:fs/promises`, `node:path`, `node:url` and `node:module`, imported once, lazily.
 * Outside Node it throws NOT_AVAILABLE naming `what` (the call that needed the file system).
 */
export async function nodeBuiltins(what: string): Promise<NodeBuiltins> {
  if (!isNode()) {
    throw new PhaseflowError('NOT_AVAILABLE', `${what}: needs Node's file system, and this runtime is not Node`, {
      argument: what,
      expected: 'Node (≥ 20.19)',
      received: 'a runtime without node:fs',
    });
  }
  builtins ??= (async () => {
    const fsSpecifier = 'node:fs/promises';
    const pathSpecifier = 'node:path';
    const urlSpecifier = 'node:url';
    const moduleSpecifier = 'node:module';
    const [fs, path, url, mod] = await Promise.all([
      import(/* @vite-ignore */ /* webpackIgnore: true */ fsSpecifier) as Promise<NodeFs>,
      import(/* @vite-ignore */ /* webpackIgnore: true */ pathSpecifier) as Promise<NodePath>,
      import(/* @vite-ignore */ /* webpackIgnore: true */ urlSpecifier) as Promise<{ fileURLToPath(url: string): string }>,
      import(/* @vite-ignore */ /* webpackIgnore: true */ moduleSpecifier) as Promise<{ createRequire(url: string): { resolve(id: string): string } }>,
    ]);
    return { fs, path, fileURLToPath: url.fileURLToPath, createRequire: mod.createRequire };
  })();
  return builtins;
}

/** Node's error code (`ENOENT`, …) of a file-system error, or `undefined`. */
export function fsCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const FS_WORDS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'exists and is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/**
 * FILE_ACCESS_FAILED about `path` (the full path, in the message and `details.path`), for
 * the operation `what` (e.g. `fileSystem(…).load: reading model.json`), with Node's error as
 * the cause.
 */
export function fileAccessFailed(argument: string, what: string, path: string, e: unknown, expected: string): PhaseflowError {
  const code = fsCode(e);
  const words = code === undefined ? (e instanceof Error ? e.message : String(e)) : `${FS_WORDS[code] ?? (e as Error).message} (${code})`;
  return new PhaseflowError(
    'FILE_ACCESS_FAILED',
    `${argument}: ${what} ${JSON.stringify(path)} failed: ${words}`,
    { argument, path, expected, received: words, ...(code !== undefined && { fsCode: code }) },
    { cause: e },
  );
}
