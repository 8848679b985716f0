import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { SetCapabilityEnabledCommand } from './set-capability-enabled.command';

describe(SetCapabilityEnabledCommand.name, () => {
  describe('create', () => {
    it('accepts a capability name with or without a node', () => {
      expect(SetCapabilityEnabledCommand.create('file.search', false)).toMatchObject({ name: 'file.search', enabled: false, node: undefined });
      expect(SetCapabilityEnabledCommand.create('file.search', true, 'pi-1')).toMatchObject({ node: 'pi-1', enabled: true });
    });

    it.each([['File Search'], ['../etc'], ['a'.repeat(65)]])('refuses the name %s with INVALID_REQUEST', (name) => {
      const err = (() => { try { SetCapabilityEnabledCommand.create(name, false); return undefined; } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(PimcpError);
      expect((err as PimcpError).code).toBe(ErrorCode.InvalidRequest);
    });

    it('refuses a node id with a slash, which would escape its etcd key', () => {
      expect(() => SetCapabilityEnabledCommand.create('file.search', false, 'pi/../x')).toThrow(/node id/);
    });
  });
});
