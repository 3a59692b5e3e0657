// Part 1 — stable architectures (networks that are integrators): src/stable/
export * from './stable/index.js';
// Part 2 — neural ODEs, HNNs, SympNets: src/neural/
export * from './neural/index.js';
