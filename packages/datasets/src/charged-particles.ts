/**
 * The charged-particle N-body system of Kipf et al.'s NRI simulator as Satorras, Hoogeboom &
 * Welling (ICML 2021) regenerate it for EGNN: 5 particles in 3-D with charges ±1, Coulomb-like
 * forces q_i q_j (x_i − x_j)/|x_i − x_j|³ clipped componentwise at ±0.1/dt, integrated with
 * dt = 0.001 for 5000 steps and saved every 100. The task: from positions and velocities at
 * frame 30, predict the positions at frame 40.
 */
import { checkInteger, checkOptions, createRandom, invalid } from '@phaseflow/core';
import { positiveArg, seedArg, sizeArg } from './internal/args.js';

/** Options of {@link chargedParticles}. */
export interface ChargedParticlesOptions {
  /** Trajectories to simulate (default 100). */
  readonly samples?: number;
  /** Seed (default 0): the same seed gives the same trajectories; trajectory k does not depend on `samples`. */
  readonly seed?: number;
  /** Particles per system (default 5). */
  readonly particles?: number;
  /** Space dimension (default 3). */
  readonly dim?: number;
  /** Integration steps (default 5000). */
  readonly steps?: number;
  /** Save every this many steps (default 100): frames at steps every, 2·every, … */
  readonly every?: number;
  /** Step size (default 0.001). */
  readonly dt?: number;
  /** Initial speed of every particle (default 0.5). */
  readonly speed?: number;
  /** Standard deviation of the initial positions (default 1). */
  readonly locStd?: number;
  /** Interaction strength (default 1). */
  readonly interaction?: number;
  /** Half-width of the box the initial positions are reflected into (default 5, as the reference code). */
  readonly box?: number;
}

/** Simulated trajectories. */
export interface ChargedParticles {
  readonly name: 'charged-particles';
  readonly samples: number;
  readonly particles: number;
  readonly dim: number;
  /** Saved frames per trajectory: steps / every − 1 (49 for the defaults). */
  readonly frames: number;
  /** Steps between frames; frame k is the state after (k + 1)·every steps. */
  readonly every: number;
  readonly dt: number;
  /** Positions [samples, frames, particles, dim], row-major. */
  readonly loc: Float64Array;
  /** Velocities, same layout (the leapfrog velocities stored with the positions). */
  readonly vel: Float64Array;
  /** Charges ±1, [samples, particles]. */
  readonly charges: Float64Array;
  /** Edge attributes q_i q_j, [samples, particles, particles]. */
  readonly edges: Float64Array;
}

const KEYS = ['samples', 'seed', 'particles', 'dim', 'steps', 'every', 'dt', 'speed', 'locStd', 'interaction', 'box'];

function parse(o: ChargedParticlesOptions) {
  const dt = positiveArg('options.dt', o.dt, 0.001);
  const steps = sizeArg('options.steps', o.steps, 5000);
  const every = sizeArg('options.every', o.every, 100);
  if (steps % every !== 0) invalid('options.every', `a divisor of options.steps (${steps})`, every);
  if (steps / every < 2) invalid('options.steps', `at least 2 × options.every (${2 * every}) steps`, steps);
  return {
    samples: sizeArg('options.samples', o.samples, 100),
    seed: seedArg(o.seed),
    particles: sizeArg('options.particles', o.particles, 5, 2),
    dim: o.dim === undefined ? 3 : checkInteger('options.dim', o.dim, { min: 1, max: 3 }),
    steps,
    every,
    dt,
    speed: positiveArg('options.speed', o.speed, 0.5),
    locStd: positiveArg('options.locStd', o.locStd, 1),
    interaction: positiveArg('options.interaction', o.interaction, 1),
    box: positiveArg('options.box', o.box, 5),
  };
}

/** One trajectory, writing frames [first, last] into loc/vel at offset `at` (frames × n × dim). */
function simulate(
  p: ReturnType<typeof parse>,
  rng: ReturnType<typeof createRandom>,
  frames: number,
  loc: Float64Array,
  vel: Float64Array,
  at: number,
  q: Float64Array,
): void {
  const { particles: n, dim, dt, every, interaction, box } = p;
  const maxForce = 0.1 / dt;
  for (let i = 0; i < n; i++) q[i] = rng.uniform() < 0.5 ? -1 : 1;
  const x = new Float64Array(n * dim);
  const v = new Float64Array(n * dim);
  // Draw in the reference's [dim][n] order.
  for (let k = 0; k < dim; k++) for (let i = 0; i < n; i++) x[i * dim + k] = rng.normal() * p.locStd;
  for (let k = 0; k < dim; k++) for (let i = 0; i < n; i++) v[i * dim + k] = rng.normal();
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += v[i * dim + k]! ** 2;
    const scale = p.speed / Math.sqrt(s);
    for (let k = 0; k < dim; k++) v[i * dim + k]! *= scale;
  }
  // The initial state is reflected into the box (rarely active for N(0, 1) positions).
  for (let j = 0; j < n * dim; j++) {
    if (x[j]! > box) {
      x[j] = 2 * box - x[j]!;
      v[j] = -Math.abs(v[j]!);
    } else if (x[j]! < -box) {
      x[j] = -2 * box - x[j]!;
      v[j] = Math.abs(v[j]!);
    }
  }
  const force = new Float64Array(n * dim);
  const kick = () => {
    force.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        let r2 = 0;
        for (let k = 0; k < dim; k++) r2 += (x[i * dim + k]! - x[j * dim + k]!) ** 2;
        const f = (interaction * q[i]! * q[j]!) / (r2 * Math.sqrt(r2));
        for (let k = 0; k < dim; k++) force[i * dim + k]! += f * (x[i * dim + k]! - x[j * dim + k]!);
      }
    }
    for (let j = 0; j < n * dim; j++) v[j]! += dt * Math.min(maxForce, Math.max(-maxForce, force[j]!));
  };
  kick();
  // The reference runs on to step (frames + 1)·every − 1; nothing after the last save is kept.
  let saved = 0;
  for (let step = 1; saved < frames; step++) {
    for (let j = 0; j < n * dim; j++) x[j]! += dt * v[j]!;
    if (step % every === 0) {
      loc.set(x, at + saved * n * dim);
      vel.set(v, at + saved * n * dim);
      saved++;
    }
    kick();
  }
}

/**
 * Simulate charged-particle trajectories as the EGNN paper's data generator does (Kipf et
 * al., NRI, ICML 2018, `synthetic_sim.py`; Satorras et al. 2021, §5.1): charges ±1 with
 * probability ½, x₀ ~ N(0, locStd²), v₀ of norm `speed` in a uniform direction, forces
 *
 *   F_i = Σ_{j≠i} c q_i q_j (x_i − x_j) / ‖x_i − x_j‖³, clipped componentwise at ±0.1/dt,
 *
 * and the reference's leapfrog-style update (v += dt·F once, then x += dt·v, save every
 * `every` steps, v += dt·F). Seeded; trajectory k is the same whatever `samples` is.
 *
 * @example
 * ```ts
 * const sim = chargedParticles({ samples: 10, seed: 1 });
 * sim.frames; // 49
 * sim.loc.subarray(0, 15); // trajectory 0, frame 0: 5 particles × 3
 * ```
 */
export function chargedParticles(options: ChargedParticlesOptions = {}): ChargedParticles {
  const p = parse(checkOptions('options', options, KEYS));
  const frames = p.steps / p.every - 1;
  return run(p, frames);
}

function run(p: ReturnType<typeof parse>, frames: number): ChargedParticles {
  const { samples, particles: n, dim } = p;
  const per = frames * n * dim;
  const loc = new Float64Array(samples * per);
  const vel = new Float64Array(samples * per);
  const charges = new Float64Array(samples * n);
  const edges = new Float64Array(samples * n * n);
  const rng = createRandom(p.seed);
  for (let s = 0; s < samples; s++) {
    const q = charges.subarray(s * n, (s + 1) * n);
    simulate(p, rng.fork(s), frames, loc, vel, s * per, q);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) edges[(s * n + i) * n + j] = q[i]! * q[j]!;
  }
  return { name: 'charged-particles', samples, particles: n, dim, frames, every: p.every, dt: p.dt, loc, vel, charges, edges };
}

/** Options of {@link chargedParticlesTask}: the simulator's, plus the frames. */
export interface ChargedParticlesTaskOptions extends Omit<ChargedParticlesOptions, 'steps'> {
  /** Input frame (default 30). */
  readonly inputFrame?: number;
  /** Target frame (default 40). */
  readonly targetFrame?: number;
}

/** The N-body prediction task: state at the input frame, positions at the target frame. */
export interface ChargedParticlesTask {
  readonly name: 'charged-particles-task';
  readonly samples: number;
  readonly particles: number;
  readonly dim: number;
  readonly inputFrame: number;
  readonly targetFrame: number;
  /** Positions at the input frame, [samples, particles, dim]. */
  readonly x: Float64Array;
  /** Velocities at the input frame, same layout. */
  readonly v: Float64Array;
  /** Charges, [samples, particles]. */
  readonly charges: Float64Array;
  /** q_i q_j, [samples, particles, particles]. */
  readonly edges: Float64Array;
  /** Positions at the target frame, [samples, particles, dim]. */
  readonly target: Float64Array;
}

/**
 * The EGNN paper's N-body task (Satorras et al. 2021, §5.1): from positions and velocities
 * at frame 30 (and the charges), predict positions at frame 40 — 1000 steps of dt = 0.001
 * later. Simulates only as far as the target frame; frames are those of
 * {@link chargedParticles} with the same seed (frame k after (k + 1)·every steps).
 *
 * @example
 * ```ts
 * const train = chargedParticlesTask({ samples: 3000, seed: 1 });
 * train.x.length; // 3000 × 5 × 3
 * ```
 */
export function chargedParticlesTask(options: ChargedParticlesTaskOptions = {}): ChargedParticlesTask {
  const o = checkOptions('options', options, [...KEYS.filter((k) => k !== 'steps'), 'inputFrame', 'targetFrame']);
  const { inputFrame: i0, targetFrame: i1, ...sim } = o;
  const inputFrame = i0 === undefined ? 30 : checkInteger('options.inputFrame', i0, { min: 0 });
  const targetFrame = i1 === undefined ? 40 : checkInteger('options.targetFrame', i1, { min: inputFrame + 1 });
  const every = sim.every ?? 100;
  const p = parse({ ...sim, steps: (targetFrame + 2) * every });
  const s = run(p, targetFrame + 1);
  const { samples, particles: n, dim, frames } = s;
  const block = n * dim;
  const x = new Float64Array(samples * block);
  const v = new Float64Array(samples * block);
  const target = new Float64Array(samples * block);
  for (let k = 0; k < samples; k++) {
    const base = k * frames * block;
    x.set(s.loc.subarray(base + inputFrame * block, base + (inputFrame + 1) * block), k * block);
    v.set(s.vel.subarray(base + inputFrame * block, base + (inputFrame + 1) * block), k * block);
    target.set(s.loc.subarray(base + targetFrame * block, base + (targetFrame + 1) * block), k * block);
  }
  return { name: 'charged-particles-task', samples, particles: n, dim, inputFrame, targetFrame, x, v, charges: s.charges, edges: s.edges, target };
}
