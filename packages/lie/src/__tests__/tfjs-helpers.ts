/** Numerics shared by the tfjs tests: orthogonality of float32 matrices, measured in Float64. */

/** max |WᵀW − I| and ‖WᵀW − I‖_F of a rows × cols matrix (row-major), in Float64. */
export function orthogonality(w: ArrayLike<number>, rows: number, cols = rows): { max: number; frobenius: number } {
  let max = 0,
    f = 0;
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b < cols; b++) {
      let s = 0;
      for (let k = 0; k < rows; k++) s += w[k * cols + a]! * w[k * cols + b]!;
      const d = s - (a === b ? 1 : 0);
      max = Math.max(max, Math.abs(d));
      f += d * d;
    }
  }
  return { max, frobenius: Math.sqrt(f) };
}

/** The transpose of a rows × cols row-major matrix. */
export function transposed(w: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = w[i * cols + j]!;
  return t;
}
