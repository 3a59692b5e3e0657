/**
 * Any core Integrator as a stable block. Integrators are named through core's one registry
 * (`resolveIntegrator` over the families' method records); a saved block stores the name only,
 * so a third party's integrator is made loadable by {@link registerBlockIntegrator}.
 */
import * as tf from '@tensorflow/tfjs';
import {
  PhaseflowError,
  invalid,
  phaseSpace,
  resolveIntegrator,
  type AnyIntegrator,
  type Integrator,
  type MethodRecord,
  type OdeProblem,
  type PartitionedProblem,
  type PhaseState,
} from '@phaseflow/core';
import { rungeKuttaMethods } from '@phaseflow/runge-kutta';
import { createLeapfrog, splittingMethods } from '@phaseflow/symplectic';
import { tensorSpace } from '@phaseflow/tfjs';
import { StableBlock, affine, type StableBlockArgs } from './stable-block.js';

/** An integrator an {@link IntegratorBlock} can run: explicit RK (`ode`) or splitting (`partitioned`) methods over tensors. */
export type BlockIntegrator = Integrator<OdeProblem<tf.Tensor>, tf.Tensor> | Integrator<PartitionedProblem<tf.Tensor>, PhaseState<tf.Tensor>>;

/**
 * What an {@link IntegratorBlock} accepts at the type level: any core Integrator, whatever
 * state type it was created for (`createYoshida6()` defaults to Float64Array; the block runs
 * it on tensors, which generic integrators support at run time). Only the members the block
 * reads — `name`, `problemKinds`, `step` —, so integrators that also declare core's
 * `prepareAdvance` for their own state type fit.
 */
export type AnyBlockIntegrator = Pick<Integrator<never, unknown>, 'name' | 'problemKinds' | 'step'>;

/** The splitting methods by name, and `leapfrog` (velocity Verlet) as the neural ODE layers name it. */
const symplecticMethods: MethodRecord = { ...splittingMethods, leapfrog: () => createLeapfrog() };

/**
 * Third parties' integrators, by name. Searched before our families' records, so a name
 * registered again replaces the built-in one (as the hand-written map it replaces did).
 * No prototype: a name such as `constructor` is a name like any other.
 */
const registered: Record<string, () => AnyBlockIntegrator> = Object.create(null) as Record<string, () => AnyBlockIntegrator>;

/**
 * Make an integrator known by its `name`, so saved {@link IntegratorBlock}s that use it load
 * again (`getConfig` stores only the name). The explicit Runge–Kutta methods of
 * @phaseflow/runge-kutta (`rungeKuttaMethods`) and the splitting methods of
 * @phaseflow/symplectic (`splittingMethods`, and `leapfrog`) are known already; call this for a
 * third party's. Returns the name.
 *
 * @example
 * ```ts
 * registerBlockIntegrator(() => createMyIntegrator()); // 'my-integrator'
 * ```
 */
export function registerBlockIntegrator(factory: () => AnyBlockIntegrator): string {
  if (typeof factory !== 'function') invalid('factory', 'a function returning an Integrator', factory);
  const made: unknown = factory();
  if (typeof made === 'string') invalid('factory()', 'an Integrator { name, problemKinds, step }', made);
  const integrator = checkKinds('factory()', resolveIntegrator('factory()', made));
  registered[integrator.name] = factory;
  return integrator.name;
}

/** The integrator, if it solves a problem kind a block can pose (`ode` or `partitioned`). */
function checkKinds(argument: string, integrator: AnyIntegrator): BlockIntegrator {
  if (!integrator.problemKinds.includes('ode') && !integrator.problemKinds.includes('partitioned')) {
    throw new PhaseflowError(
      'UNSUPPORTED_PROBLEM',
      `${argument}: integrator ${integrator.name} solves ${integrator.problemKinds.join(', ')} problems; an IntegratorBlock needs 'ode' or 'partitioned'`,
      {
        argument,
        expected: "an integrator whose problemKinds include 'ode' or 'partitioned'",
        received: integrator.problemKinds.join(', '),
      },
    );
  }
  return integrator as unknown as BlockIntegrator;
}

/** Options of {@link IntegratorBlock}. */
export interface IntegratorBlockArgs extends StableBlockArgs {
  /**
   * The integrator, or a name: a key of @phaseflow/runge-kutta's `rungeKuttaMethods` (`rk4`,
   * `dopri5`, …), of @phaseflow/symplectic's `splittingMethods` (`yoshida6`, …), `leapfrog`, or
   * one given to {@link registerBlockIntegrator}.
   */
  integrator: AnyBlockIntegrator | string;
}

/**
 * Any core Integrator as a network: N steps of `integrator` over a learnable field on
 * tensors (through @phaseflow/tfjs's `tensorSpace`). For `ode` integrators (Runge–Kutta)
 * the field is f_j(Y) = σ(K_j Y + b_j); for `partitioned` (splitting, symplectic) ones it is
 * the Hamiltonian two-stream field q' = σ(K_j p + b_j), p' = −σ(K_jᵀ q + b_j), q_0 = Y, p_0 = 0,
 * output q_N. Weights per step, or shared (`sharedWeights`). Gradients flow through the
 * integrator's tensor operations.
 *
 * Source: Chen et al., "Neural ordinary differential equations" (NeurIPS 2018) for the idea;
 * Haber & Ruthotto (2018) for the fields.
 *
 * @example
 * ```ts
 * import { createYoshida6 } from '@phaseflow/symplectic';
 * import { createRk4 } from '@phaseflow/runge-kutta';
 * const a = new IntegratorBlock({ integrator: createYoshida6(), depth: 4, finalTime: 2 });
 * const b = new IntegratorBlock({ integrator: createRk4(), depth: 8, finalTime: 1, sharedWeights: true });
 * ```
 */
export class IntegratorBlock extends StableBlock {
  static override className = 'PhaseflowIntegratorBlock';
  readonly integrator: BlockIntegrator;
  private readonly kind: 'ode' | 'partitioned';

  constructor(args: IntegratorBlockArgs) {
    super(args, ['integrator']);
    const integrator = checkKinds('args.integrator', resolveIntegrator('args.integrator', args.integrator, registered, rungeKuttaMethods, symplecticMethods));
    this.integrator = integrator;
    this.kind = integrator.problemKinds.includes('ode') ? 'ode' : 'partitioned';
  }

  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    const h = this.h;
    record?.push(x);
    if (this.kind === 'ode') {
      const step = (this.integrator as Integrator<OdeProblem<tf.Tensor>, tf.Tensor>).step;
      let y = x;
      for (let j = 0; j < this.depth; j++) {
        const k = this.at(ks, j);
        const b = this.at(bs, j);
        const problem: OdeProblem<tf.Tensor> = { kind: 'ode', space: tensorSpace, f: (_t, yy) => this.sigma(affine(yy, k, b, true)) };
        y = step.call(this.integrator, problem, j * h, y, h);
        record?.push(y);
      }
      return y;
    }
    const step = (this.integrator as Integrator<PartitionedProblem<tf.Tensor>, PhaseState<tf.Tensor>>).step;
    const space = phaseSpace(tensorSpace);
    let state: PhaseState<tf.Tensor> = { q: x, p: tf.zerosLike(x) };
    for (let j = 0; j < this.depth; j++) {
      const k = this.at(ks, j);
      const b = this.at(bs, j);
      const problem: PartitionedProblem<tf.Tensor> = {
        kind: 'partitioned',
        space,
        separable: true,
        velocity: (_t, _q, p) => this.sigma(affine(p, k, b, true)),
        force: (_t, q) => tf.neg(this.sigma(affine(q, k, b, false))),
      };
      state = step.call(this.integrator, problem, j * h, state, h);
      record?.push(state.q);
    }
    return state.q;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), integrator: this.integrator.name };
  }
}
