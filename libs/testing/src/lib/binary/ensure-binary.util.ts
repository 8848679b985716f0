import { BinaryName, BinaryResolver } from './binary-resolver';
import { SystemBinaryHost } from './system-binary.host';

const resolver = new BinaryResolver(new SystemBinaryHost());

/** Absolute path of `name`, installed with apt-get when missing and allowed; cached per process. */
export function ensureBinary(name: BinaryName): string {
  return resolver.resolve(name);
}
