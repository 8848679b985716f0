import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { parseRoutingPolicies, parseRoutingPolicy, routingPolicyToPlain } from './parse-routing-policies';
import { DEFAULT_PREFER_WEIGHT } from './routing-policy';

function problemsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(PimcpError);
    expect((err as PimcpError).code).toBe(ErrorCode.InvalidRequest);
    return (err as PimcpError).problems;
  }
  throw new Error('expected INVALID_REQUEST');
}

describe('parseRoutingPolicies', () => {
  it('parses every field, the prefer shorthand and the default policy', () => {
    const policies = parseRoutingPolicies({
      'file.search': { prefer: ['gpu=true', { selector: 'region=tokyo', weight: -5 }], require: ['arch=arm64'], hedge: true, maxQueued: 3, queueTimeoutMs: 250 },
      'image.resize': { spread: true, offloadInputBytes: 4096 },
      'db.query': { pin: 'pi-1' },
      'sensor.read': null,
      '*': { require: ['tier in (edge,cloud)'] },
    });
    const search = policies.get('file.search');
    expect(search?.prefer.map((p) => [p.selector.toString(), p.weight])).toEqual([['gpu=true', DEFAULT_PREFER_WEIGHT], ['region=tokyo', -5]]);
    expect(search?.require.map(String)).toEqual(['arch=arm64']);
    expect(search).toMatchObject({ hedge: true, maxQueued: 3, queueTimeoutMs: 250, spread: false });
    expect(policies.get('image.resize')).toMatchObject({ spread: true, offloadInputBytes: 4096 });
    expect(policies.get('db.query')?.pin).toBe('pi-1');
    expect(policies.get('sensor.read')).toMatchObject({ prefer: [], require: [], spread: false });
    expect(policies.get('*')?.require.map(String)).toEqual(['tier in (edge,cloud)']);
  });

  it('reports every problem at once, each with its field path', () => {
    const problems = problemsOf(() => parseRoutingPolicies({
      'file.search': {
        prefer: [{ selector: 'gpu=true', weight: 500 }, { selector: 'region in (tokyo' }, 7],
        require: ['arch=', 'region tokyo', 5],
        spread: 'yes',
        pin: 'Pi_1',
        extra: 1,
      },
      'Bad Name': {},
      'db.query': { pin: 'pi-1', spread: true },
      'x.y': 'fast',
    }));
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      'file.search.prefer[0].weight',
      'file.search.prefer[1].selector',
      'file.search.prefer[2]',
      'file.search.require[1]',
      'file.search.require',
      'file.search.spread',
      'file.search.pin',
      'file.search.extra',
      'Bad Name',
      'db.query.spread',
      'x.y',
    ]));
    // `arch=` is a valid selector (the label equals the empty string), so require[0] is not a problem.
    expect(paths).not.toContain('file.search.require[0]');
    expect(problems.find((p) => p.path === 'file.search.require[1]')?.message).toContain('unexpected "tokyo" after key "region"');
    expect(problems.find((p) => p.path === 'db.query.spread')?.message).toContain('spread and pin exclude each other');
  });

  it('names the whole input when it is not a mapping', () => {
    expect(problemsOf(() => parseRoutingPolicies(['file.search']))[0]?.message).toContain('mapping of capability name to policy');
  });

  it('puts the summary of every problem in the message', () => {
    expect(() => parseRoutingPolicies({ 'a.b': { require: ['=x'] }, 'c.d': { pin: 'X' } })).toThrow(/a\.b\.require\[0\]: .*; c\.d\.pin: /);
  });
});

describe('parseRoutingPolicy', () => {
  it('uses paths relative to the policy', () => {
    expect(problemsOf(() => parseRoutingPolicy({ prefer: [{ selector: 'a=1', weight: 1.5 }] })).map((p) => p.path)).toEqual(['prefer[0].weight']);
  });

  it('round-trips through routingPolicyToPlain', () => {
    const plain = { prefer: [{ selector: 'gpu=true', weight: 20 }], require: ['region=tokyo'], hedge: false, offloadInputBytes: 10 };
    expect(routingPolicyToPlain(parseRoutingPolicy(plain))).toEqual(plain);
  });
});
