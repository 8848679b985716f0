/**
 * Label selectors in the Kubernetes style: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k` (exists),
 * `!k` (absent); requirements joined by commas all have to hold.
 */
import { ErrorCode, LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN, manifestLimits, PimcpError } from '@pimcp/protocol';

export type SelectorOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!exists';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** One value for `=` and `!=`, one or more for `in` and `notin`, none otherwise. */
  readonly values: readonly string[];
}

export type SelectorParseResult = { ok: true; selector: LabelSelector } | { ok: false; message: string };

/** Longer selectors are refused rather than scanned: they come from callers' `_meta`. */
export const SELECTOR_MAX_LENGTH = 1024;
const WORD_CHAR = /[A-Za-z0-9._:/-]/;

export class LabelSelector {
  private constructor(readonly requirements: readonly SelectorRequirement[]) {}

  /** Parses a selector or throws INVALID_REQUEST naming the column and what was expected there. */
  static parse(text: string): LabelSelector {
    const result = LabelSelector.tryParse(text);
    if (!result.ok) throw new PimcpError(ErrorCode.InvalidRequest, result.message, [{ path: 'selector', message: result.message }]);
    return result.selector;
  }

  static tryParse(text: string): SelectorParseResult {
    if (typeof text !== 'string') return { ok: false, message: 'a label selector must be a string such as "region=tokyo,gpu=true"' };
    if (text.length > SELECTOR_MAX_LENGTH) return { ok: false, message: `label selector is longer than ${SELECTOR_MAX_LENGTH} characters` };
    try {
      return { ok: true, selector: new LabelSelector(new SelectorScanner(text).requirements()) };
    } catch (err) {
      if (err instanceof SelectorSyntaxError) return { ok: false, message: `label selector "${text}": ${err.message}` };
      throw err;
    }
  }

  matches(labels: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  /** The label keys this selector reads (to show those labels of the nodes that did not match). */
  keys(): string[] {
    return [...new Set(this.requirements.map((r) => r.key))];
  }

  /** Canonical text, e.g. `region=tokyo,gpu in (a100,h100)`. */
  toString(): string {
    return this.requirements.map(formatRequirement).join(',');
  }
}

function requirementMatches(r: SelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.hasOwn(labels, r.key);
  const value = present ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=': return present && value === r.values[0];
    // As in Kubernetes: a node without the label satisfies `k!=v` and `k notin (...)`.
    case '!=': return !present || value !== r.values[0];
    case 'in': return present && r.values.includes(value as string);
    case 'notin': return !present || !r.values.includes(value as string);
    case 'exists': return present;
    case '!exists': return !present;
  }
}

function formatRequirement(r: SelectorRequirement): string {
  switch (r.operator) {
    case '=': case '!=': return `${r.key}${r.operator}${r.values[0]}`;
    case 'in': case 'notin': return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'exists': return r.key;
    case '!exists': return `!${r.key}`;
  }
}

class SelectorSyntaxError extends Error {}

/** A one-pass scanner; every error says the column (1-based) and what was expected. */
class SelectorScanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  requirements(): SelectorRequirement[] {
    const out: SelectorRequirement[] = [];
    this.skipSpace();
    if (this.atEnd()) throw this.error('is empty; write at least one requirement such as region=tokyo');
    for (;;) {
      out.push(this.requirement());
      this.skipSpace();
      if (this.atEnd()) return out;
      if (this.peek() !== ',') throw this.error(`expected "," between requirements at column ${this.pos + 1}, found "${this.peek()}"`);
      this.pos++;
      this.skipSpace();
      if (this.atEnd()) throw this.error('ends with ","; remove it or add a requirement');
    }
  }

  private requirement(): SelectorRequirement {
    if (this.peek() === '!' && this.text[this.pos + 1] !== '=') {
      this.pos++;
      this.skipSpace();
      return { key: this.key(), operator: '!exists', values: [] };
    }
    const key = this.key();
    this.skipSpace();
    if (this.text.startsWith('!=', this.pos)) {
      this.pos += 2;
      return { key, operator: '!=', values: [this.value()] };
    }
    if (this.text.startsWith('==', this.pos) || this.peek() === '=') {
      this.pos += this.text.startsWith('==', this.pos) ? 2 : 1;
      return { key, operator: '=', values: [this.value()] };
    }
    const wordStart = this.pos;
    const word = this.word();
    if (word === 'in' || word === 'notin') return { key, operator: word, values: this.valueList(word) };
    if (word !== '') {
      this.pos = wordStart;
      throw this.error(`unexpected "${word}" after key "${key}" at column ${wordStart + 1}; expected =, !=, in, notin or ","`);
    }
    return { key, operator: 'exists', values: [] };
  }

  private valueList(operator: string): string[] {
    this.skipSpace();
    if (this.peek() !== '(') throw this.error(`expected "(" after "${operator}" at column ${this.pos + 1}, e.g. region ${operator} (tokyo,osaka)`);
    this.pos++;
    const values: string[] = [];
    for (;;) {
      this.skipSpace();
      const at = this.pos;
      const value = this.word();
      if (value === '') throw this.error(`expected a value at column ${at + 1}`);
      values.push(this.checkValue(value, at));
      this.skipSpace();
      if (this.peek() === ',') { this.pos++; continue; }
      if (this.peek() === ')') { this.pos++; return values; }
      throw this.error(this.atEnd() ? `missing ")" to close "${operator} ("` : `expected "," or ")" at column ${this.pos + 1}, found "${this.peek()}"`);
    }
  }

  private key(): string {
    const at = this.pos;
    const key = this.word();
    if (key === '') throw this.error(this.atEnd() ? 'ends where a label key was expected' : `expected a label key at column ${at + 1}, found "${this.peek()}"`);
    if (key.length > manifestLimits.labelKeyMaxLength || !LABEL_KEY_PATTERN.test(key)) {
      throw this.error(`"${key}" at column ${at + 1} is not a label key (letters, digits, ".", "_", "/" and "-", at most ${manifestLimits.labelKeyMaxLength} characters)`);
    }
    return key;
  }

  private value(): string {
    this.skipSpace();
    const at = this.pos;
    return this.checkValue(this.word(), at);
  }

  private checkValue(value: string, at: number): string {
    if (value.length > manifestLimits.labelValueMaxLength || !LABEL_VALUE_PATTERN.test(value)) {
      throw this.error(`"${value}" at column ${at + 1} is not a label value (letters, digits, ".", "_", ":", "/" and "-", at most ${manifestLimits.labelValueMaxLength} characters)`);
    }
    return value;
  }

  private word(): string {
    const start = this.pos;
    while (!this.atEnd() && WORD_CHAR.test(this.text[this.pos] as string)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private error(message: string): SelectorSyntaxError {
    return new SelectorSyntaxError(message);
  }
}
