import { createMlp64, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS } from '@phaseflow/nn64';
import { layerConformance } from '@phaseflow/testkit/vitest';

// The Layer contract (testkit's layerConformance) for the Float64 MLP: a deterministic forward,
// the parametric get/set round trip, bad θ refused, and forwardEnsemble (one pass for J
// parameter sets, sparse first layer) equal to set + forward member by member.
const batch = () => ({ x: Float64Array.of(0.5, -0.2, 0, 1.5, -1, 0.25), rows: 3, cols: 2 });

for (const activation of HIDDEN_ACTIVATIONS) {
  layerConformance(createMlp64({ sizes: [2, 5, 3], activation, output: 'linear', seed: 1 }), { input: batch });
}
for (const output of OUTPUT_ACTIVATIONS) {
  layerConformance(createMlp64({ sizes: [2, 4, 4, 2], activation: 'tanh', output, seed: 2, distribution: 'normal' }), { input: batch });
}
