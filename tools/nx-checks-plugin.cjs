// nx plugin: the workspace's code checks as cached targets of every project that has a
// package.json under packages/ or examples/ — `lint` (eslint) and `format` (prettier --check)
// run per project, so `nx affected -t lint format` checks what a change touches.
const { dirname, relative } = require('node:path');

exports.createNodesV2 = [
  '{packages,examples}/*/package.json',
  (files) =>
    files.map((file) => {
      const root = dirname(file);
      const up = relative(root, '.') || '.';
      return [
        file,
        {
          projects: {
            [root]: {
              targets: {
                lint: {
                  command: 'eslint .',
                  options: { cwd: root },
                  cache: true,
                  inputs: ['default', '{workspaceRoot}/eslint.config.mjs'],
                },
                format: {
                  command: `prettier --check . --ignore-path ${up}/.prettierignore`,
                  options: { cwd: root },
                  cache: true,
                  inputs: ['default', '{workspaceRoot}/.prettierrc.json', '{workspaceRoot}/.prettierignore'],
                },
              },
            },
          },
        },
      ];
    }),
];
