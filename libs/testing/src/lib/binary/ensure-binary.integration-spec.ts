import { accessSync, constants } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ensureBinary } from './ensure-binary.util';

describe(ensureBinary.name, () => {
  it.each(['etcd', 'redis-server'] as const)('returns the absolute path of the installed %s', (name) => {
    const path = ensureBinary(name);

    expect(isAbsolute(path)).toBe(true);
    expect(path.endsWith(`/${name}`)).toBe(true);
    expect(() => accessSync(path, constants.X_OK)).not.toThrow();
    expect(ensureBinary(name)).toBe(path);
  });
});
