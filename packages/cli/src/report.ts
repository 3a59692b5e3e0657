/** The HTML report: one section per demo with its figures (SVG files), numbers and timing. */
import { checkInteger, checkOptions, invalid, type DemoResult } from '@phaseflow/core';

/** A demo's outcome as the report shows it. */
export interface DemoOutcome {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly packageName: string;
  readonly seconds: number;
  readonly result?: DemoResult;
  /** File names (relative to the report folder) of the rendered figures, parallel to result.figures. */
  readonly figureFiles?: readonly string[];
  readonly error?: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function numbersTable(numbers: Readonly<Record<string, unknown>>): string {
  const rows = Object.entries(numbers)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'number' ? formatNumber(v) : String(v))}</td></tr>`);
  return rows.length ? `<table class="numbers">${rows.join('')}</table>` : '';
}

/** Numbers as people read them: 4 significant digits, exponent form for tiny/huge values. */
export function formatNumber(v: number): string {
  if (typeof v !== 'number') invalid('v', 'a number', v);
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** Build the report page. */
export function reportHtml(outcomes: readonly DemoOutcome[], meta: { seed: number; date: string; node: string }): string {
  if (!Array.isArray(outcomes as unknown)) invalid('outcomes', 'an array of demo outcomes', outcomes);
  outcomes.forEach((o, i) => {
    if (o === null || typeof o !== 'object') invalid(`outcomes[${i}]`, 'a demo outcome { name, title, description, packageName, seconds, … }', o);
    for (const key of ['name', 'title', 'description', 'packageName'] as const)
      if (typeof o[key] !== 'string') invalid(`outcomes[${i}].${key}`, 'a string', o[key]);
    if (typeof o.seconds !== 'number') invalid(`outcomes[${i}].seconds`, 'a number', o.seconds);
  });
  const m = checkOptions('meta', meta, ['seed', 'date', 'node']);
  if (meta === undefined) invalid('meta', 'the run { seed, date, node }', meta);
  checkInteger('meta.seed', m.seed, { min: 0 });
  for (const key of ['date', 'node'] as const) if (typeof m[key] !== 'string') invalid(`meta.${key}`, 'a string', m[key]);
  const toc = outcomes.map((o) => `<li><a href="#${esc(o.name)}">${esc(o.title)}</a>${o.error ? ' <span class="bad">failed</span>' : ''}</li>`).join('');
  const sections = outcomes
    .map((o) => {
      const head = `<h2 id="${esc(o.name)}">${esc(o.title)}</h2><p class="meta"><code>phaseflow demo ${esc(o.name)}</code> · ${esc(o.packageName)} · ${o.seconds.toFixed(1)} s</p><p>${esc(o.description)}</p>`;
      if (o.error || !o.result) return `<section>${head}<pre class="bad">${esc(o.error ?? 'no result')}</pre></section>`;
      const figs = o.result.figures
        .map(
          (f, i) =>
            `<figure><img src="${esc(o.figureFiles![i]!)}" alt="${esc(f.title)}"><figcaption><b>${esc(f.title)}.</b> ${esc(f.caption ?? '')}</figcaption></figure>`,
        )
        .join('');
      return `<section>${head}<p class="summary">${esc(o.result.summary)}</p>${figs}${numbersTable(o.result.numbers)}<p><a href="${esc(o.name)}/numbers.json">all numbers (JSON)</a></p></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>phaseflow demo report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em} h2{border-top:1px solid #ddd;padding-top:1em}
.meta{color:#666;font-size:.9em} .summary{background:#f4f7fb;border-left:4px solid #4c78a8;padding:.6em 1em}
figure{display:inline-block;margin:.5em 1em 1em 0;vertical-align:top;max-width:100%} figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.9em;color:#444;max-width:560px} table.numbers{border-collapse:collapse;font-size:.9em}
table.numbers th{text-align:left;padding:.2em 1em .2em 0;font-weight:normal;color:#555} table.numbers td{font-family:monospace}
.bad{color:#b00}
</style></head><body>
<h1>phaseflow demo report</h1>
<p class="meta">seed ${meta.seed} · ${esc(meta.date)} · Node ${esc(meta.node)} · ${outcomes.length} demos</p>
<ul>${toc}</ul>
${sections}
</body></html>
`;
}
