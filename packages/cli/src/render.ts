/**
 * Figures: Vega-Lite v5 specifications compiled with vega-lite and rendered to SVG by vega's
 * headless View — no DOM, no browser.
 */
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

/** Render a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const full = { ...DEFAULTS, ...spec, config: { ...DEFAULTS.config, ...(spec.config as object | undefined) } } as TopLevelSpec;
  const compiled = compile(full).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
