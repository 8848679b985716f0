/** A NUL byte in the first 8 KiB marks a file as binary, as git and grep decide. */
export function looksBinary(sample: Buffer): boolean {
  return sample.subarray(0, 8192).includes(0);
}
