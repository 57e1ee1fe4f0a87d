import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@oc/config';
import { HealthProbe } from '@oc/observability';

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
export class RedisConnection implements OnApplicationShutdown {
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
