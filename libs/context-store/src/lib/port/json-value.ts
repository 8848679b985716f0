/** What a context stores under a key: anything JSON can carry, and nothing else (no undefined, NaN, Date, Map). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [member: string]: JsonValue };
