import type { ContextStore } from '../port/context-store.port';
import { describeContextStoreContract } from '../contract/context-store.contract';
import { InMemoryContextStore } from './in-memory-context-store.adapter';

describeContextStoreContract('in-memory', async () => {
  const shared = new InMemoryContextStore();
  const opened: ContextStore[] = [shared];
  return {
    // One process holds one copy of the data, so "another instance" is the same store.
    open: async (options) => {
      if (!options?.limits) return shared;
      const store = new InMemoryContextStore(options);
      opened.push(store);
      return store;
    },
    close: async () => {
      await Promise.all(opened.map((store) => store.close()));
    },
  };
});
