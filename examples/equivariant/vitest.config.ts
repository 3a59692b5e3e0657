import { phaseflowVitestConfig } from '../../vitest.shared.ts';

export default phaseflowVitestConfig();
