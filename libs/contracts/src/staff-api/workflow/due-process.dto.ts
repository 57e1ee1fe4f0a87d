import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsDateTime } from '../../date-time';
import {
  OBJECTION_CHANNELS,
  OBJECTION_TARGET_TYPES,
  type ObjectionChannel,
  type ObjectionTargetType,
} from '@oc/domain';

/** Staff record service (送达) themselves: in person, by post, or by announcement (公告送达). */
export const STAFF_SERVICE_METHODS = ['IN_PERSON', 'POST', 'ANNOUNCEMENT'] as const;

/** POST /v1/notices/:id/service (SPEC §4.10): the period runs from the day after service. */
export class NoticeServiceDto {
  @IsIn(STAFF_SERVICE_METHODS, { message: `method must be one of ${STAFF_SERVICE_METHODS.join(', ')}` })
  method!: (typeof STAFF_SERVICE_METHODS)[number];

  @IsDateTime()
  servedAt!: string;
}

export class ObjectionTargetDto {
  @IsIn(OBJECTION_TARGET_TYPES, { message: `type must be one of ${OBJECTION_TARGET_TYPES.join(', ')}` })
  type!: ObjectionTargetType;

  @MaxLength(200)
  @MinLength(1)
  @IsString()
  id!: string;
}

/** POST /v1/objections (SPEC §4.10): 异议 / 陈述申辩, recorded by the OFFICER who handles it. */
export class ObjectionDto {
  @ValidateNested()
  @Type(() => ObjectionTargetDto)
  target!: ObjectionTargetDto;

  @MaxLength(4000)
  @MinLength(1)
  @IsString()
  grounds!: string;

  @IsIn(OBJECTION_CHANNELS, { message: `channel must be one of ${OBJECTION_CHANNELS.join(', ')}` })
  channel!: ObjectionChannel;

  @ArrayMaxSize(20)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { each: true, message: 'each attachment must be an http(s) URL' },
  )
  @IsArray()
  attachments!: string[];

  /** When the objection reached the authority (default: now); the reply is due from here. */
  @IsOptional()
  @IsDateTime()
  receivedAt?: string;
}

/** POST /v1/objections/:id/review (LEGAL_REVIEWER, not the handler): upheld or rejected, with the reply. */
export class ObjectionReviewDto {
  @IsBoolean({ message: 'uphold must be true or false' })
  uphold!: boolean;

  @MaxLength(4000)
  @MinLength(1)
  @IsString()
  reply!: string;
}

/**
 * POST /v1/company-listings/:id/objections (SPEC §4.9, §4.10): an objection of the company against its
 * listing (LISTING) or its posting (POSTING); the recording OFFICER handles it.
 */
export class CompanyObjectionDto {
  @IsIn(['LISTING', 'POSTING'], { message: 'targetType must be one of LISTING, POSTING' })
  targetType!: 'LISTING' | 'POSTING';

  @MaxLength(4000)
  @MinLength(1)
  @IsString()
  grounds!: string;

  @IsIn(OBJECTION_CHANNELS, { message: `channel must be one of ${OBJECTION_CHANNELS.join(', ')}` })
  channel!: ObjectionChannel;

  @ArrayMaxSize(20)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { each: true, message: 'each attachment must be an http(s) URL' },
  )
  @IsArray()
  attachments!: string[];

  @IsOptional()
  @IsDateTime()
  receivedAt?: string;
}
