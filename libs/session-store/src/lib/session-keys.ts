/** Redis keys of the session store; built only here. */
export const sessionKeys = {
  session: (sessionId: string) => `pimcp:v1:session:${sessionId}`,
} as const;
