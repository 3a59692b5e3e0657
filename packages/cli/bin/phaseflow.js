#!/usr/bin/env node
// The `phaseflow` command. This file exists before the package is built, so npm links the bin
// at install time (also in a workspace checkout, where dist/ appears only after `npm start` or
// `npm run build`); it loads the compiled command.
import('../dist/bin.js').catch((e) => {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/bin.js')) {
    process.stderr.write('phaseflow: @phaseflow/cli is not built yet (dist/bin.js is missing); in a checkout run `npm start` or `npm run build` first\n');
    process.exit(1);
  }
  throw e;
});
