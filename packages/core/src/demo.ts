/**
 * The demo contract: how a package contributes to the `phaseflow demo` report without
 * depending on the CLI or on a plotting library. A package exports `demos` from its
 * `./demos` entry point and names that entry in its package.json:
 * `"phaseflow": { "demos": "./demos" }`. Figures are Vega-Lite specifications (plain JSON);
 * the CLI renders them.
 */

/** One figure: a Vega-Lite v5 specification with inline data. */
export interface DemoFigure {
  /** File-name stem, kebab-case (e.g. `energy-error`). */
  readonly name: string;
  readonly title: string;
  /** A caption saying what to look at. */
  readonly caption?: string;
  /** Vega-Lite v5 specification (JSON-serialisable). */
  readonly spec: Record<string, unknown>;
}

/** What a demo produces. */
export interface DemoResult {
  /** One or two sentences for the terminal and the report. */
  readonly summary: string;
  readonly figures: readonly DemoFigure[];
  /** Measured numbers, written to JSON. */
  readonly numbers: Readonly<Record<string, unknown>>;
}

/** Handed to a running demo. */
export interface DemoContext {
  /** Seed for every random choice the demo makes. */
  readonly seed: number;
  /** Report progress in [0, 1] with an optional message. */
  progress(fraction: number, message?: string): void;
  readonly signal?: AbortSignal;
}

/** A demo a package contributes to the report. */
export interface Demo {
  /** Kebab-case name used on the command line (`phaseflow demo kepler`). */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /**
   * Packages the demo needs beyond its provider's own dependencies, typically optional peers
   * such as a dataset (`['mnist']`). The CLI lists a demo whose requirements are not installed
   * as unavailable, with the install line, and runs the others.
   */
  readonly requires?: readonly string[];
  run(context: DemoContext): Promise<DemoResult>;
}
