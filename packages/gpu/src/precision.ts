/**
 * The float32 contract. Every gpu.js backend computes in IEEE-754 single precision, so a
 * kernel's result differs from its Float64 reference by rounding alone; phaseflow states that
 * difference as a multiple of the float32 unit roundoff.
 */

/**
 * 2⁻²³, the gap between 1 and the next float32 (machine epsilon; unit roundoff is half of it).
 * Tolerances in this package's tests and README are stated as C · FLOAT32_EPSILON · n.
 *
 * @example
 * ```ts
 * const tolerance = 4 * FLOAT32_EPSILON * steps; // relative, per component, after `steps` steps
 * ```
 */
export const FLOAT32_EPSILON = 2 ** -23;
