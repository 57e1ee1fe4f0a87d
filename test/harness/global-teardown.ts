import { rmSync } from 'node:fs';
import Redis from 'ioredis';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { dropDatabase } from '@oc/persistence';
import { RUN_ENV, testServices } from './services';
import { runState } from './run-state';

/** Removes what this run created: its database, its topics, its Redis keys; stops its containers. */
export default async function globalTeardown(): Promise<void> {
  const env = runState.env;
  if (!env) return;
  runState.env = undefined;
  const errors: string[] = [];
  rmSync(env[RUN_ENV.calendarFile]!, { force: true });
  await dropDatabase(env[RUN_ENV.databaseUrl]!).catch((e: Error) => errors.push(`database: ${e.message}`));

  const redis = new Redis(env[RUN_ENV.redisUrl]!, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env[RUN_ENV.redisKeyPrefix]}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } catch (e) {
    errors.push(`redis: ${(e as Error).message}`);
  } finally {
    redis.disconnect();
  }

  const admin = testServices().kafka('overload-credit-test-teardown').admin();
  try {
    await admin.connect();
    const prefix = env[RUN_ENV.topicPrefix]!;
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 15000 });
    if (env[RUN_ENV.kafkaPrincipalsFile]) {
      // The ACLs granted for this run's prefixes (global setup, Scenario.create), so that they do not pile up.
      const any = {
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      };
      const { resources } = await admin.describeAcls(any);
      const ours = resources.filter((r) => r.resourceName.startsWith(prefix));
      if (ours.length) {
        await admin.deleteAcls({
          filters: ours.map((r) => ({
            ...any,
            resourceType: r.resourceType,
            resourceName: r.resourceName,
            resourcePatternType: r.resourcePatternType,
          })),
        });
      }
    }
  } catch (e) {
    errors.push(`kafka: ${(e as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }

  for (const container of runState.containers.splice(0)) await container.stop().catch(() => undefined);
  if (errors.length) process.stderr.write(`test teardown could not clean everything: ${errors.join('; ')}\n`);
}
