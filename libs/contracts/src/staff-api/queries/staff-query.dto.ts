import { Transform } from 'class-transformer';
import { IsCreditCode } from '../../registry-v1/registry-records.dto';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import {
  CREDIT_REPAIR_STATUSES,
  LISTING_STATUSES,
  NOTICE_STATUSES,
  OBJECTION_STATUSES,
  REVIEW_STATUSES,
  normalizePlate,
  parsePlateColor,
  validatePlate,
  VIOLATION_STATUSES,
  WEIGHING_CLASSIFICATIONS,
  type WeighingClassification,
} from '@oc/domain';
import { EVENT_ID_PATTERN, WEIGHING_SOURCES, type WeighingSource } from '../../weighing-events-v1/weigh-event.dto';
import { IsDateTime } from '../../date-time';

/** SPEC §6: pageSize ≤ 500. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE = 1_000_000;
/**
 * Offset paging reads and drops every row before the page: the rows a request may reach are bounded
 * (issue 14; issue 16 replaces offsets with keyset paging). Deeper: narrow the filters (from/to).
 */
export const MAX_PAGED_ROWS = 10_000;
const WithinPagedRows = (): PropertyDecorator =>
  ValidateBy({
    name: 'withinPagedRows',
    validator: {
      validate: (page: unknown, args) => {
        const size = (args?.object as { pageSize?: unknown }).pageSize ?? DEFAULT_PAGE_SIZE;
        return (
          !Number.isInteger(page) || !Number.isInteger(size) || (page as number) * (size as number) <= MAX_PAGED_ROWS
        );
      },
      defaultMessage: () =>
        `page × pageSize must be at most ${MAX_PAGED_ROWS}: narrow the filters (e.g. from/to) to reach older rows`,
    },
  });

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;
/** Plates are compared normalised (§4.1): `浙e·12345` finds 浙E12345. */
const toPlate = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? normalizePlate(value) : value);
/** A colour code or name becomes the code. */
const toPlateColor = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? (parsePlateColor(value) ?? value) : value;

const IsPlate = (): PropertyDecorator =>
  ValidateBy({
    name: 'isPlate',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && validatePlate(value).ok,
      defaultMessage: (args) => {
        const check =
          typeof args?.value === 'string'
            ? validatePlate(args.value)
            : { ok: false as const, reason: 'plate must be a string' };
        return check.ok ? 'plate is not valid' : check.reason;
      },
    },
  });

const IsPlateColorCode = (): PropertyDecorator =>
  ValidateBy({
    name: 'isPlateColor',
    validator: {
      validate: (value: unknown) => typeof value === 'number',
      defaultMessage: () => 'plateColor must be one of the codes 0-7, 11, 12 or their names (BLUE, YELLOW, …)',
    },
  });

const IsFlag = (): PropertyDecorator =>
  ValidateBy({
    name: 'isFlag',
    validator: {
      validate: (value: unknown) => typeof value === 'boolean',
      defaultMessage: (a) => `${a?.property} must be true or false`,
    },
  });

/** `?page=&pageSize=` (1-based; pageSize 1..500, default 50). */
export class PageQueryDto {
  @IsOptional()
  @Transform(toInt)
  @WithinPagedRows()
  @Max(MAX_PAGE, { message: `page must be at most ${MAX_PAGE}` })
  @Min(1, { message: 'page must be >= 1' })
  @IsInt({ message: 'page must be an integer >= 1' })
  page?: number;

  @IsOptional()
  @Transform(toInt)
  @Max(MAX_PAGE_SIZE, { message: `pageSize must be at most ${MAX_PAGE_SIZE}` })
  @Min(1, { message: 'pageSize must be >= 1' })
  @IsInt({ message: `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}` })
  pageSize?: number;
}

/** A time range [from, to) on event time. */
class PeriodPageQueryDto extends PageQueryDto {
  @IsOptional()
  @IsDateTime()
  from?: string;

  @IsOptional()
  @IsDateTime()
  to?: string;
}

/** `/v1/vehicles/:plateColor/:plate` */
export class VehicleParamsDto {
  @Transform(toPlateColor)
  @IsPlateColorCode()
  plateColor!: number;

  @Transform(toPlate)
  @IsPlate()
  @MaxLength(32)
  @MinLength(1)
  @IsString()
  plate!: string;
}

const STATION_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** The filters `/v1/weighings` and `/v1/violations` share: vehicle, station and period. */
export class VehicleRecordsQueryDto extends PeriodPageQueryDto {
  @IsOptional()
  @Transform(toPlate)
  @IsPlate()
  @MaxLength(32)
  @IsString()
  plate?: string;

  @IsOptional()
  @Transform(toPlateColor)
  @IsPlateColorCode()
  plateColor?: number;

  @IsOptional()
  @Matches(STATION_ID, { message: 'stationId must be 1-32 letters, digits, _ or -' })
  @IsString()
  stationId?: string;
}

/** `GET /v1/weighings` */
export class WeighingsQueryDto extends VehicleRecordsQueryDto {
  @IsOptional()
  @IsIn(WEIGHING_CLASSIFICATIONS, { message: `classification must be one of ${WEIGHING_CLASSIFICATIONS.join(', ')}` })
  classification?: WeighingClassification;
}

/** `GET /v1/violations` */
export class ViolationsQueryDto extends VehicleRecordsQueryDto {
  @IsOptional()
  @IsIn(VIOLATION_STATUSES, { message: `status must be one of ${VIOLATION_STATUSES.join(', ')}` })
  status?: (typeof VIOLATION_STATUSES)[number];
}

/** `GET /v1/listings` */
export class ListingsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(LISTING_STATUSES, { message: `status must be one of ${LISTING_STATUSES.join(', ')}` })
  status?: (typeof LISTING_STATUSES)[number];

  @IsOptional()
  @Transform(toBool)
  @IsFlag()
  overdue?: boolean;

  @IsOptional()
  @Transform(toPlate)
  @IsPlate()
  @MaxLength(32)
  @IsString()
  plate?: string;

  /** true: a publication proposal awaits legal review (法制审核); false: not yet proposed. */
  @IsOptional()
  @Transform(toBool)
  @IsFlag()
  proposed?: boolean;
}

/** `GET /v1/company-listings` (SPEC §4.9) */
export class CompanyListingsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(LISTING_STATUSES, { message: `status must be one of ${LISTING_STATUSES.join(', ')}` })
  status?: (typeof LISTING_STATUSES)[number];

  /** 统一社会信用代码 of the company (18 characters). */
  @IsOptional()
  @IsCreditCode('operatorId')
  @IsString()
  operatorId?: string;
}

/** `/v1/listings/:id` */
export class ListingIdParamsDto {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

/** `GET /v1/credit-repairs` */
export class CreditRepairsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(CREDIT_REPAIR_STATUSES, { message: `status must be one of ${CREDIT_REPAIR_STATUSES.join(', ')}` })
  status?: (typeof CREDIT_REPAIR_STATUSES)[number];
}

/** `GET /v1/notices` (SPEC §4.10). */
export class NoticesQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(NOTICE_STATUSES, { message: `status must be one of ${NOTICE_STATUSES.join(', ')}` })
  status?: (typeof NOTICE_STATUSES)[number];
}

/** `GET /v1/objections` (SPEC §4.10): the queue, overdue ones flagged. */
export class ObjectionsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(OBJECTION_STATUSES, { message: `status must be one of ${OBJECTION_STATUSES.join(', ')}` })
  status?: (typeof OBJECTION_STATUSES)[number];

  @IsOptional()
  @Transform(toBool)
  @IsFlag()
  overdue?: boolean;

  @IsOptional()
  @IsUUID('all', { message: 'listingId must be a UUID' })
  listingId?: string;
}

/** `GET /v1/revocations` (SPEC §4.4): proposed revocations awaiting a LEGAL_REVIEWER. */
export class RevocationsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(REVIEW_STATUSES, { message: `status must be one of ${REVIEW_STATUSES.join(', ')}` })
  status?: (typeof REVIEW_STATUSES)[number];
}

/** `GET /v1/audit` (chain order). */
export class AuditQueryDto extends PageQueryDto {
  @IsOptional()
  @Matches(/^[a-z_]{1,32}$/, { message: 'entityType must be 1-32 lower-case letters or _ (e.g. listing, violation)' })
  @IsString()
  entityType?: string;

  @IsOptional()
  @MaxLength(128)
  @MinLength(1)
  @IsString()
  entityId?: string;
}

/** `GET /v1/stats/regions`: [from, to), default the last 30 days. */
export class StatsPeriodQueryDto {
  @IsOptional()
  @IsDateTime()
  from?: string;

  @IsOptional()
  @IsDateTime()
  to?: string;
}

/**
 * `GET /v1/stats` ([from, to), default the last 30 days) and `GET /v1/stats/daily` (default: the last 30
 * Asia/Shanghai days); region = division-code prefix (3305, 330500, 330521 …).
 */
export class StatsQueryDto extends StatsPeriodQueryDto {
  @IsOptional()
  @Matches(/^\d{2,12}$/, {
    message: 'region must be an administrative division code prefix of 2-12 digits, e.g. 330521',
  })
  @IsString()
  region?: string;
}

/** `GET /v1/public/postings` */
export class PublicPostingsQueryDto extends PageQueryDto {
  @IsOptional()
  @Transform(toPlate)
  @IsPlate()
  @MaxLength(32)
  @IsString()
  plate?: string;
}

/** `/v1/registry/permits/:permitNo` (the permit number as the registry and the weigh events carry it). */
export class PermitNoParamsDto {
  @MaxLength(64)
  @MinLength(1)
  @IsString()
  permitNo!: string;
}

/** `GET /v1/registry/stations` */
export class StationsQueryDto extends PageQueryDto {
  @IsOptional()
  @Matches(/^\d{2,6}$/, { message: 'region must be a division code prefix of 2-6 digits, e.g. 330521' })
  @IsString()
  region?: string;

  @IsOptional()
  @IsIn(WEIGHING_SOURCES, { message: `kind must be one of ${WEIGHING_SOURCES.join(', ')}` })
  kind?: WeighingSource;
}

/** `/v1/weighings/:eventId/evidence/:index`: the n-th evidence image (1-based) of a weighing. */
export class EvidenceParamsDto {
  @Matches(EVENT_ID_PATTERN, { message: 'eventId must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  @IsString()
  eventId!: string;

  // A path segment: the text of an integer from 1 to 10.
  @Matches(/^([1-9]|10)$/, { message: 'index must be an integer from 1 to 10' })
  @IsString()
  index!: string;
}
