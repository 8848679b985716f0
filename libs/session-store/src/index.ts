export * from './lib/port/session-store.port';
export * from './lib/memory/in-memory-session-store.adapter';
export * from './lib/redis/redis-session-store.adapter';
