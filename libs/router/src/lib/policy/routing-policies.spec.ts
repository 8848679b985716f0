import { ErrorCode } from '@pimcp/protocol';
import { parseRoutingPolicies } from './parse-routing-policies';
import { RoutingPolicies } from './routing-policies';
import { DEFAULT_ROUTING_POLICY } from './routing-policy';

describe(RoutingPolicies.name, () => {
  describe('get', () => {
    it('returns the capability policy, else the * policy, else the default', () => {
      const policies = new RoutingPolicies(parseRoutingPolicies({ 'file.search': { spread: true }, '*': { pin: 'pi-1' } }));
      expect(policies.get('file.search').spread).toBe(true);
      expect(policies.get('file.search').pin).toBeUndefined();
      expect(policies.get('db.query').pin).toBe('pi-1');
      expect(new RoutingPolicies().get('db.query')).toBe(DEFAULT_ROUTING_POLICY);
    });
  });

  describe('set', () => {
    it('validates and stores a policy for the next get', () => {
      const policies = new RoutingPolicies();
      policies.set('file.search', { require: ['region=tokyo'] });
      expect(policies.get('file.search').require.map(String)).toEqual(['region=tokyo']);
      expect(policies.toPlain()).toEqual({ 'file.search': { require: ['region=tokyo'] } });
    });

    it('refuses a bad policy with every problem and keeps the old one', () => {
      const policies = new RoutingPolicies();
      policies.set('file.search', { spread: true });
      expect(() => policies.set('file.search', { spread: 1, require: ['x in'] })).toThrow(expect.objectContaining({
        code: ErrorCode.InvalidRequest,
        problems: expect.arrayContaining([expect.objectContaining({ path: 'spread' }), expect.objectContaining({ path: 'require[0]' })]),
      }));
      expect(policies.get('file.search').spread).toBe(true);
    });

    it('refuses a key that is not a capability name', () => {
      expect(() => new RoutingPolicies().set('File Search', {})).toThrow(expect.objectContaining({ code: ErrorCode.InvalidRequest }));
    });
  });

  describe('delete and replaceAll', () => {
    it('falls back after delete and swaps whole sets', () => {
      const policies = new RoutingPolicies();
      policies.set('file.search', { spread: true });
      expect(policies.delete('file.search')).toBe(true);
      expect(policies.get('file.search').spread).toBe(false);
      policies.replaceAll(parseRoutingPolicies({ 'db.query': { pin: 'pi-2' } }));
      expect(policies.size).toBe(1);
      expect(policies.own('db.query')?.pin).toBe('pi-2');
    });
  });
});
