/**
 * Error codes @phaseflow/tfjs adds to core's set (declaration merging).
 */

declare module '@phaseflow/core' {
  interface PhaseflowErrorCodes {
    /**
     * The file system refused a read or a write of a model file: a missing `model.json` or
     * weight file, a file where a folder must be, no permission. `details.path` is the full
     * path, `details.fsCode` Node's code (`ENOENT`, `ENOTDIR`, `EACCES`, …), and Node's error
     * is the `cause`.
     */
    FILE_ACCESS_FAILED: true;
    /**
     * A backend is installed but did not start: for wasm, its `.wasm` binary was not where it
     * looked, was not WebAssembly (an HTML page served in its place), or did not instantiate.
     * `details.looked` lists the paths or URLs tried, `details.received` says what came back.
     */
    BACKEND_INIT_FAILED: true;
  }
}

export {};
