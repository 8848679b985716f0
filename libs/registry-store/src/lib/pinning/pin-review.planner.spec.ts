import { contractCapability } from '../contract/contract-manifest.fixture';
import { definitionHash } from './definition-hash';
import type { DefinitionPinRecord } from './definition-pin.types';
import { planPinReview } from './pin-review.planner';

const now = new Date('2026-12-04T10:00:00Z');
const pinned = { hash: definitionHash(contractCapability('a.b')), definition: contractCapability('a.b'), at: '2026-12-01T00:00:00.000Z' };
const proposedDefinition = { ...contractCapability('a.b'), description: 'changed' };
const proposed = { hash: definitionHash(proposedDefinition), definition: proposedDefinition, at: '2026-12-03T00:00:00.000Z' };

describe(planPinReview.name, () => {
  it('remembers at most the last 20 rejected hashes, newest last', () => {
    const rejected = Array.from({ length: 20 }, (_, i) => `sha256:old${i}`);
    const record: DefinitionPinRecord = { nodeId: 'pi-1', name: 'a.b', pinned, pending: proposed, rejected };

    const plan = planPinReview({ nodeId: 'pi-1', name: 'a.b', approve: false }, record, now);

    expect(plan.record.rejected).toHaveLength(20);
    expect(plan.record.rejected?.[0]).toBe('sha256:old1');
    expect(plan.record.rejected?.at(-1)).toBe(proposed.hash);
    expect(plan.record).toMatchObject({ pinned });
    expect(plan.record.pending).toBeUndefined();
  });

  it('pins the proposal on approve, stamped with the approval time, and names both hashes in the event', () => {
    const plan = planPinReview({ nodeId: 'pi-1', name: 'a.b', approve: true }, { nodeId: 'pi-1', name: 'a.b', pinned, pending: proposed }, now);

    expect(plan.record.pinned).toEqual({ ...proposed, at: now.toISOString() });
    expect(plan.event).toEqual({
      at: now.toISOString(), kind: 'approved', nodeId: 'pi-1', capability: 'a.b', hash: proposed.hash, previousHash: pinned.hash, by: 'operator',
    });
  });
});
