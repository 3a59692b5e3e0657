/**
 * The four ways back through an ODE solve, by name.
 */

/**
 * How gradients flow back through an ODE solve.
 *
 * - `backprop` — back-propagation through the solver's operations (discretise-then-optimise):
 *   the exact gradient of the discrete solution, any integrator, fixed or adaptive; memory
 *   grows linearly with the number of steps (every stage is kept for the backward pass).
 *   Run {@link solveForward} under an autodiff tape.
 * - `adjoint` — the continuous adjoint (optimise-then-discretise, Chen et al. 2018): one
 *   backward solve of y' = f, a' = −aᵀ∂f/∂y, g' = −aᵀ∂f/∂θ; memory independent of the number of
 *   steps; the gradient is that of the exact flow, so it differs from the discrete one by the
 *   integration error (O(hᵖ)), and the backward solve re-integrates y (unstable for stiff or
 *   strongly dissipative fields). {@link adjointBackward}.
 * - `reversible` — for time-reversible integrators (leapfrog, symmetric splittings): the exact
 *   gradient of the discrete solution with memory independent of the number of steps, by
 *   reconstructing y_n = Φ₋ₕ(y_{n+1}) backwards instead of storing it (Gholami et al. 2019
 *   call this the route around ANODE's instability); costs one extra step per step, fixed
 *   steps only. {@link reversibleBackward}.
 * - `checkpoint` — back-propagation with checkpoints (Griewank & Walther 2008; ANODE): the
 *   exact gradient of the discrete solution, as `backprop`, with memory bounded by the caller
 *   (store every k-th state, recompute the steps between on the backward pass; k from a byte
 *   bound by {@link planCheckpoints}); costs one extra untaped step per step, fixed steps only.
 *   {@link solveForward} with `checkpointEvery`, then {@link checkpointBackward}.
 *
 * @example
 * ```ts
 * const mode: GradientMode = 'adjoint';
 * GRADIENT_MODES.includes(mode); // true
 * ```
 */
export type GradientMode = 'backprop' | 'adjoint' | 'reversible' | 'checkpoint';

/**
 * The gradient modes, for option validation.
 *
 * @example
 * ```ts
 * checkOneOf('options.gradient', value, GRADIENT_MODES);
 * ```
 */
export const GRADIENT_MODES: readonly GradientMode[] = ['backprop', 'adjoint', 'reversible', 'checkpoint'];
