// Runs both benches of the package and prints one JSON document.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const out = {};
for (const part of ['stable']) {
  const file = new URL(`./${part}.mjs`, import.meta.url);
  if (!existsSync(file)) continue;
  out[part] = JSON.parse(execFileSync(process.execPath, [file.pathname], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 }));
}
console.log(JSON.stringify(out, null, 2));
