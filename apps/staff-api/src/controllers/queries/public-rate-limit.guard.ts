import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@oc/observability';

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
  ) {
    this.refillPerMs = capacity / perMs;
  }

  /** Takes a token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string, nowMs: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedMs: nowMs };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (nowMs - bucket.updatedMs) * this.refillPerMs);
    bucket.updatedMs = nowMs;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= MAX_TRACKED_CLIENTS) this.evictFull(nowMs);
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
  }

  /** A bucket that has refilled completely is the same as no bucket: forget it. */
  private evictFull(nowMs: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (nowMs - b.updatedMs) * this.refillPerMs >= this.capacity) this.buckets.delete(key);
    }
  }
}

@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  private readonly limiter = new TokenBucketLimiter(PUBLIC_REQUESTS_PER_MINUTE, 60_000);

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const retryAfter = this.limiter.take(request.ip, Date.now());
    if (retryAfter === 0) return true;
    void http.getResponse<FastifyReply>().header('Retry-After', String(retryAfter));
    throw new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_REQUESTS',
      `At most ${PUBLIC_REQUESTS_PER_MINUTE} requests per minute per client; retry in ${retryAfter} s`,
    );
  }
}
