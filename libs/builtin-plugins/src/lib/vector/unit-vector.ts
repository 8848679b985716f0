import { ToolError } from '@pimcp/plugin-sdk';

/**
 * Writes `values` scaled to length 1 into `out` at `offset`, so that cosine similarity is a plain dot
 * product. Refuses (ToolError naming `what`) a wrong length, NaN or Infinity, and the zero vector, whose
 * direction (and so its cosine with anything) is undefined.
 */
export function writeUnitVector(values: ArrayLike<number>, dimensions: number, out: Float32Array, offset: number, what: string): void {
  if (values.length !== dimensions) throw new ToolError(`${what} has ${values.length} numbers; this index takes vectors of ${dimensions}`);
  // Scale by the largest magnitude first: squaring 1e200 would overflow to Infinity, squaring 1e-200 to 0.
  // Plain comparisons instead of Math.abs, Math.max and Number.isFinite: in a vm context (jest) those
  // calls are not inlined and make this loop a hundred times slower.
  let largest = 0;
  for (let j = 0; j < dimensions; j++) {
    const value = values[j];
    // x - x is 0 for every finite number, NaN for NaN and ±Infinity.
    if (typeof value !== 'number' || value - value !== 0) throw new ToolError(`${what}[${j}] is ${String(value)}; every number must be finite`);
    const magnitude = value < 0 ? -value : value;
    if (magnitude > largest) largest = magnitude;
  }
  if (largest === 0) throw new ToolError(`${what} is all zeros; it has no direction, so no cosine similarity`);
  let squares = 0;
  for (let j = 0; j < dimensions; j++) squares += (values[j] / largest) ** 2;
  const scale = 1 / (largest * Math.sqrt(squares));
  for (let j = 0; j < dimensions; j++) out[offset + j] = values[j] * scale;
}

/** A new unit-length copy of `values` (see writeUnitVector). */
export function unitVector(values: ArrayLike<number>, dimensions: number, what: string): Float32Array {
  const out = new Float32Array(dimensions);
  writeUnitVector(values, dimensions, out, 0, what);
  return out;
}
