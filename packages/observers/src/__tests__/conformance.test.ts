import { createCallbackObserver, createEarlyStopping, createEnergyObserver, createRecorder, createStopWhen } from '@phaseflow/observers';
import { observerConformance } from '@phaseflow/testkit/vitest';

// The Observer contract (testkit's observerConformance): handlers that follow an integration
// and a training run without throwing or modifying events and states, stop reasons in words,
// a second run after the first. The energy observer needs a problem with an energy, so it
// observes integration runs only.
observerConformance(createEnergyObserver({ every: 5 }), { runs: ['integration'] });
observerConformance(createRecorder({ every: 10 }));
observerConformance(createRecorder({ map: (_s, t) => t, limit: 5 }));
observerConformance(createCallbackObserver({ handlers: { step: () => undefined, 'epoch:end': () => undefined }, name: 'callbacks' }));
observerConformance(createStopWhen({ predicate: (e) => e.step >= 3, reason: 'three steps' }));
observerConformance(createEarlyStopping({ monitor: 'validationLoss', patience: 2 }), { runs: ['training'] });
