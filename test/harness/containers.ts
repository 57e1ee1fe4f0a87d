import type { StartedTestContainer } from 'testcontainers';

export interface StartedServices {
  databaseUrl?: string;
  redisUrl?: string;
  kafkaBrokers?: string;
  containers: StartedTestContainer[];
}

/** True when a Docker (or compatible) engine answers; testcontainers then can start what is missing. */
export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the missing services in containers (the laptop path, SPEC §2). The same images as
 * docker/compose.yaml. Kafka advertises the host port it is published on, so clients outside work.
 */
export async function startContainers(missing: {
  postgres: boolean;
  redis: boolean;
  kafka: boolean;
}): Promise<StartedServices> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const started: StartedServices = { containers: [] };
  if (missing.postgres) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const pg = await new PostgreSqlContainer('postgres:16-alpine')
      .withUsername('postgres')
      .withPassword('postgres')
      // Trust, like the local server the tests otherwise use: the apps connect as the app and gate roles
      // that migrate creates without passwords (docs/operations.md "Database roles").
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .start();
    started.containers.push(pg);
    started.databaseUrl = `postgres://postgres:postgres@${pg.getHost()}:${pg.getPort()}/overload_credit`;
  }
  if (missing.redis) {
    const redis = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
    started.containers.push(redis);
    started.redisUrl = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}/0`;
  }
  if (missing.kafka) {
    // A fixed host port keeps the advertised listener equal to what the host sees.
    const port = 19092;
    const kafka = await new GenericContainer('apache/kafka:3.9.1')
      .withExposedPorts({ container: port, host: port })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://0.0.0.0:9093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start();
    started.containers.push(kafka);
    started.kafkaBrokers = `127.0.0.1:${port}`;
  }
  return started;
}
