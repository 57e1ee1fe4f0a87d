import type { StartedTestContainer } from 'testcontainers';

/** Shared between the global setup and teardown, which Jest runs in the same process. */
export const runState: { env?: Record<string, string>; containers: StartedTestContainer[] } = ((
  globalThis as unknown as { __ocRunState?: { env?: Record<string, string>; containers: StartedTestContainer[] } }
).__ocRunState ??= { containers: [] });
