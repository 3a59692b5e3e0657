/**
 * Butcher tableaux as data. An explicit s-stage Runge–Kutta method is
 *
 *   kᵢ = f(t + cᵢh, y + h Σⱼ₍ⱼ<ᵢ₎ aᵢⱼ kⱼ),   y₁ = y + h Σᵢ bᵢ kᵢ,
 *
 * and an embedded pair adds an error estimate e = h Σᵢ eᵢ kᵢ (eᵢ = bᵢ − b̂ᵢ) of lower order.
 */

/** Step-size controller defaults a method ships with (Hairer, Nørsett & Wanner, Solving ODEs I, §II.4). */
export interface ControllerDefaults {
  /** PI weight β on the previous error (0 gives a pure I controller). */
  readonly beta: number;
  /** Safety factor applied to the optimal step. */
  readonly safety: number;
  /** Smallest step ratio h_new/h (also the largest shrink on rejection). */
  readonly minFactor: number;
  /** Largest step ratio h_new/h. */
  readonly maxFactor: number;
}

/** The embedded lower-order solution of a pair, given by its error weights. */
export interface EmbeddedEstimate {
  /** Order q of the lower-order solution: the local error estimate is O(h^(q+1)). */
  readonly errorOrder: number;
  /** Error weights eᵢ = bᵢ − b̂ᵢ over all stages (including an FSAL stage). */
  readonly e: readonly number[];
  /**
   * A second, 3rd-order estimator (DOP853 only). The error norm becomes
   * ‖e₅‖² / √(‖e₅‖² + 0.01‖e₃‖²) (Hairer's DOP853).
   */
  readonly e3?: readonly number[];
  /**
   * Order of the embedded solution b − e when it is not `errorOrder`: with a combined estimator
   * (`e3`) `errorOrder` is the order the combination behaves like (DOP853: 7), while b − e has
   * order 5. `createRungeKutta` checks b − e at this order (at `errorOrder` without `e3`, at
   * order 1 with `e3` when this is absent).
   */
  readonly eOrder?: number;
  /** Order of b − e3 (DOP853: 3), checked by `createRungeKutta` (order 1 when absent). */
  readonly e3Order?: number;
  readonly controller: ControllerDefaults;
}

/**
 * Continuous extension. `polynomial`: y(t + θh) = y + h Σᵢ bᵢ(θ) kᵢ with
 * bᵢ(θ) = Σⱼ pᵢⱼ θ^(j+1). `dop853`: Hairer's 7th-order interpolant built from three extra
 * stages (`c`/`a` continue the tableau; stage `stages` is f(t + h, y₁)) and the matrix `d`.
 */
export type DenseOutputSpec =
  | { readonly kind: 'polynomial'; readonly order: number; readonly p: readonly (readonly number[])[] }
  | {
      readonly kind: 'dop853';
      readonly order: number;
      readonly c: readonly number[];
      readonly a: readonly (readonly number[])[];
      readonly d: readonly (readonly number[])[];
    };

/** An explicit Runge–Kutta method as data. */
export interface ButcherTableau {
  /** Short name, e.g. `dopri5`. */
  readonly name: string;
  /** Classical order p of y₁. */
  readonly order: number;
  /** c₁ … c_s (c₁ = 0). */
  readonly c: readonly number[];
  /** Strictly lower-triangular rows: `a[i]` has i entries. */
  readonly a: readonly (readonly number[])[];
  /** Weights b₁ … b_s of the propagated solution. */
  readonly b: readonly number[];
  /**
   * First same as last: the last stage is evaluated at (t + h, y₁) (its row equals b), so it
   * is the next step's first stage.
   */
  readonly fsal: boolean;
  /** Where the coefficients come from. */
  readonly reference: string;
  readonly embedded?: EmbeddedEstimate;
  readonly dense?: DenseOutputSpec;
}
