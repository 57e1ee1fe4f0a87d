import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, clientLimitKey } from '@oc/observability';

/** §4.8: the public API is rate-limited per client address. */
export const PUBLIC_REQUESTS_PER_MINUTE = 60;
const MAX_TRACKED_CLIENTS = 50_000;

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * An in-process token bucket per client address: PUBLIC_REQUESTS_PER_MINUTE tokens, refilled
 * continuously. Per instance: behind a load balancer each staff-api instance limits on its own.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    private readonly capacity: number,
    perMs: number,
    private readonly maxClients = MAX_TRACKED_CLIENTS,
  ) {
    this.refillPerMs = capacity / perMs;
  }

  /**
   * Takes a token; returns 0 when allowed, else the seconds until one is available. O(1): the map is
   * kept in order of last use (a touched bucket moves to the end), so when it is full the bucket
   * dropped is the one idle longest, the first, without scanning — a flood of new addresses costs
   * the same per request as one client.
   */
  take(key: string, nowMs: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedMs: nowMs };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (nowMs - bucket.updatedMs) * this.refillPerMs);
    bucket.updatedMs = nowMs;
    if (!this.buckets.delete(key) && this.buckets.size >= this.maxClients) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
  }

  get tracked(): number {
    return this.buckets.size;
  }
}

@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  private readonly limiter = new TokenBucketLimiter(PUBLIC_REQUESTS_PER_MINUTE, 60_000);

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    // request.ip: the client behind the TRUSTED_PROXIES only; IPv6 counted by its /64.
    const retryAfter = this.limiter.take(clientLimitKey(request.ip), Date.now());
    if (retryAfter === 0) return true;
    void http.getResponse<FastifyReply>().header('Retry-After', String(retryAfter));
    throw new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_REQUESTS',
      `At most ${PUBLIC_REQUESTS_PER_MINUTE} requests per minute per client; retry in ${retryAfter} s`,
    );
  }
}
