import { describe, expect, it } from 'vitest';
import { chargedParticles, chargedParticlesTask } from '@phaseflow/datasets';
import { fnv1a } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';

describe('chargedParticles', () => {
  it('follows the EGNN setting: 5 particles in 3-D, charges ±1, speed 0.5, 49 frames every 100 steps', () => {
    const s = chargedParticles({ samples: 4, seed: 1 });
    expect([s.particles, s.dim, s.frames, s.every, s.dt]).toEqual([5, 3, 49, 100, 0.001]);
    expect(s.loc.length).toBe(4 * 49 * 5 * 3);
    expect([...new Set(s.charges)].sort()).toEqual([-1, 1]);
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(s.edges[(k * 5 + i) * 5 + j]).toBe(s.charges[k * 5 + i]! * s.charges[k * 5 + j]!);
    }
    expect(Array.from(s.loc).every(Number.isFinite)).toBe(true);
  });

  it('conserves momentum while no force is clipped, and starts from speed 0.5', () => {
    // Short run from the first frame: pairwise forces cancel, so Σ v stays put.
    const s = chargedParticles({ samples: 3, seed: 2, steps: 300, every: 100 });
    for (let k = 0; k < 3; k++) {
      const total = (f: number) =>
        [0, 1, 2].map((c) => Array.from({ length: 5 }, (_, i) => s.vel[((k * s.frames + f) * 5 + i) * 3 + c]!).reduce((a, b) => a + b, 0));
      const [a, b] = [total(0), total(1)];
      a.forEach((v, c) => expect(Math.abs(v - b[c]!)).toBeLessThan(1e-9));
    }
  });

  it('is seeded: the same seed gives the same bits, trajectory k does not depend on samples (pinned FNV-1a)', () => {
    const a = chargedParticles({ samples: 2, seed: 7, steps: 1000, every: 100 });
    const b = chargedParticles({ samples: 3, seed: 7, steps: 1000, every: 100 });
    expect(b.loc.subarray(0, a.loc.length)).toEqual(a.loc);
    expect(fnv1a(a.loc)).toBe(fnv1a(chargedParticles({ samples: 2, seed: 7, steps: 1000, every: 100 }).loc));
    expect(fnv1a(a.loc)).toBe('886465bf');
    expect(fnv1a(a.vel)).toBe('1152e20e');
    expect(fnv1a(a.charges)).toBe('9c1613a5');
  });

  it('the task takes frame 30 as input and frame 40 as target, as the full simulation does', () => {
    const task = chargedParticlesTask({ samples: 2, seed: 3 });
    const full = chargedParticles({ samples: 2, seed: 3 });
    const block = 15;
    for (let k = 0; k < 2; k++) {
      expect(task.x.subarray(k * block, (k + 1) * block)).toEqual(full.loc.subarray((k * 49 + 30) * block, (k * 49 + 31) * block));
      expect(task.v.subarray(k * block, (k + 1) * block)).toEqual(full.vel.subarray((k * 49 + 30) * block, (k * 49 + 31) * block));
      expect(task.target.subarray(k * block, (k + 1) * block)).toEqual(full.loc.subarray((k * 49 + 40) * block, (k * 49 + 41) * block));
    }
    expect(task.edges).toEqual(full.edges);
    expect(fnv1a(task.target)).toBe('7795848f');
  });

  it('rejects bad options with coded errors', () => {
    expectPhaseflowError(() => chargedParticles({ steps: 1000, every: 300 }), 'INVALID_ARGUMENT', 'options.every');
    expectPhaseflowError(() => chargedParticles({ dt: 0 }), 'INVALID_ARGUMENT', 'options.dt');
    expectPhaseflowError(() => chargedParticles({ particles: 1 }), 'INVALID_ARGUMENT', 'options.particles');
    expectPhaseflowError(() => chargedParticlesTask({ inputFrame: 40, targetFrame: 30 }), 'INVALID_ARGUMENT', 'options.targetFrame');
    expectPhaseflowError(() => chargedParticlesTask({ steps: 10 } as never), 'UNKNOWN_OPTION');
  });
});
