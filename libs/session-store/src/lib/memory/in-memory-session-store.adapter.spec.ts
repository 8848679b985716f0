import { describeSessionStoreContract } from '../contract/session-store.contract';
import { InMemorySessionStore } from './in-memory-session-store.adapter';

describeSessionStoreContract('in-memory', async () => {
  const store = new InMemorySessionStore();
  return { store, cleanup: () => store.close() };
});
