/**
 * Which engine trains a network: this package's float32 engine or a tensor framework (tfjs),
 * and the rule `auto` follows. One rule for every package whose layers have a float32 twin.
 */
import { PhaseflowError, checkInteger, checkOneOf, invalid } from '@phaseflow/core';

/**
 * The engine a layer or model asks to be trained on: `nn64` (the float32 engine of
 * @phaseflow/nn64: fused kernels, no tensor framework in the loop), `tfjs` (tensor ops, for
 * interop: tf.layers, saving, WebGL/WebGPU), or `auto` (nn64 for small models, see
 * {@link chooseEngine}).
 */
export type EngineChoice = 'auto' | 'nn64' | 'tfjs';

/**
 * The engine choices, for option validation.
 *
 * @example
 * ```ts
 * ENGINE_CHOICES; // ['auto', 'nn64', 'tfjs']
 * ```
 */
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'nn64', 'tfjs'];

/**
 * The largest model (in parameters) `auto` trains on the float32 engine: one million. Every
 * network the benches measure (up to 2-256-256-2 MLPs, 200-200 HNNs and 32 × 64 Hamiltonian
 * block networks, 67 k parameters) trains faster on it than through tfjs-wasm, several times
 * over; past a million parameters the matrix products dominate and a GPU backend of tfjs may
 * win, so `auto` leaves such models to tfjs.
 *
 * @example
 * ```ts
 * chooseEngine('auto', AUTO_ENGINE_MAX_PARAMETERS + 1).engine; // 'tfjs'
 * ```
 */
export const AUTO_ENGINE_MAX_PARAMETERS = 1_000_000;

/** What {@link chooseEngine} decided, and why (recorded in training histories). */
export interface EngineDecision {
  readonly engine: 'nn64' | 'tfjs';
  readonly reason: string;
}

/**
 * The engine for a model of `parameters` parameters whose choice is `choice`: `tfjs` and `nn64`
 * are taken as asked (`nn64` throws NOT_AVAILABLE when `unsupported` says why the model cannot
 * run there); `auto` is nn64 when nothing is unsupported and the model has at most
 * {@link AUTO_ENGINE_MAX_PARAMETERS} parameters, tfjs otherwise.
 *
 * @example
 * ```ts
 * chooseEngine('auto', 40_601);                          // { engine: 'nn64', reason: 'auto: 40601 parameters ≤ 1000000' }
 * chooseEngine('auto', 500, 'IntegratorBlock has no nn64 twin'); // { engine: 'tfjs', reason: 'auto: IntegratorBlock has no nn64 twin' }
 * ```
 */
export function chooseEngine(choice: EngineChoice, parameters: number, unsupported?: string): EngineDecision {
  const c = checkOneOf('engine', choice, ENGINE_CHOICES);
  const p = checkInteger('parameters', parameters, { min: 0 });
  if (unsupported !== undefined && (typeof unsupported !== 'string' || unsupported === ''))
    invalid('unsupported', 'a non-empty string saying why the model cannot run on nn64, or undefined', unsupported);
  if (c === 'tfjs') return { engine: 'tfjs', reason: 'engine: tfjs' };
  if (c === 'nn64') {
    if (unsupported !== undefined) {
      throw new PhaseflowError('NOT_AVAILABLE', `engine 'nn64': ${unsupported}`, {
        argument: 'engine',
        expected: "a model the nn64 engine runs, or engine 'tfjs' or 'auto'",
        received: unsupported,
      });
    }
    return { engine: 'nn64', reason: 'engine: nn64' };
  }
  if (unsupported !== undefined) return { engine: 'tfjs', reason: `auto: ${unsupported}` };
  if (p > AUTO_ENGINE_MAX_PARAMETERS) return { engine: 'tfjs', reason: `auto: ${p} parameters > ${AUTO_ENGINE_MAX_PARAMETERS}` };
  return { engine: 'nn64', reason: `auto: ${p} parameters ≤ ${AUTO_ENGINE_MAX_PARAMETERS}` };
}
