/**
 * phaseflow's own demo packs, so that `phaseflow list` can say what else there is to install.
 * A test checks this list against the repository's `examples/*` packages.
 */
export const DEMO_PACKS: readonly { readonly name: string; readonly about: string }[] = [
  { name: '@phaseflow/example-analysis', about: 'Lyapunov spectra, edge of stability, mean-field limits' },
  { name: '@phaseflow/example-datasets', about: 'the dataset gallery' },
  { name: '@phaseflow/example-enkf', about: 'ensemble Kalman training without back-propagation' },
  { name: '@phaseflow/example-equivariant', about: 'group convolutions on rotated digits, EGNN on N-body' },
  { name: '@phaseflow/example-gpu', about: 'ensembles of integrators on gpu.js' },
  { name: '@phaseflow/example-hamiltonian-nets', about: 'HNNs, SympNets and Hamiltonian block networks' },
  { name: '@phaseflow/example-lie', about: 'Lie-group integrators, orthogonal layers and RNN cells' },
  { name: '@phaseflow/example-neural-ode', about: 'neural ODEs: spirals, adjoint and backprop' },
  { name: '@phaseflow/example-reservoir', about: 'echo state networks and NVAR forecasting chaos' },
  { name: '@phaseflow/example-runge-kutta', about: 'Runge–Kutta orders and work–precision' },
  { name: '@phaseflow/example-stable-nets', about: 'stable ResNet blocks (antisymmetric, Hamiltonian, parabolic)' },
  { name: '@phaseflow/example-symplectic', about: 'symplectic integrators on Kepler and the solar system' },
  { name: '@phaseflow/example-testkit', about: 'conformance suites at work' },
  { name: '@phaseflow/example-tfjs', about: 'tfjs models trained as flows' },
];
