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

function rewrite(argument: string, field: ParsedField, tokens: readonly Token[], bindings: readonly (Binding | undefined)[], suffix: string): string {
  const out: string[] = [];
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.nl === true && out.length > 0) out.push('\n');
    if (t.kind !== 'id' || tokens[j - 1]?.text === '.') {
      out.push(t.text);
      continue;
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
 * a kernel can inline a field once per stage without clashing declarations).
 */
export function inlineField(
  argument: string,
  field: ParsedField,
  bindings: readonly (Binding | undefined)[],
  suffix: string,
): { prelude: string; items: string[] } {
  return {
    prelude: rewrite(argument, field, field.prelude, bindings, suffix),
    items: field.items.map((item) => rewrite(argument, field, item, bindings, suffix)),
  };
}

/** A number as a float literal gpu.js types as Float (never an integer literal). */
export function floatLiteral(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite coefficient: ${x}`);
  const s = Number.isInteger(x) ? `${x}.0` : String(x);
  return x < 0 ? `(${s})` : s;
}
