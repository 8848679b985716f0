/**
 * Parses the subset of Go's text/template that the PiMCP chart uses (deploy/README.md lists it): text, actions
 * with trim markers, comments, pipelines, variables, `if`/`else if`/`else`, `with`, `range`, `define`. Anything
 * outside the subset (`template`, `block`, `break`, indexing a sub-expression result...) is a parse error, so a
 * template cannot silently rely on a feature the test does not implement.
 */

export type Operand =
  | { kind: 'field'; path: string[] }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'function'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'sub'; pipeline: Pipeline };

export type Command = Operand[];

export interface Pipeline {
  /** `$a := ...` declares, `$a = ...` assigns; `range $k, $v := ...` declares two. */
  variables: string[];
  assign: boolean;
  commands: Command[];
}

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'output'; pipeline: Pipeline; where: string }
  | { kind: 'if'; branches: { condition: Pipeline; body: TemplateNode[] }[]; otherwise: TemplateNode[]; where: string }
  | { kind: 'with'; pipeline: Pipeline; body: TemplateNode[]; otherwise: TemplateNode[]; where: string }
  | { kind: 'range'; pipeline: Pipeline; body: TemplateNode[]; otherwise: TemplateNode[]; where: string };

export interface ParsedTemplate {
  body: TemplateNode[];
  defines: Map<string, TemplateNode[]>;
}

interface Token {
  type: 'text' | 'action';
  text: string;
  line: number;
}

interface Word {
  text: string;
  spaceBefore: boolean;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define']);
const UNSUPPORTED = new Set(['template', 'block', 'break', 'continue', 'index', 'slice', 'call']);
const WORD = /\s+|:=|=|\||\(|\)|,|"(?:[^"\\]|\\.)*"|`[^`]*`|-?\d+(?:\.\d+)?|\$\w*(?:\.\w+)*|(?:\.\w+)+|\.|[A-Za-z_]\w*/y;

export class GoTemplateParser {
  private tokens: Token[] = [];
  private position = 0;

  constructor(private readonly name: string) {}

  parse(source: string): ParsedTemplate {
    this.tokens = this.lex(source);
    this.position = 0;
    const defines = new Map<string, TemplateNode[]>();
    const body: TemplateNode[] = [];
    for (;;) {
      const { nodes, stop } = this.parseList(defines);
      body.push(...nodes);
      if (stop === undefined) break;
      throw this.error(stop.line, `unexpected {{${stop.text}}}`);
    }
    return { body, defines };
  }

  /** Splits text and actions, applying `{{-` and `-}}` (which remove the whitespace, newlines included, beside them). */
  private lex(source: string): Token[] {
    const tokens: Token[] = [];
    let index = 0;
    let trimNext = false;
    const lineAt = (offset: number) => source.slice(0, offset).split('\n').length;
    while (index < source.length) {
      const open = source.indexOf('{{', index);
      let text = source.slice(index, open === -1 ? source.length : open);
      if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
      if (open === -1) {
        if (text) tokens.push({ type: 'text', text, line: lineAt(index) });
        break;
      }
      const trimLeft = /^\{\{- /.test(source.slice(open, open + 4)) || source.startsWith('{{-\n', open);
      if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
      if (text) tokens.push({ type: 'text', text, line: lineAt(index) });
      const close = this.findClose(source, open + 2);
      let inner = source.slice(open + 2, close);
      if (trimLeft) inner = inner.slice(1);
      trimNext = /[ \t\r\n]-$/.test(inner);
      if (trimNext) inner = inner.slice(0, -1);
      inner = inner.trim();
      if (!(inner.startsWith('/*') && inner.endsWith('*/'))) tokens.push({ type: 'action', text: inner, line: lineAt(open) });
      index = close + 2;
    }
    return tokens;
  }

  private findClose(source: string, from: number): number {
    let quote: string | undefined;
    for (let i = from; i < source.length; i++) {
      const c = source[i];
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === '`') {
        quote = c;
      } else if (c === '/' && source[i + 1] === '*') {
        const end = source.indexOf('*/', i + 2);
        if (end === -1) break;
        i = end + 1;
      } else if (c === '}' && source[i + 1] === '}') {
        return i;
      }
    }
    throw this.error(source.slice(0, from).split('\n').length, 'unclosed action');
  }

  /** Nodes up to an `else`, `end` or the end of input; returns the action that stopped it. */
  private parseList(defines: Map<string, TemplateNode[]>): { nodes: TemplateNode[]; stop?: Token } {
    const nodes: TemplateNode[] = [];
    while (this.position < this.tokens.length) {
      const token = this.tokens[this.position++];
      if (token.type === 'text') {
        nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const words = this.words(token);
      const keyword = words[0]?.text ?? '';
      if (UNSUPPORTED.has(keyword)) throw this.error(token.line, `"${keyword}" is outside the supported template subset`);
      if (keyword === 'end' || keyword === 'else') return { nodes, stop: token };
      if (keyword === 'define') {
        const name = words[1]?.text;
        if (!name?.startsWith('"') || words.length !== 2) throw this.error(token.line, 'define needs one quoted name');
        defines.set(JSON.parse(name) as string, this.parseBlockBody(defines, token, false).body);
      } else if (keyword === 'if') {
        nodes.push(this.parseIf(defines, token, words.slice(1)));
      } else if (keyword === 'with' || keyword === 'range') {
        const pipeline = this.parsePipeline(words.slice(1), token);
        const { body, otherwise } = this.parseBlockBody(defines, token, true);
        nodes.push({ kind: keyword, pipeline, body, otherwise, where: this.where(token) });
      } else {
        nodes.push({ kind: 'output', pipeline: this.parsePipeline(words, token), where: this.where(token) });
      }
    }
    return { nodes };
  }

  private parseIf(defines: Map<string, TemplateNode[]>, token: Token, conditionWords: Word[]): TemplateNode {
    const branches: { condition: Pipeline; body: TemplateNode[] }[] = [];
    let condition = this.parsePipeline(conditionWords, token);
    for (;;) {
      const { nodes, stop } = this.parseList(defines);
      if (!stop) throw this.error(token.line, 'if without end');
      branches.push({ condition, body: nodes });
      const words = this.words(stop);
      if (words[0].text === 'end') return { kind: 'if', branches, otherwise: [], where: this.where(token) };
      if (words[1]?.text === 'if') {
        condition = this.parsePipeline(words.slice(2), stop);
        continue;
      }
      if (words.length !== 1) throw this.error(stop.line, `unsupported {{${stop.text}}}`);
      const rest = this.parseList(defines);
      if (!rest.stop || this.words(rest.stop)[0].text !== 'end') throw this.error(token.line, 'if/else without end');
      return { kind: 'if', branches, otherwise: rest.nodes, where: this.where(token) };
    }
  }

  private parseBlockBody(defines: Map<string, TemplateNode[]>, token: Token, allowElse: boolean): { body: TemplateNode[]; otherwise: TemplateNode[] } {
    const first = this.parseList(defines);
    if (!first.stop) throw this.error(token.line, `{{${token.text}}} without end`);
    if (this.words(first.stop)[0].text === 'end') return { body: first.nodes, otherwise: [] };
    if (!allowElse || this.words(first.stop).length !== 1) throw this.error(first.stop.line, `unsupported {{${first.stop.text}}}`);
    const second = this.parseList(defines);
    if (!second.stop || this.words(second.stop)[0].text !== 'end') throw this.error(token.line, `{{${token.text}}} without end`);
    return { body: first.nodes, otherwise: second.nodes };
  }

  private parsePipeline(words: Word[], token: Token): Pipeline {
    let rest = words;
    let variables: string[] = [];
    let assign = false;
    const declaration = words.findIndex((w) => w.text === ':=' || w.text === '=');
    if (declaration > 0 && words.slice(0, declaration).every((w) => w.text.startsWith('$') || w.text === ',')) {
      variables = words.slice(0, declaration).filter((w) => w.text !== ',').map((w) => w.text);
      assign = words[declaration].text === '=';
      rest = words.slice(declaration + 1);
    }
    const { pipeline, next } = this.parseCommands(rest, 0, token);
    if (next !== rest.length) throw this.error(token.line, `unexpected "${rest[next].text}"`);
    if (pipeline.commands.length === 0) throw this.error(token.line, 'empty pipeline');
    return { ...pipeline, variables, assign };
  }

  private parseCommands(words: Word[], start: number, token: Token): { pipeline: Pipeline; next: number } {
    const commands: Command[] = [];
    let command: Command = [];
    let i = start;
    for (; i < words.length; i++) {
      const { text } = words[i];
      if (text === ')') break;
      if (text === '|') {
        if (command.length === 0) throw this.error(token.line, 'empty command before |');
        commands.push(command);
        command = [];
        continue;
      }
      if (text === '(') {
        const inner = this.parseCommands(words, i + 1, token);
        if (words[inner.next]?.text !== ')') throw this.error(token.line, 'unclosed (');
        if (words[inner.next + 1] && !words[inner.next + 1].spaceBefore && words[inner.next + 1].text.startsWith('.')) {
          throw this.error(token.line, 'a field of a (sub-expression) is outside the supported subset');
        }
        command.push({ kind: 'sub', pipeline: inner.pipeline });
        i = inner.next;
        continue;
      }
      command.push(this.operand(text, command.length === 0, token));
    }
    if (command.length > 0) commands.push(command);
    return { pipeline: { variables: [], assign: false, commands }, next: i };
  }

  private operand(text: string, first: boolean, token: Token): Operand {
    if (text.startsWith('"')) return { kind: 'literal', value: JSON.parse(text) };
    if (text.startsWith('`')) return { kind: 'literal', value: text.slice(1, -1) };
    // Go's untyped integer constants become int; only a literal with a point is a float64.
    if (/^-?\d+$/.test(text)) return { kind: 'literal', value: BigInt(text) };
    if (/^-?\d+\.\d+$/.test(text)) return { kind: 'literal', value: Number(text) };
    if (text === 'true' || text === 'false') return { kind: 'literal', value: text === 'true' };
    if (text === 'nil') return { kind: 'literal', value: null };
    if (text === '.') return { kind: 'field', path: [] };
    if (text.startsWith('.')) return { kind: 'field', path: text.slice(1).split('.') };
    if (text.startsWith('$')) {
      const [name, ...path] = text.split('.');
      return { kind: 'variable', name, path };
    }
    if (/^[A-Za-z_]\w*$/.test(text) && !KEYWORDS.has(text)) {
      if (!first) throw this.error(token.line, `function "${text}" used as an argument; wrap it in ( )`);
      return { kind: 'function', name: text };
    }
    throw this.error(token.line, `unexpected "${text}"`);
  }

  private words(token: Token): Word[] {
    const words: Word[] = [];
    WORD.lastIndex = 0;
    let spaceBefore = false;
    while (WORD.lastIndex < token.text.length) {
      const start = WORD.lastIndex;
      const match = WORD.exec(token.text);
      if (!match) throw this.error(token.line, `cannot read "${token.text.slice(start)}"`);
      if (/^\s+$/.test(match[0])) {
        spaceBefore = true;
        continue;
      }
      words.push({ text: match[0], spaceBefore });
      spaceBefore = false;
    }
    return words;
  }

  private where(token: Token): string {
    return `${this.name}:${token.line}`;
  }

  private error(line: number, message: string): Error {
    return new Error(`${this.name}:${line}: ${message}`);
  }
}
