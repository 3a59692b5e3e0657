import { PhaseflowError, checkInteger } from '@phaseflow/core';

/**
 * Fraction of rows whose predicted class matches the target class. With more than one output
 * per row the class is the arg-max; with one output it is `value > 0.5` (binary labels 0/1).
 *
 * Equation: acc = (1/n) Σ_r 1[argmax ŷ_r = argmax y_r].
 *
 * @example
 * ```ts
 * classificationAccuracy(Float64Array.of(0.9, 0.1, 0.2, 0.8), Float64Array.of(1, 0, 1, 0), 2); // 0.5
 * ```
 */
export function classificationAccuracy(prediction: ArrayLike<number>, target: ArrayLike<number>, rows: number): number {
  checkInteger('rows', rows, { min: 1 });
  if (prediction.length !== target.length || target.length % rows !== 0) {
    throw new PhaseflowError(
      'SHAPE_MISMATCH',
      `prediction has length ${prediction.length} and target length ${target.length}; both must be ${rows} rows of equal width`,
      { argument: 'prediction', expected: `length ${target.length}`, received: `length ${prediction.length}` },
    );
  }
  const width = target.length / rows;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    if (width === 1) {
      if (prediction[o]! > 0.5 === target[o]! > 0.5) hits++;
      continue;
    }
    let bp = 0;
    let bt = 0;
    for (let j = 1; j < width; j++) {
      if (prediction[o + j]! > prediction[o + bp]!) bp = j;
      if (target[o + j]! > target[o + bt]!) bt = j;
    }
    if (bp === bt) hits++;
  }
  return hits / rows;
}
