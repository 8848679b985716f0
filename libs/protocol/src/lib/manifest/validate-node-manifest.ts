import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ErrorCode } from '../errors/error-code';
import { PimcpError, type FieldProblem } from '../errors/pimcp-error';
import { jsonSchemaProblem, jsonSchemaShapeProblem } from './json-schema-check';
import { LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN, manifestLimits } from './manifest-limits';
import { NodeManifestDto } from './node-manifest.dto';

export type NodeManifest = NodeManifestDto;

export interface ManifestCheckOptions {
  /**
   * `full` (the default, what the registry applies at join) validates each tool schema against its JSON Schema
   * dialect and compiles it; `shape` checks only its size and top-level type, for a node checking its own tools
   * at load, whose schemas the registry checks in full when the node joins (ADR 0023).
   */
  schemas?: 'full' | 'shape';
}

/**
 * Validates an untrusted manifest and returns a typed copy.
 * Throws INVALID_MANIFEST listing every problem with its field path, so a node operator can fix all at once.
 */
export function validateNodeManifest(input: unknown, options: ManifestCheckOptions = {}): NodeManifest {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new PimcpError(ErrorCode.InvalidManifest, 'manifest must be a JSON object');
  }
  const manifest = plainToInstance(NodeManifestDto, input);
  const problems = flatten(
    validateSync(manifest, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
  );
  if (Array.isArray(manifest.capabilities)) problems.push(...capabilityProblems(manifest, options.schemas ?? 'full'));
  if (isPlainObject(manifest.labels)) problems.push(...labelProblems(manifest.labels));
  problems.push(...duplicateProblems('resources', manifest.resources, 'uri'));
  problems.push(...duplicateProblems('resourceTemplates', manifest.resourceTemplates, 'uriTemplate'));
  problems.push(...duplicateProblems('prompts', manifest.prompts, 'name'));
  if (problems.length > 0) {
    const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw new PimcpError(ErrorCode.InvalidManifest, `invalid node manifest: ${summary}`, problems);
  }
  return manifest;
}

function capabilityProblems(manifest: NodeManifestDto, schemas: 'full' | 'shape'): FieldProblem[] {
  const schemaProblem = schemas === 'full' ? jsonSchemaProblem : jsonSchemaShapeProblem;
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  manifest.capabilities.forEach((cap, i) => {
    if (!cap || typeof cap !== 'object') return;
    const at = `capabilities[${i}]`;
    if (typeof cap.name === 'string') {
      const first = seen.get(cap.name);
      if (first !== undefined) {
        problems.push({ path: `${at}.name`, message: `duplicate capability "${cap.name}" (also at capabilities[${first}])` });
      } else {
        seen.set(cap.name, i);
      }
    }
    for (const field of ['inputSchema', 'outputSchema'] as const) {
      const schema = cap[field];
      if (!isPlainObject(schema)) continue;
      const problem = schemaProblem(schema);
      if (problem) problems.push({ path: `${at}.${field}`, message: `${field} ${problem}` });
    }
  });
  return problems;
}

/** Within one node a URI, URI template or prompt name names one thing. */
function duplicateProblems<T extends object>(field: string, items: T[] | undefined, key: keyof T & string): FieldProblem[] {
  if (!Array.isArray(items)) return [];
  const problems: FieldProblem[] = [];
  const seen = new Map<unknown, number>();
  items.forEach((item, i) => {
    const value = item && typeof item === 'object' ? item[key] : undefined;
    if (typeof value !== 'string') return;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, i);
    else problems.push({ path: `${field}[${i}].${key}`, message: `duplicate ${key} "${value}" (also at ${field}[${first}])` });
  });
  return problems;
}

function labelProblems(labels: Record<string, unknown>): FieldProblem[] {
  const entries = Object.entries(labels);
  if (entries.length > manifestLimits.labelsPerNode) {
    return [{ path: 'labels', message: `at most ${manifestLimits.labelsPerNode} labels are allowed` }];
  }
  const problems: FieldProblem[] = [];
  for (const [key, value] of entries) {
    if (key.length > manifestLimits.labelKeyMaxLength || !LABEL_KEY_PATTERN.test(key)) {
      problems.push({ path: `labels.${key}`, message: 'label keys are letters, digits, ".", "_", "/" and "-", at most 63 characters' });
    }
    if (typeof value !== 'string' || value.length > manifestLimits.labelValueMaxLength || !LABEL_VALUE_PATTERN.test(value)) {
      problems.push({ path: `labels.${key}`, message: 'label values are strings of letters, digits, ".", "_", ":", "/" and "-", at most 63 characters' });
    }
  }
  return problems;
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
