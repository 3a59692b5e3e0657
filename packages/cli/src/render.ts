/**
 * Figures: Vega-Lite v5 specifications compiled with vega-lite and rendered to SVG by vega's
 * headless View — no DOM, no browser.
 */
import { invalid, PhaseflowError } from '@phaseflow/core';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

const DEFAULTS = {
  background: 'white',
  config: {
    font: 'Helvetica, Arial, sans-serif',
    axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridOpacity: 0.4 },
    legend: { labelFontSize: 11, titleFontSize: 12 },
    title: { fontSize: 14 },
    view: { stroke: '#bbb' },
  },
};

/**
 * Render a Vega-Lite spec to an SVG string. A spec that is not an object, or that vega-lite
 * cannot compile, is refused with INVALID_ARGUMENT naming `spec` (vega-lite's error as `cause`).
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) invalid('spec', 'a Vega-Lite specification object', spec);
  if (spec.config !== undefined && (spec.config === null || typeof spec.config !== 'object')) invalid('spec.config', 'a Vega-Lite config object', spec.config);
  const full = { ...DEFAULTS, ...spec, config: { ...DEFAULTS.config, ...(spec.config as object | undefined) } } as TopLevelSpec;
  let view: vega.View;
  try {
    view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw new PhaseflowError(
      'INVALID_ARGUMENT',
      `spec: vega-lite cannot compile it: ${why}`,
      { argument: 'spec', expected: 'a Vega-Lite v5 specification', received: why },
      { cause: e },
    );
  }
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
