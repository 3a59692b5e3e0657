import { describe, expect, it } from 'vitest';
import { rotateImage, rotatedDigits } from '@phaseflow/datasets';
import { fnv1a } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';

const rot90 = (img: Float64Array, n: number) => Float64Array.from({ length: n * n }, (_, k) => img[(k % n) * n + (n - 1 - Math.floor(k / n))]!);

describe('rotateImage', () => {
  it('turns a quarter exactly as numpy rot90, keeps the identity, and is bilinear in between', () => {
    const img = Float64Array.from({ length: 25 }, (_, i) => i);
    expect(rotateImage(img, 5, Math.PI / 2)).toEqual(rot90(img, 5));
    expect(rotateImage(img, 5, Math.PI)).toEqual(rot90(rot90(img, 5), 5));
    expect(rotateImage(img, 5, 0)).toEqual(img);
    const half = rotateImage(img, 5, Math.PI / 4);
    expect(half[12]).toBeCloseTo(12, 12); // the centre stays
    // A constant image stays constant where the source lies inside, and fades at the corners.
    const flat = rotateImage(new Float64Array(25).fill(1), 5, Math.PI / 4);
    for (const k of [6, 7, 8, 11, 12, 13, 16, 17, 18]) expect(flat[k]).toBeCloseTo(1, 12);
    expect(flat[0]).toBeLessThan(0.5);
  });
});

describe('rotatedDigits', () => {
  it('draws seeded digits from the mnist package, rotated by seeded angles, down-sampled by block means', async () => {
    const set = await rotatedDigits({ count: 40, seed: 1, size: 14 });
    expect([set.n, set.dim, set.size, set.classes, set.kind]).toEqual([40, 196, 14, 10, 'classification']);
    expect(new Set(set.indices).size).toBe(40);
    expect(Array.from(set.angles).every((a) => a >= 0 && a < 2 * Math.PI)).toBe(true);
    expect(Math.max(...set.x)).toBeLessThanOrEqual(1);
    const again = await rotatedDigits({ count: 40, seed: 1, size: 14 });
    expect(fnv1a(again.x)).toBe(fnv1a(set.x));
    expect(fnv1a(set.x)).toBe('9ddfa53c');
    expect(fnv1a(set.y)).toBe('df6ab7ca');
    const upright = await rotatedDigits({ count: 40, seed: 1, size: 14, rotation: 'upright' });
    expect(upright.y).toEqual(set.y);
    expect(Array.from(upright.angles).every((a) => a === 0)).toBe(true);
    const turned = await rotatedDigits({ count: 40, seed: 1, size: 28, rotation: Math.PI / 2 });
    const plain = await rotatedDigits({ count: 40, seed: 1, size: 28, rotation: 'upright' });
    expect(turned.x.subarray(0, 784)).toEqual(rot90(plain.x.subarray(0, 784), 28));
  });

  it('takes the digits from options.source and rejects bad options with coded errors', async () => {
    const cls = { length: 1, get: () => new Array(784).fill(0.5) };
    const source = Object.fromEntries(Array.from({ length: 10 }, (_, d) => [d, cls]));
    const set = await rotatedDigits({ source, size: 7 });
    expect(set.n).toBe(10);
    expect(Array.from(set.y).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expect(rotatedDigits({ size: 5, source })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'options.size' } });
    await expect(rotatedDigits({ rotation: 'sideways' as never, source })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { argument: 'options.rotation' },
    });
    await expect(rotatedDigits({ count: 11, source })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'options.count' } });
    await expect(rotatedDigits({ source: { 0: cls } as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { argument: 'options.source[1]' },
    });
    expectPhaseflowError(() => rotateImage([1, 2, 3], 2, 0), 'SHAPE_MISMATCH', 'image');
  });
});
