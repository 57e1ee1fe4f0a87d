import { Controller, Get, HttpStatus, Inject, Injectable, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { modelRef } from './openapi';

/** A dependency whose reachability decides readiness (Postgres, Redis, Kafka). */
export abstract class HealthProbe {
  abstract readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  abstract check(): Promise<void>;
}

export const HEALTH_PROBES = Symbol('HEALTH_PROBES');
/** `(ip) => boolean`: the addresses that see readiness details (HEALTH_DETAILS_FROM). */
export const HEALTH_DETAILS_FROM = Symbol('HEALTH_DETAILS_FROM');
const PROBE_TIMEOUT_MS = 2000;

/** GET /health/live: the process runs. */
export interface LiveReport {
  status: 'ok';
}

/**
 * GET /health/ready with details (HEALTH_DETAILS_FROM addresses); others get `{status: "ok"}` alone.
 */
export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'up' | 'down'; error?: string }>;
  down: string[];
}

@Injectable()
export class HealthService {
  constructor(@Inject(HEALTH_PROBES) private readonly probes: HealthProbe[]) {}

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.probes.map(async (probe) => {
        try {
          await withTimeout(probe.check(), PROBE_TIMEOUT_MS, `${probe.name} did not answer in ${PROBE_TIMEOUT_MS} ms`);
          return [probe.name, { status: 'up' as const }] as const;
        } catch (error) {
          return [probe.name, { status: 'down' as const, error: (error as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const down = results.filter(([, r]) => r.status === 'down').map(([name]) => name);
    return { status: down.length ? 'unavailable' : 'ok', checks, down };
  }
}

@ApiTags('platform')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    @Inject(HEALTH_DETAILS_FROM) private readonly detailsFor: (ip: string) => boolean,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (no dependency is checked)' })
  live(): LiveReport {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: Postgres, Redis and Kafka answer; which one is down only for HEALTH_DETAILS_FROM addresses',
  })
  @ApiOkResponse({ description: 'ready', schema: { oneOf: [modelRef('LiveReport'), modelRef('ReadinessReport')] } })
  @ApiServiceUnavailableResponse({
    description: 'NOT_READY; details (HEALTH_DETAILS_FROM only): the checks by dependency',
    schema: modelRef('ErrorBody'),
  })
  async ready(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const report = await this.health.readiness();
    // Which dependency is down, and its error (hosts, ports, versions), only for the operators'
    // addresses; a load balancer elsewhere needs the status code alone (docs/security.md).
    if (!this.detailsFor(request.ip)) {
      if (report.status === 'ok') await reply.status(HttpStatus.OK).send({ status: 'ok' });
      else
        await reply.status(HttpStatus.SERVICE_UNAVAILABLE).send({ error: { code: 'NOT_READY', message: 'Not ready' } });
      return;
    }
    if (report.status === 'ok') {
      await reply.status(HttpStatus.OK).send(report);
      return;
    }
    await reply.status(HttpStatus.SERVICE_UNAVAILABLE).send({
      error: { code: 'NOT_READY', message: `Not ready: ${report.down.join(', ')} unavailable`, details: report.checks },
    });
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
