/**
 * Reading a vector field written as a JavaScript function and inlining it into a generated
 * kernel. A field is a function in the gpu.js kernel subset whose arguments are the state (and
 * parameters, and time) and whose last statement returns the derivative as an array literal:
 *
 *   (t, y, p) => [p[0] * (y[1] - y[0]), y[0] * (p[1] - y[2]) - y[1], y[0] * y[1] - p[2] * y[2]]
 *
 * The same function runs in JavaScript on Float64Arrays (the Float64 reference) and, inlined,
 * on every gpu.js backend. Inlining instead of calling it as a gpu.js helper keeps the whole
 * step in one kernel body: helpers on the webasm backend take and return scalars only and
 * break its f32x4 SIMD path into scalar calls (measured 3× slower on Lorenz-63 RK4).
 */
import { fieldNotCompilable } from './errors.js';

interface Token {
  readonly kind: 'id' | 'num' | 'op';
  readonly text: string;
  /** A line break precedes the token in the source (kept, so statements without semicolons stay apart). */
  readonly nl?: boolean;
}

const TOKEN =
  /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|(0[xX][\da-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|([A-Za-z_$][\w$]*)|(>>>=|===|!==|\*\*=|<<=|>>=|>>>|\.\.\.|=>|==|!=|<=|>=|&&|\|\||\?\?|\*\*|\+\+|--|[+\-*/%&|^]=|<<|>>|[{}()[\];,.?:<>=!+\-*/%&|^~])|([\s\S])/y;

function tokenize(argument: string, source: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let nl = false;
  for (let m = TOKEN.exec(source); m !== null && m[0].length > 0; m = TOKEN.exec(source)) {
    const kind = m[1] !== undefined ? 'num' : m[2] !== undefined ? 'id' : m[3] !== undefined ? 'op' : undefined;
    if (kind !== undefined) {
      out.push({ kind, text: m[0], ...(nl && { nl }) });
      nl = false;
    } else if (m[4] === undefined) nl ||= m[0].includes('\n');
    else {
      fieldNotCompilable(
        argument,
        `unexpected character ${JSON.stringify(m[4])} (strings, template literals and regular expressions are not in the kernel subset)`,
      );
    }
    if (TOKEN.lastIndex >= source.length) break;
  }
  return out;
}

/** A field read into tokens: its parameter names, the statements before its return, and the returned entries. */
export interface ParsedField {
  readonly name: string;
  readonly params: readonly string[];
  readonly prelude: readonly Token[];
  readonly items: readonly (readonly Token[])[];
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index of the bracket closing the one at `i`. */
function closing(tokens: readonly Token[], i: number): number {
  const stack: string[] = [];
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j]!.text;
    if (tokens[j]!.kind !== 'op') continue;
    if (OPEN[t] !== undefined) stack.push(OPEN[t]);
    else if (t === ')' || t === ']' || t === '}') {
      if (stack.pop() !== t) return -1;
      if (stack.length === 0) return j;
    }
  }
  return -1;
}

function readParams(argument: string, tokens: readonly Token[], open: number): { params: string[]; next: number } {
  const close = closing(tokens, open);
  if (close < 0) fieldNotCompilable(argument, 'unbalanced parameter list');
  const params: string[] = [];
  for (let j = open + 1; j < close; j++) {
    const t = tokens[j]!;
    if (t.kind === 'id') params.push(t.text);
    else if (t.text !== ',')
      fieldNotCompilable(argument, `parameters must be plain names (no defaults, destructuring or rest), found ${JSON.stringify(t.text)}`);
  }
  return { params, next: close + 1 };
}

/**
 * Read `fn`'s source: `function (…) { …; return [ … ]; }`, an arrow function with a block or
 * an array-literal body, or a method `name(…) { … }`. The last statement must be the only
 * return and return an array literal of `entries` entries.
 */
export function parseField(argument: string, fn: unknown, options: { minParams: number; maxParams: number; entries: number }): ParsedField {
  if (typeof fn !== 'function') fieldNotCompilable(argument, `expected a function, received ${fn === null ? 'null' : typeof fn}`);
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) fieldNotCompilable(argument, 'could not read the function source (it is native or bound)');
  const tokens = tokenize(argument, source);
  let i = 0;
  let params: string[] = [];
  let body: Token[];
  const at = (j: number) => tokens[j]?.text;
  if (at(0) === 'async' || at(1) === '*') fieldNotCompilable(argument, 'async functions and generators cannot run in a kernel');
  if (at(0) === 'function') {
    i = tokens[1]?.kind === 'id' ? 2 : 1;
    if (at(i) !== '(') fieldNotCompilable(argument, 'could not read the parameter list');
    ({ params, next: i } = readParams(argument, tokens, i));
  } else if (at(0) === '(') {
    ({ params, next: i } = readParams(argument, tokens, 0));
    if (at(i) !== '=>') fieldNotCompilable(argument, 'could not read the arrow function');
    i++;
  } else if (tokens[0]?.kind === 'id' && at(1) === '=>') {
    params = [at(0)!];
    i = 2;
  } else if (tokens[0]?.kind === 'id' && at(1) === '(') {
    ({ params, next: i } = readParams(argument, tokens, 1));
  } else {
    fieldNotCompilable(argument, 'could not read the function source');
  }
  if (at(i) === '{') {
    const end = closing(tokens, i);
    if (end < 0) fieldNotCompilable(argument, 'unbalanced braces');
    body = tokens.slice(i + 1, end);
  } else {
    let expr = tokens.slice(i);
    while (expr.length > 2 && expr[0]!.text === '(' && closing(expr, 0) === expr.length - 1) expr = expr.slice(1, -1);
    body = [{ kind: 'id', text: 'return' }, ...expr];
  }
  if (params.length < options.minParams || params.length > options.maxParams) {
    fieldNotCompilable(
      argument,
      `expected ${options.minParams === options.maxParams ? options.minParams : `${options.minParams} to ${options.maxParams}`} parameters, found ${params.length} (${params.join(', ')})`,
    );
  }
  const returns: number[] = [];
  let depth = 0;
  for (let j = 0; j < body.length; j++) {
    const t = body[j]!;
    if (t.kind === 'op' && (t.text === '{' || t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'op' && (t.text === '}' || t.text === ')' || t.text === ']')) depth--;
    else if (t.kind === 'id' && t.text === 'return') {
      if (depth !== 0) fieldNotCompilable(argument, 'a field has one return, as its last statement (found a return inside a block)');
      returns.push(j);
    }
  }
  const shape = `the last statement must be the field's only return, of an array literal with ${options.entries} entries`;
  if (returns.length !== 1) fieldNotCompilable(argument, `${shape} (found ${returns.length} returns)`);
  const r = returns[0]!;
  if (body[r + 1]?.text !== '[') fieldNotCompilable(argument, `${shape} (the return is not an array literal)`);
  const close = closing(body, r + 1);
  const rest = body.slice(close + 1).filter((t) => t.text !== ';');
  if (close < 0 || rest.length > 0) fieldNotCompilable(argument, `${shape} (statements follow the return)`);
  const items: Token[][] = [[]];
  depth = 0;
  for (let j = r + 2; j < close; j++) {
    const t = body[j]!;
    if (t.kind === 'op' && OPEN[t.text] !== undefined) depth++;
    else if (t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}')) depth--;
    if (depth === 0 && t.text === ',') items.push([]);
    else items[items.length - 1]!.push(t);
  }
  if (items.length > 0 && items[items.length - 1]!.length === 0) items.pop();
  if (items.length !== options.entries) fieldNotCompilable(argument, `${shape} (found ${items.length} entries)`);
  const name = (fn as { name?: unknown }).name;
  return { name: typeof name === 'string' && name.length > 0 ? name : 'field', params, prelude: body.slice(0, r), items };
}

/** How each parameter of a field is bound at one inlining site. */
export type Binding =
  /** Read as `x[k]` with an integer literal k below `length`; `name(k)` is what it becomes. */
  | { readonly kind: 'array'; readonly length: number; readonly name: (k: number) => string; readonly what: string }
  /** Replaced by an expression (time). */
  | { readonly kind: 'scalar'; readonly text: string };

const KEEP = new Set(['const', 'let', 'var', 'if', 'else', 'for', 'while', 'do', 'break', 'continue', 'true', 'false', 'Math', 'Infinity', 'NaN']);
const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '**=', '++', '--', '<<=', '>>=', '>>>=', '&=', '|=', '^=']);

/** Statement keywords after which a statement (and so a hoisting point) begins. */
const STATEMENT = new Set(['const', 'let', 'var', 'if']);
/** Loop keywords: a call inside a loop statement is never hoisted out of it. */
const LOOP = new Set(['for', 'while', 'do', 'else']);

/**
 * Math.sin / Math.cos as straight-line float32 code: Cody–Waite reduction by π
 * (π = 3.140625 + 9.676536e-4, exact products for |x| < 2¹⁶π) to r ∈ [−π/2, π/2], then
 * sin r = r·P(r²) (the degree-11 minimax kernel of fdlibm's __kernel_sinf), and the sign
 * (−1)ᵏ. Measured ≤ 1.4·ε₃₂ absolute for |x| ≤ 200. The webasm backend calls Math.sin through
 * a JavaScript import, which breaks its f32x4 SIMD path (measured 7× slower on a pendulum).
 */
function sinCos(fn: 'sin' | 'cos', t: string, arg: string): string[] {
  const k = fn === 'sin' ? `Math.floor(${t}a * 0.31830987 + 0.5)` : `Math.floor(${t}a * 0.31830987)`;
  const kk = fn === 'sin' ? `${t}k` : `(${t}k + 0.5)`;
  const sign = fn === 'sin' ? `(1.0 - 2.0 * (${t}k - 2.0 * Math.floor(${t}k * 0.5)))` : `(2.0 * (${t}k - 2.0 * Math.floor(${t}k * 0.5)) - 1.0)`;
  return [
    `const ${t}a = ${arg};`,
    `const ${t}k = ${k};`,
    `const ${t}r = (${t}a - ${kk} * 3.140625) - ${kk} * 0.0009676536;`,
    `const ${t}q = ${t}r * ${t}r;`,
    `const ${t} = ${sign} * ${t}r * (1.0 + ${t}q * (-0.16666667 + ${t}q * (0.008333331 + ${t}q * (-0.00019840874 + ${t}q * (0.0000027525562 + ${t}q * -0.000000023889859)))));`,
  ];
}

interface Site {
  readonly argument: string;
  readonly field: ParsedField;
  readonly bindings: readonly (Binding | undefined)[];
  readonly suffix: string;
  /** Inline Math.sin / Math.cos (see {@link sinCos}). */
  readonly inlineMath: boolean;
  /** Temporaries made so far at this site. */
  count: number;
}

/**
 * Rewrite `tokens` (statements of the prelude, or one returned expression) for one inlining
 * site. Inlined Math.sin / Math.cos calls become temporaries: in an expression they go to
 * `hoisted` (emitted before it); in the prelude they are inserted before the statement that
 * holds the call, when that statement is at the top level and not a loop (otherwise the call
 * stays a Math call).
 */
function rewrite(site: Site, tokens: readonly Token[], hoisted: string[] | undefined): string {
  const { argument, field, bindings, suffix } = site;
  const out: string[] = [];
  let braces = 0;
  let parens = 0;
  let start = 0;
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j]!;
    const top = braces === 0 && parens === 0;
    if (t.nl === true && out.length > 0) {
      out.push('\n');
      if (top && hoisted === undefined) {
        const prev = tokens[j - 1]?.text;
        if (STATEMENT.has(t.text)) start = out.length;
        else if (prev !== ';' && prev !== '}' && prev !== '{') start = -1;
      }
    }
    if (top && hoisted === undefined && t.kind === 'id' && (STATEMENT.has(t.text) || LOOP.has(t.text))) {
      const prev = tokens[j - 1]?.text;
      if (LOOP.has(t.text)) start = -1;
      else if (prev === undefined || prev === ';' || prev === '}' || prev === '{') start = out.length;
    }
    if (t.kind === 'op') {
      out.push(t.text);
      if (t.text === '{') braces++;
      else if (t.text === '}') braces--;
      else if (t.text === '(') parens++;
      else if (t.text === ')') parens--;
      if (braces === 0 && parens === 0 && (t.text === ';' || t.text === '}') && hoisted === undefined) start = out.length;
      continue;
    }
    if (t.kind !== 'id' || tokens[j - 1]?.text === '.') {
      out.push(t.text);
      continue;
    }
    const fn = tokens[j + 2]?.text;
    if (t.text === 'Math' && site.inlineMath && tokens[j + 1]?.text === '.' && (fn === 'sin' || fn === 'cos') && tokens[j + 3]?.text === '(') {
      const close = closing(tokens, j + 3);
      const canHoist = hoisted !== undefined || (braces === 0 && start >= 0);
      if (close > 0 && canHoist) {
        const inner: string[] = [];
        const arg = rewrite(site, tokens.slice(j + 4, close), inner);
        const name = `pf_m${site.count++}_${suffix}`;
        const statements = [...inner, ...sinCos(fn, name, arg)];
        if (hoisted !== undefined) hoisted.push(...statements);
        else {
          out.splice(start, 0, ...statements.map((x) => `${x}\n`));
          start += statements.length;
        }
        out.push(name);
        j = close;
        continue;
      }
    }
    const p = field.params.indexOf(t.text);
    if (p >= 0) {
      const b = bindings[p];
      if (b === undefined) fieldNotCompilable(argument, `parameter ${t.text} is not available here`);
      if (b.kind === 'scalar') {
        out.push(`(${b.text})`);
        continue;
      }
      const k = tokens[j + 2];
      const ok = tokens[j + 1]?.text === '[' && k?.kind === 'num' && /^\d+$/.test(k.text) && tokens[j + 3]?.text === ']';
      if (!ok || Number(k.text) >= b.length) {
        fieldNotCompilable(argument, `${t.text} (${b.what}) may only be read as ${t.text}[k] with an integer literal k below ${b.length}`);
      }
      if (ASSIGN.has(tokens[j + 4]?.text ?? '')) fieldNotCompilable(argument, `a field must not assign to its argument ${t.text}`);
      out.push(b.name(Number(k.text)));
      j += 3;
      continue;
    }
    if (t.text === 'this') fieldNotCompilable(argument, 'a field cannot read `this` (thread indices and constants belong to the kernel)');
    if (t.text === 'return') fieldNotCompilable(argument, 'a field has one return, as its last statement');
    out.push(KEEP.has(t.text) ? t.text : `u_${t.text}_${suffix}`);
  }
  return out.join(' ');
}

/**
 * The field's statements and returned entries as kernel source, with its arguments bound to
 * kernel variables and its own local names made unique by `suffix` (one per inlining site, so
 * a kernel can inline a field once per stage without clashing declarations). `prelude` ends
 * with the temporaries the returned entries need.
 */
export function inlineField(
  argument: string,
  field: ParsedField,
  bindings: readonly (Binding | undefined)[],
  suffix: string,
  options: { inlineMath?: boolean } = {},
): { prelude: string; items: string[] } {
  const site: Site = { argument, field, bindings, suffix, inlineMath: options.inlineMath ?? true, count: 0 };
  const prelude = rewrite(site, field.prelude, undefined);
  const hoisted: string[] = [];
  const items = field.items.map((item) => rewrite(site, item, hoisted));
  return { prelude: [prelude, ...hoisted].filter((x) => x.trim().length > 0).join('\n'), items };
}

/** A number as a float literal gpu.js types as Float (never an integer literal). */
export function floatLiteral(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite coefficient: ${x}`);
  const s = Number.isInteger(x) ? `${x}.0` : String(x);
  return x < 0 ? `(${s})` : s;
}
