import { Controller, Get, HttpStatus, Param, Res } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@oc/config';
import { EvidenceParamsDto } from '@oc/contracts';
import { ApiError, modelRef, StaffJwtAuth } from '@oc/observability';
import { StaffQueryRepository } from '@oc/persistence';

/** What staff-api passes on: the camera formats, never HTML or SVG (which could carry script). */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);
export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 5000;

/**
 * Evidence images through staff-api (issue 14, docs/security.md): a weigh event names its image URLs,
 * and a console that loaded them itself would let any producer make every officer's browser call a
 * host of its choosing. Here staff-api fetches the image — only from EVIDENCE_HOSTS, no redirects,
 * a camera format only, at most 5 MiB, within 5 s — and answers it with the staff token's rights.
 */
@ApiTags('staff: records')
@StaffJwtAuth()
@Controller('v1/weighings')
export class EvidenceController {
  private readonly hosts: ReadonlySet<string>;
  constructor(
    private readonly queries: StaffQueryRepository,
    config: AppConfig,
  ) {
    this.hosts = new Set(
      config.EVIDENCE_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    );
  }

  @Get(':eventId/evidence/:index')
  @ApiOperation({ summary: 'The n-th evidence image of a weighing (1-based), fetched from its station image host' })
  @ApiOkResponse({
    description: 'the image as the station host served it (JPEG, PNG or WebP, at most 5 MiB)',
    content: Object.fromEntries(
      [...IMAGE_TYPES].map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]),
    ),
  })
  @ApiBadGatewayResponse({
    description: 'EVIDENCE_UNAVAILABLE: the host did not answer in 5 s, answered an error, not an image, or too much',
    schema: modelRef('ErrorBody'),
  })
  async image(@Param() params: EvidenceParamsDto, @Res() reply: FastifyReply): Promise<void> {
    const eventId = params.eventId;
    const index = Number(params.index);
    const urls = await this.queries.weighingImageUrls(eventId);
    const url = urls[index - 1];
    if (url === undefined) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'NOT_FOUND', `weighing ${eventId} has no evidence image ${index}`);
    }
    const target = new URL(url);
    if (!this.hosts.has(target.host.toLowerCase())) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'EVIDENCE_HOST_NOT_ALLOWED',
        `the image host ${target.host} is not one of EVIDENCE_HOSTS`,
      );
    }
    const image = await fetchImage(target);
    await reply
      .status(HttpStatus.OK)
      .header('content-type', image.type)
      .header('cache-control', 'private, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'")
      .send(image.bytes);
  }
}

async function fetchImage(url: URL): Promise<{ type: string; bytes: Buffer }> {
  const unavailable = (why: string) =>
    new ApiError(HttpStatus.BAD_GATEWAY, 'EVIDENCE_UNAVAILABLE', `the evidence image could not be fetched: ${why}`);
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw unavailable((error as Error).message);
  }
  if (!res.ok) throw unavailable(`the host answered ${res.status}`);
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!IMAGE_TYPES.has(type)) throw unavailable(`not a JPEG, PNG or WebP image (${type || 'no content type'})`);
  const declared = Number(res.headers.get('content-length'));
  if (declared > EVIDENCE_MAX_BYTES) throw unavailable(`larger than ${EVIDENCE_MAX_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > EVIDENCE_MAX_BYTES) throw unavailable(`larger than ${EVIDENCE_MAX_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return { type, bytes: Buffer.concat(chunks) };
}
