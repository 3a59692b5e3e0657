/**
 * The coefficient data of every method in this package. Rational coefficients are written as
 * fractions (evaluated once, correctly rounded); the DOP853 and Tsit5 coefficients are the
 * decimal expansions published with Hairer's Fortran code and with Tsitouras (2011) /
 * DifferentialEquations.jl, to full double precision.
 */
import type { ButcherTableau, ControllerDefaults } from './tableau.js';

/**
 * The defaults of the 3(2) and 5(4) pairs (BS3, DOPRI5, Tsit5): the I controller of scipy's
 * `solve_ivp` (RK23, RK45) and MATLAB's ode45, h_new = h · clamp(0.9 · err^(−1/(q+1)), 0.2, 10)
 * (β = 0). Hairer's PI setting ({@link PI_DEFAULTS_5}, β = 0.04) lowers the exponent on the
 * current error to α = 1/(q+1) − 0.75β = 0.17, so steps grow more slowly after a small error:
 * on the bench's Arenstorf and Lorenz-63 runs it spent 3–6 % more evaluations than scipy at
 * each tolerance for errors mostly 20–30 % smaller — the same work–precision curve at tight
 * tolerances, but up to 1.13× scipy's evaluations for the same error at loose ones (Arenstorf
 * 1e-7), where the orbit's close passes make the error erratic. With these defaults DOPRI5 takes scipy's
 * RK45 steps exactly (the same evaluations and errors at every tolerance).
 *
 * @example
 * ```ts
 * createRungeKutta({ ...DOPRI5, embedded: { ...DOPRI5.embedded!, controller: { ...I_DEFAULTS_5, safety: 0.8 } } });
 * ```
 */
export const I_DEFAULTS_5: ControllerDefaults = { beta: 0, safety: 0.9, minFactor: 0.2, maxFactor: 10 };
/**
 * Hairer's DOPRI5 defaults: PI controller with β = 0.04, safety 0.9, h ratio in [0.2, 10] (pass
 * `beta: 0.04` to an adaptive solve, or build a tableau with this controller, to get it; the
 * pairs default to {@link I_DEFAULTS_5}).
 *
 * @example
 * ```ts
 * createRungeKutta({ ...DOPRI5, embedded: { ...DOPRI5.embedded!, controller: { ...PI_DEFAULTS_5, beta: 0 } } });
 * ```
 */
export const PI_DEFAULTS_5: ControllerDefaults = { beta: 0.04, safety: 0.9, minFactor: 0.2, maxFactor: 10 };
/**
 * Hairer's DOP853 defaults: β = 0, safety 0.9, h ratio in [0.333, 6].
 *
 * @example
 * ```ts
 * createRungeKutta({ ...DOPRI5, embedded: { ...DOPRI5.embedded!, controller: { ...PI_DEFAULTS_8, beta: 0 } } });
 * ```
 */
export const PI_DEFAULTS_8: ControllerDefaults = { beta: 0, safety: 0.9, minFactor: 0.333, maxFactor: 6 };

/**
 * Explicit (forward) Euler, order 1.
 *
 * @example
 * ```ts
 * import { createRungeKutta, EULER } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(EULER); // the same integrator as the named factory
 * ```
 */
export const EULER: ButcherTableau = {
  name: 'euler',
  order: 1,
  fsal: false,
  c: [0],
  a: [[]],
  b: [1],
  reference: 'L. Euler, Institutiones calculi integralis (1768)',
};

/**
 * Explicit midpoint rule, order 2.
 *
 * @example
 * ```ts
 * import { createRungeKutta, MIDPOINT } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(MIDPOINT); // the same integrator as the named factory
 * ```
 */
export const MIDPOINT: ButcherTableau = {
  name: 'midpoint',
  order: 2,
  fsal: false,
  c: [0, 1 / 2],
  a: [[], [1 / 2]],
  b: [0, 1],
  reference: 'C. Runge, Über die numerische Auflösung von Differentialgleichungen, Math. Ann. 46 (1895)',
};

/**
 * Heun's method (explicit trapezoidal rule), order 2.
 *
 * @example
 * ```ts
 * import { createRungeKutta, HEUN } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(HEUN); // the same integrator as the named factory
 * ```
 */
export const HEUN: ButcherTableau = {
  name: 'heun',
  order: 2,
  fsal: false,
  c: [0, 1],
  a: [[], [1]],
  b: [1 / 2, 1 / 2],
  reference: 'K. Heun, Neue Methode zur approximativen Integration, Z. Math. Phys. 45 (1900)',
};

/**
 * Ralston's second-order method (minimum error bound among 2-stage order-2 methods).
 *
 * @example
 * ```ts
 * import { createRungeKutta, RALSTON } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(RALSTON); // the same integrator as the named factory
 * ```
 */
export const RALSTON: ButcherTableau = {
  name: 'ralston',
  order: 2,
  fsal: false,
  c: [0, 2 / 3],
  a: [[], [2 / 3]],
  b: [1 / 4, 3 / 4],
  reference: 'A. Ralston, Runge–Kutta methods with minimum error bounds, Math. Comp. 16 (1962)',
};

/**
 * The classical fourth-order Runge–Kutta method.
 *
 * @example
 * ```ts
 * import { createRungeKutta, RK4 } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(RK4); // the same integrator as the named factory
 * ```
 */
export const RK4: ButcherTableau = {
  name: 'rk4',
  order: 4,
  fsal: false,
  c: [0, 1 / 2, 1 / 2, 1],
  a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
  reference: 'W. Kutta, Beitrag zur näherungsweisen Integration totaler Differentialgleichungen, Z. Math. Phys. 46 (1901)',
};

/**
 * Kutta's 3/8 rule, order 4.
 *
 * @example
 * ```ts
 * import { createRungeKutta, RK38 } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(RK38); // the same integrator as the named factory
 * ```
 */
export const RK38: ButcherTableau = {
  name: 'rk38',
  order: 4,
  fsal: false,
  c: [0, 1 / 3, 2 / 3, 1],
  a: [[], [1 / 3], [-1 / 3, 1], [1, -1, 1]],
  b: [1 / 8, 3 / 8, 3 / 8, 1 / 8],
  reference: 'W. Kutta, Z. Math. Phys. 46 (1901); Hairer, Nørsett & Wanner, Solving ODEs I, Table II.1.2',
};

/**
 * Bogacki–Shampine 3(2) pair, FSAL, with the cubic Hermite interpolant.
 *
 * @example
 * ```ts
 * import { createRungeKutta, BS3 } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(BS3); // the same integrator as the named factory
 * ```
 */
export const BS3: ButcherTableau = {
  name: 'bs3',
  order: 3,
  fsal: true,
  c: [0, 1 / 2, 3 / 4, 1],
  a: [[], [1 / 2], [0, 3 / 4], [2 / 9, 1 / 3, 4 / 9]],
  b: [2 / 9, 1 / 3, 4 / 9, 0],
  embedded: { errorOrder: 2, e: [5 / 72, -1 / 12, -1 / 9, 1 / 8], controller: I_DEFAULTS_5 },
  dense: {
    kind: 'polynomial',
    order: 3,
    p: [
      [1, -4 / 3, 5 / 9],
      [0, 1, -2 / 3],
      [0, 4 / 3, -8 / 9],
      [0, -1, 1],
    ],
  },
  reference: 'P. Bogacki, L. F. Shampine, A 3(2) pair of Runge–Kutta formulas, Appl. Math. Lett. 2 (1989)',
};

/**
 * Dormand–Prince 5(4) pair (DOPRI5), FSAL, with Shampine's 4th-order continuous extension.
 *
 * @example
 * ```ts
 * import { createRungeKutta, DOPRI5 } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(DOPRI5); // the same integrator as the named factory
 * ```
 */
export const DOPRI5: ButcherTableau = {
  name: 'dopri5',
  order: 5,
  fsal: true,
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  embedded: {
    errorOrder: 4,
    e: [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40],
    controller: I_DEFAULTS_5,
  },
  dense: {
    kind: 'polynomial',
    order: 4,
    p: [
      [1, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
      [0, 0, 0, 0],
      [0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
      [0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
      [0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
      [0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
      [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
    ],
  },
  reference:
    'J. R. Dormand, P. J. Prince, A family of embedded Runge–Kutta formulae, J. Comput. Appl. Math. 6 (1980); dense output: L. F. Shampine, Some practical Runge–Kutta formulas, Math. Comp. 46 (1986)',
};

/**
 * Tsitouras 5(4) pair (Tsit5), FSAL, with its free 4th-order interpolant.
 *
 * @example
 * ```ts
 * import { createRungeKutta, TSIT5 } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(TSIT5); // the same integrator as the named factory
 * ```
 */
export const TSIT5: ButcherTableau = {
  name: 'tsit5',
  order: 5,
  fsal: true,
  c: [0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1],
  a: [
    [],
    [0.161],
    [-0.008480655492356989, 0.335480655492357],
    [2.8971530571054935, -6.359448489975075, 4.3622954328695815],
    [5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525],
    [5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383],
    [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774],
  ],
  b: [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774, 0],
  embedded: {
    errorOrder: 4,
    e: [-0.00178001105222577714, -0.0008164344596567469, 0.007880878010261995, -0.1447110071732629, 0.5823571654525552, -0.45808210592918697, 1 / 66],
    controller: I_DEFAULTS_5,
  },
  dense: {
    kind: 'polynomial',
    order: 4,
    p: [
      [1, -2.763706197274826, 2.9132554618219126, -1.0530884977290216],
      [0, 0.13169999999999998, -0.2234, 0.1017],
      [0, 3.9302962368947516, -5.941033872131505, 2.490627285651253],
      [0, -12.411077166933676, 30.33818863028232, -16.548102889244902],
      [0, 37.50931341651104, -88.1789048947664, 47.37952196281928],
      [0, -27.896526289197286, 65.09189467479366, -34.87065786149661],
      [0, 1.5, -4, 2.5],
    ],
  },
  reference:
    'Ch. Tsitouras, Runge–Kutta pairs of order 5(4) satisfying only the first column simplifying assumption, Comput. Math. Appl. 62 (2011); coefficients as in DifferentialEquations.jl',
};

const C853 = [
  0.0, 0.526001519587677318785587544488e-1, 0.789002279381515978178381316732e-1, 0.11835034190722739672675719751, 0.28164965809277260327324280249,
  0.333333333333333333333333333333, 0.25, 0.307692307692307692307692307692, 0.651282051282051282051282051282, 0.6, 0.857142857142857142857142857142, 1.0, 1.0,
  0.1, 0.2, 0.777777777777777777777777777778,
];
const A853: number[][] = [
  [],
  [5.26001519587677318785587544488e-2],
  [1.97250569845378994544595329183e-2, 5.91751709536136983633785987549e-2],
  [2.95875854768068491816892993775e-2, 0, 8.87627564304205475450678981324e-2],
  [2.41365134159266685502369798665e-1, 0, -8.84549479328286085344864962717e-1, 9.24834003261792003115737966543e-1],
  [3.7037037037037037037037037037e-2, 0, 0, 1.70828608729473871279604482173e-1, 1.25467687566822425016691814123e-1],
  [3.7109375e-2, 0, 0, 1.70252211019544039314978060272e-1, 6.02165389804559606850219397283e-2, -1.7578125e-2],
  [
    3.70920001185047927108779319836e-2, 0, 0, 1.70383925712239993810214054705e-1, 1.07262030446373284651809199168e-1, -1.53194377486244017527936158236e-2,
    8.27378916381402288758473766002e-3,
  ],
  [
    6.24110958716075717114429577812e-1, 0, 0, -3.36089262944694129406857109825, -8.68219346841726006818189891453e-1, 2.75920996994467083049415600797e1,
    2.01540675504778934086186788979e1, -4.34898841810699588477366255144e1,
  ],
  [
    4.77662536438264365890433908527e-1, 0, 0, -2.48811461997166764192642586468, -5.90290826836842996371446475743e-1, 2.12300514481811942347288949897e1,
    1.52792336328824235832596922938e1, -3.32882109689848629194453265587e1, -2.03312017085086261358222928593e-2,
  ],
  [
    -9.3714243008598732571704021658e-1, 0, 0, 5.18637242884406370830023853209, 1.09143734899672957818500254654, -8.14978701074692612513997267357,
    -1.85200656599969598641566180701e1, 2.27394870993505042818970056734e1, 2.49360555267965238987089396762, -3.0467644718982195003823669022,
  ],
  [
    2.27331014751653820792359768449, 0, 0, -1.05344954667372501984066689879e1, -2.00087205822486249909675718444, -1.79589318631187989172765950534e1,
    2.79488845294199600508499808837e1, -2.85899827713502369474065508674, -8.87285693353062954433549289258, 1.23605671757943030647266201528e1,
    6.43392746015763530355970484046e-1,
  ],
  [
    5.42937341165687622380535766363e-2, 0, 0, 0, 0, 4.45031289275240888144113950566, 1.89151789931450038304281599044, -5.8012039600105847814672114227,
    3.1116436695781989440891606237e-1, -1.52160949662516078556178806805e-1, 2.01365400804030348374776537501e-1, 4.47106157277725905176885569043e-2,
  ],
  [
    5.61675022830479523392909219681e-2, 0, 0, 0, 0, 0, 2.53500210216624811088794765333e-1, -2.46239037470802489917441475441e-1,
    -1.24191423263816360469010140626e-1, 1.5329179827876569731206322685e-1, 8.20105229563468988491666602057e-3, 7.56789766054569976138603589584e-3, -8.298e-3,
  ],
  [
    3.18346481635021405060768473261e-2, 0, 0, 0, 0, 2.83009096723667755288322961402e-2, 5.35419883074385676223797384372e-2, -5.49237485713909884646569340306e-2,
    0, 0, -1.08347328697249322858509316994e-4, 3.82571090835658412954920192323e-4, -3.40465008687404560802977114492e-4, 1.41312443674632500278074618366e-1,
  ],
  [
    -4.28896301583791923408573538692e-1, 0, 0, 0, 0, -4.69762141536116384314449447206, 7.68342119606259904184240953878, 4.06898981839711007970213554331,
    3.56727187455281109270669543021e-1, 0, 0, 0, -1.39902416515901462129418009734e-3, 2.9475147891527723389556272149, -9.15095847217987001081870187138,
  ],
];
const E5_853 = [
  0.1312004499419488073250102996e-1, 0, 0, 0, 0, -0.1225156446376204440720569753e1, -0.4957589496572501915214079952, 0.1664377182454986536961530415e1,
  -0.350328848749973681688648729, 0.3341791187130174790297318841, 0.8192320648511571246570742613e-1, -0.2235530786388629525884427845e-1,
];
const D853: number[][] = [
  [
    -0.84289382761090128651353491142e1, 0, 0, 0, 0, 0.5667149535193777696253178359, -0.30689499459498916912797304727e1, 0.2384667656512069828772814968e1,
    0.21170345824450282767155149946e1, -0.8713915837779729920678990749, 0.2240437430260788275854177165e1, 0.6315787787694688181557024929,
    -0.889903364513333108206981174e-1, 0.18148505520854727256656404962e2, -0.91946323924783554000451984436e1, -0.44360363875948939664310572e1,
  ],
  [
    0.10427508642579134603413151009e2, 0, 0, 0, 0, 0.24228349177525818288430175319e3, 0.16520045171727028198505394887e3, -0.37454675472269020279518312152e3,
    -0.22113666853125306036270938578e2, 0.77334326684722638389603898808e1, -0.30674084731089398182061213626e2, -0.93321305264302278729567221706e1,
    0.15697238121770843886131091075e2, -0.31139403219565177677282850411e2, -0.93529243588444783865713862664e1, 0.3581684148639408375246589854e2,
  ],
  [
    0.19985053242002433820987653617e2, 0, 0, 0, 0, -0.38703730874935176555105901742e3, -0.18917813819516756882830838328e3, 0.52780815920542364900561016686e3,
    -0.11573902539959630126141871134e2, 0.68812326946963000169666922661e1, -0.1000605096691083840318386098e1, 0.7777137798053443209286926574,
    -0.27782057523535084065932004339e1, -0.60196695231264120758267380846e2, 0.84320405506677161018159903784e2, 0.1199229113618278932803513003e2,
  ],
  [
    -0.25693933462703749003312586129e2, 0, 0, 0, 0, -0.15418974869023643374053993627e3, -0.23152937917604549567536039109e3, 0.3576391179106141237828534991e3,
    0.93405324183624310003907691704e2, -0.37458323136451633156875139351e2, 0.10409964950896230045147246184e3, 0.29840293426660503123344363579e2,
    -0.43533456590011143754432175058e2, 0.963245539591882829483949506e2, -0.39177261675615439165231486172e2, -0.14972683625798562581422125276e3,
  ],
];

const B853 = A853[12]!;
/** b − b̂₃ of DOP853's 3rd-order estimator (Hairer's bhh1, bhh2, bhh3). */
const E3_853 = B853.map((b, i) =>
  i === 0 ? b - 0.244094488188976377952755905512 : i === 8 ? b - 0.733846688281611857341361741547 : i === 11 ? b - 0.220588235294117647058823529412e-1 : b,
);

/**
 * Dormand–Prince 8(5,3) (DOP853) with Hairer's 7th-order dense output (3 extra stages).
 *
 * @example
 * ```ts
 * import { createRungeKutta, DOP853 } from '@phaseflow/runge-kutta';
 * const method = createRungeKutta(DOP853); // the same integrator as the named factory
 * ```
 */
export const DOP853: ButcherTableau = {
  name: 'dop853',
  order: 8,
  fsal: false,
  c: C853.slice(0, 12),
  a: A853.slice(0, 12),
  b: B853,
  embedded: { errorOrder: 7, e: E5_853, e3: E3_853, eOrder: 5, e3Order: 3, controller: PI_DEFAULTS_8 },
  dense: { kind: 'dop853', order: 7, c: C853.slice(13), a: A853.slice(13), d: D853 },
  reference:
    "E. Hairer, S. P. Nørsett, G. Wanner, Solving Ordinary Differential Equations I, 2nd ed. (1993), §II.10; coefficients from Hairer's DOP853 Fortran code (P. J. Prince, J. R. Dormand, High order embedded Runge–Kutta formulae, J. Comput. Appl. Math. 7 (1981))",
};
