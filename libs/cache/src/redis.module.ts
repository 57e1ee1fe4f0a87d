import {
  DynamicModule,
  Global,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@oc/config';
import { HealthProbe, type RedisEviction } from '@oc/observability';

const infoField = (info: string, name: string): string | undefined =>
  new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();

/** Why a Redis with this `INFO memory` may drop the cache's keys, or undefined when it cannot. */
export function evictionRiskOf(memoryInfo: string): string | undefined {
  const maxmemory = Number(infoField(memoryInfo, 'maxmemory') ?? '0');
  const policy = infoField(memoryInfo, 'maxmemory_policy') ?? 'noeviction';
  if (maxmemory === 0 || policy === 'noeviction') return undefined;
  return `Redis evicts keys (maxmemory ${maxmemory} bytes, maxmemory-policy ${policy}): the turn-back cache needs maxmemory-policy noeviction (or no maxmemory)`;
}

export interface RedisOptions {
  /** Fail commands at once while disconnected instead of queueing them. */
  failFast?: boolean;
  /** Reject a command that has not answered after this long. */
  commandTimeoutMs?: number;
  /**
   * Send the commands issued in one event-loop tick in one write (ioredis auto-pipelining). The gate
   * serves many lanes at once: one socket write per request was its largest cost (docs/benchmarks.md).
   */
  autoPipelining?: boolean;
}

/**
 * The process's Redis connection; ioredis reconnects by itself. With `failFast` (the gate) a command
 * fails at once while Redis is away instead of queueing, so the caller can fall back within its
 * deadline; otherwise commands wait in the offline queue for the reconnection.
 */
@Injectable()
export class RedisConnection implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly client: Redis;
  constructor(
    readonly url: string,
    readonly keyPrefix: string,
    options: RedisOptions = {},
  ) {
    this.client = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: !options.failFast,
      commandTimeout: options.commandTimeoutMs,
      enableAutoPipelining: options.autoPipelining ?? false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // Errors surface on the commands that fail; the connection-level event only needs to be handled.
    this.client.on('error', () => undefined);
  }
  key(...parts: string[]): string {
    return this.keyPrefix + parts.join(':');
  }

  /**
   * Why this Redis may drop the cache's keys, or undefined when it cannot: with a memory limit and any
   * policy but `noeviction`, Redis deletes keys under pressure, and a turn-back entry deleted reads as
   * "never listed" — a listed truck let through (docs/operations.md). The entries carry a TTL (their
   * tombstones expire), so the volatile-* policies evict them too. Read from INFO, which managed
   * services keep even where CONFIG is disabled.
   */
  async evictionRisk(): Promise<string | undefined> {
    return evictionRiskOf(await this.client.info('memory'));
  }

  /**
   * The metrics' view of the same (`redis_eviction_risk`, `redis_evicted_keys`): whether the policy lets
   * Redis evict, and how many keys it has evicted since it started (two INFO sections, sent together).
   */
  async eviction(): Promise<RedisEviction> {
    const [memory, stats] = await Promise.all([this.client.info('memory'), this.client.info('stats')]);
    return {
      policyEvicts: evictionRiskOf(memory) !== undefined,
      evictedKeys: Number(infoField(stats, 'evicted_keys') ?? '0'),
    };
  }
  /**
   * Refuses to start on an evicting Redis. A Redis that is away at start is checked by the readiness
   * probe once it answers (the gate must start without Redis: it falls back to Postgres).
   */
  async onApplicationBootstrap(): Promise<void> {
    // The gate's client fails fast while connecting (no offline queue): wait for it to be ready first.
    const ready =
      this.client.status === 'ready' ||
      (await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 2000).unref();
        this.client.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      }));
    const risk = ready ? await this.evictionRisk().catch(() => undefined) : undefined;
    if (risk) throw new Error(`${risk}; refusing to start`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }
}

@Injectable()
export class RedisProbe extends HealthProbe {
  readonly name = 'redis';
  constructor(private readonly redis: RedisConnection) {
    super();
  }
  async check(): Promise<void> {
    const pong = await this.redis.client.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING answer ${pong}`);
    const risk = await this.redis.evictionRisk();
    if (risk) throw new Error(risk);
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(options: RedisOptions = {}): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: RedisConnection,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => new RedisConnection(config.REDIS_URL, config.REDIS_KEY_PREFIX, options),
        },
        RedisProbe,
      ],
      exports: [RedisConnection, RedisProbe],
    };
  }
}
