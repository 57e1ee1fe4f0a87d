import { DynamicModule, Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, databaseUrlFor, type DatabaseRole } from '@oc/config';
import { HealthProbe } from '@oc/observability';
import { createDataSource } from './data-source';

/**
 * Owns the process's DataSource. The app starts even when Postgres is down (readiness says so and
 * work that needs the database retries); the connection is opened in the background until it succeeds.
 */
@Injectable()
export class DatabaseConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private connecting?: Promise<DataSource>;
  private closed = false;

  constructor(readonly dataSource: DataSource) {}

  /** The initialized DataSource; rejects while Postgres cannot be reached. */
  ready(): Promise<DataSource> {
    if (this.dataSource.isInitialized) return Promise.resolve(this.dataSource);
    this.connecting ??= this.dataSource.initialize().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Keeps trying in the background so the first request does not pay for the connection. */
  connectInBackground(): void {
    let failures = 0;
    const attempt = (): void => {
      if (this.closed || this.dataSource.isInitialized) return;
      this.ready().catch((error: Error) => {
        failures += 1;
        if (failures === 1 || failures % 30 === 0) this.logger.warn(`Postgres not reachable yet: ${error.message}`);
        setTimeout(attempt, Math.min(250 * failures, 2000)).unref();
      });
    };
    attempt();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Injectable()
export class PostgresProbe extends HealthProbe {
  readonly name = 'postgres';
  constructor(private readonly db: DatabaseConnection) {
    super();
  }
  async check(): Promise<void> {
    const ds = await this.db.ready();
    await ds.query('SELECT 1');
  }
}

/** How an app connects: as which role (docs/operations.md), with which pool and timeouts. */
export interface DatabaseModuleOptions {
  role: DatabaseRole;
  poolSize?: number;
  connectionTimeoutMs: number;
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(applicationName: string, options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DatabaseConnection,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            const connection = new DatabaseConnection(
              createDataSource({
                databaseUrl: databaseUrlFor(config, options.role),
                applicationName,
                poolSize: options.poolSize ?? 10,
                connectionTimeoutMs: options.connectionTimeoutMs,
                statementTimeoutMs: options.statementTimeoutMs,
                idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs,
              }),
            );
            connection.connectInBackground();
            return connection;
          },
        },
        PostgresProbe,
      ],
      exports: [DatabaseConnection, PostgresProbe],
    };
  }
}
