import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ErrorCode } from '../errors/error-code';
import { type FieldProblem, PimcpError } from '../errors/pimcp-error';
import { TOOL_SET_ENTRY_PATTERN, TOOL_SET_NAME_PATTERN, ToolSetDto, toolSetLimits } from './tool-set.dto';

/** A checked tool set: its name and patterns in the order given, duplicates removed. */
export interface ToolSetDefinition {
  name: string;
  patterns: string[];
}

const ENTRY_HINT = 'expected a tool-name glob such as "shell.*" or a scope such as "prompts:review" or "context:read" (no spaces, no toolset:)';

/** The problem with a tool set name, or undefined when it is fine. */
export function toolSetNameProblem(name: string): string | undefined {
  if (TOOL_SET_NAME_PATTERN.test(name)) return undefined;
  return `"${name.slice(0, toolSetLimits.nameMaxLength)}" is not a tool set name (letters, digits, ".", "_" and "-", starting with a letter or digit, up to ${toolSetLimits.nameMaxLength})`;
}

/** Every problem with `patterns` (a tool set's entries), each with its path under `at` (e.g. `patterns[2]`). */
export function toolSetPatternProblems(patterns: unknown, at = 'patterns'): FieldProblem[] {
  const dto = plainToInstance(ToolSetDto, { patterns });
  // Not a list at all: the size rules would only repeat that, so the list rule speaks alone.
  const shape = validateSync(dto).flatMap((error) => Object.entries(error.constraints ?? {})
    .filter(([rule]) => Array.isArray(patterns) || rule === 'isArray')
    .map(([, message]) => ({ path: at, message })));
  if (shape.length > 0 || !Array.isArray(patterns)) return shape;
  return patterns.flatMap((entry: unknown, i) => {
    if (typeof entry === 'string' && entry.length <= toolSetLimits.patternMaxLength && TOOL_SET_ENTRY_PATTERN.test(entry)) return [];
    const shown = typeof entry === 'string' ? `"${entry.slice(0, 80)}": ` : '';
    return [{ path: `${at}[${i}]`, message: `${shown}${ENTRY_HINT}, at most ${toolSetLimits.patternMaxLength} characters` }];
  });
}

/**
 * Checks an untrusted `{ patterns: [...] }` body for the tool set `name`. Throws INVALID_REQUEST naming every
 * problem with its field, exactly as a gateway would refuse the same set in its YAML.
 */
export function validateToolSet(name: string, body: unknown): ToolSetDefinition {
  const problems: FieldProblem[] = [];
  const nameProblem = toolSetNameProblem(name);
  if (nameProblem) problems.push({ path: 'name', message: nameProblem });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    problems.push({ path: 'body', message: 'the body must be a JSON object such as {"patterns": ["shell.*", "prompts:review"]}' });
  } else {
    const unknown = Object.keys(body).filter((key) => key !== 'patterns');
    for (const key of unknown) problems.push({ path: key.slice(0, 64), message: `unknown field "${key.slice(0, 64)}"; a tool set has only "patterns"` });
    problems.push(...toolSetPatternProblems((body as Record<string, unknown>)['patterns']));
  }
  if (problems.length > 0) {
    throw new PimcpError(ErrorCode.InvalidRequest, `invalid tool set: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  }
  return { name, patterns: [...new Set((body as { patterns: string[] }).patterns)] };
}
