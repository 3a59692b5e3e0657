// Part 2 — neural ODEs, HNNs, SympNets: src/neural/
export * from './neural/index.js';
