import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { ConfigLoader } from './config-loader';

const definition = {
  port: { env: 'T_PORT', type: 'int', min: 1, max: 65535, default: 8080, description: 'listen port' },
  hosts: { env: 'T_HOSTS', type: 'list', pattern: /^[\w.-]+:\d+$/, patternHint: 'host:port', default: [], description: 'hosts' },
  name: { env: 'T_NAME', type: 'string', description: 'required name' },
  verbose: { env: 'T_VERBOSE', type: 'bool', default: false, description: 'chatty logs' },
  secret: { env: 'T_SECRET', type: 'string', pattern: /^s-/, secret: true, default: 's-x', description: 'secret' },
} as const;

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pimcp-config-')), 'app.yaml');
  writeFileSync(file, text);
  return file;
}

describe(ConfigLoader.name, () => {
  describe('load', () => {
    it('types values from the environment and fills defaults', () => {
      const config = new ConfigLoader(definition).load({ env: { T_NAME: 'a', T_PORT: '9000', T_HOSTS: 'a:1, b:2', T_VERBOSE: 'yes' } });
      expect(config).toEqual({ port: 9000, hosts: ['a:1', 'b:2'], name: 'a', verbose: true, secret: 's-x' });
    });

    it('reads a YAML file and lets the environment win over it', () => {
      const file = yamlFile('name: from-file\nport: 7000\nhosts: [c:3]\n');
      const config = new ConfigLoader(definition).load({ env: { T_PORT: '7001' }, yamlFile: file });
      expect(config).toMatchObject({ name: 'from-file', port: 7001, hosts: ['c:3'] });
    });

    it('reads environment variables only with yamlFile: false, even when PIMCP_CONFIG names a file', () => {
      // The file holds another app's keys: read, it would be refused as unknown keys.
      const file = yamlFile('name: from-file\nplugins: [shell.run]\n');
      const loader = new ConfigLoader(definition);
      expect(() => loader.load({ env: { PIMCP_CONFIG: file, T_NAME: 'a' } })).toThrow(/unknown key "plugins"/);
      expect(loader.load({ env: { PIMCP_CONFIG: file, T_NAME: 'a' }, yamlFile: false })).toMatchObject({ name: 'a', port: 8080 });
      expect(() => loader.load({ env: { PIMCP_CONFIG: file }, yamlFile: false })).toThrow(/T_NAME is required/);
      expect(() => loader.load({ env: { PIMCP_CONFIG: file }, yamlFile: false })).not.toThrow(/in the YAML file/);
    });

    it('names every bad variable in one error', () => {
      const load = () => new ConfigLoader(definition).load({ env: { T_PORT: '70000', T_HOSTS: 'nope', T_VERBOSE: 'maybe' } });
      expect(load).toThrow(ConfigError);
      const message = (() => { try { load(); return ''; } catch (e) { return (e as Error).message; } })();
      expect(message).toContain('T_PORT must be <= 65535');
      expect(message).toContain('"nope" is not host:port');
      expect(message).toContain('T_VERBOSE must be true or false');
      expect(message).toContain('T_NAME (or "name" in the YAML file) is required');
    });

    it('never echoes a secret value', () => {
      const load = () => new ConfigLoader(definition).load({ env: { T_NAME: 'a', T_SECRET: 'leaked-value' } });
      expect(load).toThrow(/T_SECRET \(hidden\)/);
      expect(load).not.toThrow(/leaked-value/);
    });

    it('rejects unknown keys in the YAML file, naming the known ones', () => {
      const file = yamlFile('name: a\nprot: 1\n');
      expect(() => new ConfigLoader(definition).load({ env: {}, yamlFile: file })).toThrow(/unknown key "prot" \(known keys: port/);
    });

    it('takes an object setting as a YAML mapping or as JSON in the variable, and refuses anything else', () => {
      const withObject = { ...definition, plugins: { env: 'T_PLUGINS', type: 'object', default: {}, description: 'plugin settings' } } as const;
      const file = yamlFile('name: a\nplugins:\n  shell.run:\n    timeoutMs: 5000\n');
      expect(new ConfigLoader(withObject).load({ env: {}, yamlFile: file }).plugins).toEqual({ 'shell.run': { timeoutMs: 5000 } });
      expect(new ConfigLoader(withObject).load({ env: { T_NAME: 'a', T_PLUGINS: '{"log.tail":{"files":{}}}' } }).plugins).toEqual({ 'log.tail': { files: {} } });
      expect(new ConfigLoader(withObject).load({ env: { T_NAME: 'a' } }).plugins).toEqual({});
      expect(() => new ConfigLoader(withObject).load({ env: { T_NAME: 'a', T_PLUGINS: '[1]' } })).toThrow(/T_PLUGINS must be an object/);
      expect(() => new ConfigLoader(withObject).load({ env: { T_NAME: 'a', T_PLUGINS: '{oops' } })).toThrow(/T_PLUGINS must be a JSON object/);
    });

    it('rejects a YAML file that is not a mapping', () => {
      const file = yamlFile('- a\n- b\n');
      expect(() => new ConfigLoader(definition).load({ env: {}, yamlFile: file })).toThrow(/must hold a YAML mapping/);
    });
  });

  describe('get', () => {
    it('caches until reset', () => {
      const loader = new ConfigLoader(definition);
      const env: NodeJS.ProcessEnv = { T_NAME: 'first' };
      expect(loader.get({ env }).name).toBe('first');
      env['T_NAME'] = 'second';
      expect(loader.get({ env }).name).toBe('first');
      loader.reset();
      expect(loader.get({ env }).name).toBe('second');
    });
  });
});
