export { createEnKFTrainer } from './trainer.js';
export type { EnKFFitOptions, EnKFHistory, EnKFInit, EnKFMethod, EnKFStop, EnKFTrainer, EnKFTrainerOptions } from './trainer.js';
export { createMemberPool } from './pool.js';
export type { MemberEvaluation, MemberModelFactory, MemberPool, MemberPoolOptions } from './pool.js';
export type { EnKFCollapseEvent, EnKFDroppedEvent, EnKFIterationEvent } from './events.js';
export type { Batch, EnKFData, EnKFXYData } from './batch.js';
export { classificationAccuracy } from './accuracy.js';
