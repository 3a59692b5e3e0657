import { invalid } from '@phaseflow/core';

/**
 * FNV-1a (32-bit) hash of the bytes of a typed array, read little-endian whatever the
 * machine, as 8 hex digits. Used to pin generated data in tests: equal arrays give equal
 * hashes on every machine, so a changed hash means changed bits.
 *
 * h₀ = 0x811c9dc5, hᵢ₊₁ = (hᵢ ⊕ byteᵢ) · 0x01000193 mod 2³² (Fowler, Noll & Vo).
 *
 * @example
 * ```ts
 * import { fnv1a } from '@phaseflow/testkit';
 * fnv1a(new TextEncoder().encode('foobar')); // 'bf9cf968'
 * ```
 */
export function fnv1a(array: Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array): string {
  if (!(
    array instanceof Float64Array ||
    array instanceof Float32Array ||
    array instanceof Int32Array ||
    array instanceof Uint32Array ||
    array instanceof Uint8Array
  )) {
    invalid('array', 'a Float64Array, Float32Array, Int32Array, Uint32Array or Uint8Array', array);
  }
  const width = array.BYTES_PER_ELEMENT;
  const view = new DataView(array.buffer, array.byteOffset, array.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < array.length; i++) {
    const off = i * width;
    // Read each element little-endian so big-endian machines hash the same bytes.
    for (let b = 0; b < width; b++) {
      const byte = isLittleEndian ? view.getUint8(off + b) : view.getUint8(off + width - 1 - b);
      h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

const isLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
