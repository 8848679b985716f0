/**
 * Executes templates parsed by GoTemplateParser with Go's semantics where the chart depends on them (truthiness,
 * variable scope, sorted map ranges, float64 printing) and the Helm/sprig functions the chart uses. An unknown
 * function, a missing key or printing a map is an error: the chart must stay inside what is implemented here.
 */
import { createHash } from 'node:crypto';
import { stringify as toYamlText } from 'yaml';
import { type Command, GoTemplateParser, type Operand, type Pipeline, type TemplateNode } from './go-template-parser';

type Scope = Map<string, unknown>[];
type TemplateFunction = (...args: unknown[]) => unknown;

interface State {
  dot: unknown;
  root: unknown;
  scope: Scope;
}

export class GoTemplateRenderer {
  private readonly files = new Map<string, TemplateNode[]>();
  private readonly defines = new Map<string, TemplateNode[]>();
  private readonly functions: Record<string, TemplateFunction>;
  private includeDepth = 0;

  constructor() {
    this.functions = {
      include: (name, data) => this.include(asString(name, 'include'), data),
      toYaml: (value) => toYaml(value),
      toJson: (value) => JSON.stringify(toPlain(value, true)),
      nindent: (spaces, text) => `\n${indent(asInt(spaces, 'nindent'), asString(text, 'nindent'))}`,
      indent: (spaces, text) => indent(asInt(spaces, 'indent'), asString(text, 'indent')),
      quote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => goQuote(strval(a))).join(' '),
      default: (fallback, ...given) => (given.length === 0 || isEmpty(given[0]) ? fallback : given[0]),
      required: (message, value) => {
        if (value === null || value === undefined || value === '') throw new Error(asString(message, 'required'));
        return value;
      },
      printf: (format, ...args) => sprintf(asString(format, 'printf'), args),
      print: (...args) => goSprint(args),
      join: (separator, list) => asList(list, 'join').map(strval).join(asString(separator, 'join')),
      list: (...items) => items,
      dict: (...pairs) => {
        if (pairs.length % 2 !== 0) throw new Error('dict needs key/value pairs');
        const result: Record<string, unknown> = {};
        for (let i = 0; i < pairs.length; i += 2) result[asString(pairs[i], 'dict')] = pairs[i + 1];
        return result;
      },
      and: (...args) => args.find((a) => !isTrue(a)) ?? args[args.length - 1],
      or: (...args) => args.find((a) => isTrue(a)) ?? args[args.length - 1],
      not: (value) => !isTrue(value),
      eq: (first, ...others) => others.some((other) => goEquals(first, other)),
      ne: (first, second) => !goEquals(first, second),
      empty: (value) => isEmpty(value),
      contains: (substring, text) => asString(text, 'contains').includes(asString(substring, 'contains')),
      trunc: (length, text) => {
        const n = asInt(length, 'trunc');
        const s = asString(text, 'trunc');
        return n < 0 ? s.slice(Math.max(0, s.length + n)) : s.slice(0, n);
      },
      trimSuffix: (suffix, text) => {
        const s = asString(text, 'trimSuffix');
        const end = asString(suffix, 'trimSuffix');
        return end && s.endsWith(end) ? s.slice(0, -end.length) : s;
      },
      replace: (from, to, text) => asString(text, 'replace').split(asString(from, 'replace')).join(asString(to, 'replace')),
      int64: (value) => toInt64(value),
      int: (value) => toInt64(value),
      sha256sum: (text) => createHash('sha256').update(asString(text, 'sha256sum')).digest('hex'),
      fail: (message) => {
        throw new Error(asString(message, 'fail'));
      },
      // sprig's ternary takes a bool; Helm fails on anything else (e.g. the "true" an include returns).
      ternary: (whenTrue, whenFalse, condition) => {
        if (typeof condition !== 'boolean') throw new Error(`ternary: expected a bool, got ${condition === null ? 'nil' : typeof condition}`);
        return condition ? whenTrue : whenFalse;
      },
      index: (collection, ...keys) => keys.reduce<unknown>((value, key) => {
        if (value === null || value === undefined) return undefined;
        if (typeof value !== 'object') throw new Error('index of a value that is not a map or list');
        return (value as Record<string, unknown>)[strval(key)];
      }, collection),
    };
  }

  /** Adds a file: its `define`s join the shared set (as in Helm, every file sees every define). */
  addFile(name: string, source: string): void {
    const parsed = new GoTemplateParser(name).parse(source);
    this.files.set(name, parsed.body);
    for (const [defined, body] of parsed.defines) this.defines.set(defined, body);
  }

  render(name: string, data: unknown): string {
    const body = this.files.get(name);
    if (!body) throw new Error(`no template file ${name}`);
    return this.run(body, { dot: data, root: data, scope: [new Map([['$', data]])] });
  }

  private include(name: string, data: unknown): string {
    const body = this.defines.get(name) ?? this.files.get(name);
    if (!body) throw new Error(`include: no template "${name}"`);
    if (++this.includeDepth > 100) throw new Error(`include: "${name}" recurses too deep`);
    try {
      return this.run(body, { dot: data, root: data, scope: [new Map([['$', data]])] });
    } finally {
      this.includeDepth--;
    }
  }

  private run(nodes: TemplateNode[], state: State): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'output': {
          const value = this.wrap(node.where, () => this.pipeline(node.pipeline, state));
          if (node.pipeline.variables.length === 0) out += printValue(value, node.where);
          break;
        }
        case 'if': {
          const branch = node.branches.find((b) => isTrue(this.wrap(node.where, () => this.pipeline(b.condition, state))));
          out += this.inBlock(branch ? branch.body : node.otherwise, state, state.dot);
          break;
        }
        case 'with': {
          const value = this.wrap(node.where, () => this.pipeline(node.pipeline, state));
          out += isTrue(value) ? this.inBlock(node.body, state, value) : this.inBlock(node.otherwise, state, state.dot);
          break;
        }
        case 'range':
          out += this.range(node, state);
          break;
      }
    }
    return out;
  }

  private range(node: Extract<TemplateNode, { kind: 'range' }>, state: State): string {
    const { variables } = node.pipeline;
    const collection = this.wrap(node.where, () => this.pipeline({ ...node.pipeline, variables: [] }, state));
    const entries: [unknown, unknown][] = Array.isArray(collection)
      ? collection.map((item, i) => [BigInt(i), item])
      : isMap(collection)
        ? Object.keys(collection).sort().map((key) => [key, collection[key]])
        : collection === null || collection === undefined
          ? []
          : (() => { throw new Error(`${node.where}: range over ${typeof collection}`); })();
    if (entries.length === 0) return this.inBlock(node.otherwise, state, state.dot);
    let out = '';
    for (const [key, item] of entries) {
      const scope: Scope = [...state.scope, new Map()];
      if (variables.length === 1) scope[scope.length - 1].set(variables[0], item);
      if (variables.length === 2) {
        scope[scope.length - 1].set(variables[0], key);
        scope[scope.length - 1].set(variables[1], item);
      }
      out += this.run(node.body, { ...state, dot: item, scope });
    }
    return out;
  }

  /** A block gets its own variable scope; `$x = ...` inside still reaches a variable declared outside. */
  private inBlock(nodes: TemplateNode[], state: State, dot: unknown): string {
    return this.run(nodes, { ...state, dot, scope: [...state.scope, new Map()] });
  }

  private pipeline(pipeline: Pipeline, state: State): unknown {
    let value: unknown;
    pipeline.commands.forEach((command, i) => {
      value = this.command(command, state, i === 0 ? [] : [value]);
    });
    if (pipeline.variables.length > 0) {
      const name = pipeline.variables[0];
      if (pipeline.assign) {
        const holder = [...state.scope].reverse().find((frame) => frame.has(name));
        if (!holder) throw new Error(`undefined variable ${name}`);
        holder.set(name, value);
      } else {
        state.scope[state.scope.length - 1].set(name, value);
      }
    }
    return value;
  }

  private command(command: Command, state: State, piped: unknown[]): unknown {
    const [head, ...rest] = command;
    if (head.kind === 'function') {
      const fn = this.functions[head.name];
      if (!fn) throw new Error(`function "${head.name}" is outside the supported subset`);
      return fn(...rest.map((operand) => this.operand(operand, state)), ...piped);
    }
    if (rest.length > 0 || piped.length > 0) throw new Error('can only pass arguments to a function');
    return this.operand(head, state);
  }

  private operand(operand: Operand, state: State): unknown {
    switch (operand.kind) {
      case 'literal':
        return operand.value;
      case 'sub':
        return this.pipeline(operand.pipeline, state);
      case 'field':
        return walk(state.dot, operand.path, '.');
      case 'variable': {
        const frame = [...state.scope].reverse().find((f) => f.has(operand.name));
        if (!frame) throw new Error(`undefined variable ${operand.name}`);
        return walk(frame.get(operand.name), operand.path, operand.name);
      }
      case 'function':
        throw new Error(`function "${operand.name}" used as a value`);
    }
  }

  private wrap<T>(where: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      const message = (error as Error).message;
      throw new Error(message.startsWith(where) ? message : `${where}: ${message}`, { cause: error });
    }
  }
}

function walk(start: unknown, path: string[], origin: string): unknown {
  let value = start;
  let walked = origin;
  for (const key of path) {
    if (!isMap(value)) throw new Error(`nil pointer evaluating ${walked}.${key}`);
    // Stricter than Helm (which prints a missing key as ""): every value the chart reads is declared in values.yaml.
    if (!(key in value)) throw new Error(`missing key ${walked}.${key}`);
    value = value[key];
    walked = `${walked === '.' ? '' : walked}.${key}`;
  }
  return value;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's truth: false, 0, nil, "" and empty collections are false. */
function isTrue(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '' || value === 0 || value === 0n) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

function isEmpty(value: unknown): boolean {
  return !isTrue(value);
}

function goEquals(a: unknown, b: unknown): boolean {
  const kind = (v: unknown) => (typeof v === 'bigint' ? 'int' : typeof v === 'number' ? 'float' : v === null || v === undefined ? 'nil' : typeof v);
  if (kind(a) !== kind(b)) throw new Error(`incompatible types for comparison: ${kind(a)} and ${kind(b)}`);
  if (typeof a === 'object' && a !== null) throw new Error('eq of a map or list');
  return a === b;
}

/** fmt's %v: a float64 prints in %g style, so 1048576 becomes 1.048576e+06 (values files hold float64). */
function printValue(value: unknown, where: string): string {
  if (value === null || value === undefined) return ''; // Helm replaces "<no value>" with ""
  if (typeof value === 'object') throw new Error(`${where}: printing a ${Array.isArray(value) ? 'list' : 'map'}; use toYaml`);
  return strval(value);
}

function strval(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goFloat(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '<nil>';
  throw new Error(`cannot print a ${Array.isArray(value) ? 'list' : 'map'} as a string`);
}

function goFloat(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  if (value === 0) return '0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 21 || exponent >= 6) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

function goQuote(text: string): string {
  return JSON.stringify(text);
}

function goSprint(args: unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += strval(arg);
  });
  return out;
}

function sprintf(format: string, args: unknown[]): string {
  let next = 0;
  return format.replace(/%([%sdvq])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[next++];
    const goType = typeof arg === 'bigint' ? 'int64' : typeof arg === 'number' ? 'float64' : typeof arg === 'boolean' ? 'bool' : 'string';
    if (verb === 'v') return strval(arg);
    if (verb === 's') return typeof arg === 'string' ? arg : `%!s(${goType}=${strval(arg)})`;
    if (verb === 'd') return typeof arg === 'bigint' ? String(arg) : `%!d(${goType}=${strval(arg)})`;
    return typeof arg === 'string' ? goQuote(arg) : `%!q(${goType}=${strval(arg)})`;
  });
}

function toInt64(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return 0n; // sprig's toInt64 turns anything else into 0
}

function indent(spaces: number, text: string): string {
  const pad = ' '.repeat(spaces);
  return pad + text.split('\n').join(`\n${pad}`);
}

/** Helm's toYaml: sigs.k8s.io/yaml (keys sorted, as through JSON) without the final newline. */
function toYaml(value: unknown): string {
  return toYamlText(toPlain(value, true), { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, '');
}

function toPlain(value: unknown, sortKeys: boolean): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map((v) => toPlain(v, sortKeys));
  if (isMap(value)) {
    const keys = sortKeys ? Object.keys(value).sort() : Object.keys(value);
    return Object.fromEntries(keys.map((k) => [k, toPlain(value[k], sortKeys)]));
  }
  return value;
}

function asString(value: unknown, fn: string): string {
  if (typeof value !== 'string') throw new Error(`${fn}: expected a string, got ${value === null ? 'nil' : typeof value}`);
  return value;
}

function asInt(value: unknown, fn: string): number {
  if (typeof value !== 'bigint') throw new Error(`${fn}: expected an int, got ${typeof value}`);
  return Number(value);
}

function asList(value: unknown, fn: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${fn}: expected a list, got ${typeof value}`);
  return value;
}
