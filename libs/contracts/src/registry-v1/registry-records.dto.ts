import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { isCitizenIdNo, isUnifiedSocialCreditCode, PERMIT_STATUSES, type PermitStatus } from '@oc/domain';
import {
  IsPlateColor,
  ISO_DATE_TIME_WITH_OFFSET,
  STATION_ID_PREFIX,
  WEIGHING_SOURCES,
  type WeighingSource,
} from '../weighing-events-v1/weigh-event.dto';

/** SPEC §4.9 record shapes: JSON, camelCase, unknown fields refused, times ISO 8601 with an offset. */

export const OWNER_TYPES = ['PERSON', 'COMPANY'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];
/** 行政区划代码: six digits. */
export const DIVISION_CODE = /^\d{6}$/;
const ISO_MESSAGE = (field: string) => `${field} must be an ISO 8601 date-time with an offset`;

export const IsCreditCode = (field: string): PropertyDecorator =>
  ValidateBy({
    name: 'isUnifiedSocialCreditCode',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isUnifiedSocialCreditCode(value),
      defaultMessage: () => `${field} must be an 18-character 统一社会信用代码 with a valid check character`,
    },
  });

/** 身份证号 for a PERSON, 统一社会信用代码 for a COMPANY (checked against `type`). */
const IsOwnerIdNo = (): PropertyDecorator =>
  ValidateBy({
    name: 'isOwnerIdNo',
    validator: {
      validate: (value: unknown, args) => {
        if (typeof value !== 'string') return false;
        const type = (args?.object as { type?: unknown }).type;
        if (type === 'PERSON') return isCitizenIdNo(value);
        if (type === 'COMPANY') return isUnifiedSocialCreditCode(value);
        return true; // the type's own rule reports it
      },
      defaultMessage: (args) =>
        (args?.object as { type?: unknown }).type === 'COMPANY'
          ? 'idNo must be an 18-character 统一社会信用代码 with a valid check character'
          : 'idNo must be an 18-character 公民身份号码 with a valid check character',
    },
  });

/** `registry.stations.v1`, key `stationId`. */
export class StationRecordV1Dto {
  @Length(1, 32)
  @IsString()
  @Matches(STATION_ID_PREFIX, { message: 'stationId must start with a 6-digit administrative division code' })
  stationId!: string;

  @Length(1, 100)
  @IsString()
  name!: string;

  @Matches(DIVISION_CODE, { message: 'divisionCode must be 6 digits' })
  @IsString()
  divisionCode!: string;

  @IsIn(WEIGHING_SOURCES, { message: `kind must be one of ${WEIGHING_SOURCES.join(', ')}` })
  kind!: WeighingSource;

  @IsOptional()
  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: ISO_MESSAGE('activeFrom') })
  @IsString()
  activeFrom?: string;

  @IsOptional()
  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: ISO_MESSAGE('activeTo') })
  @IsString()
  activeTo?: string;
}

export class VehicleOwnerDto {
  @Length(1, 100)
  @IsString()
  name!: string;

  @IsIn(OWNER_TYPES, { message: `type must be one of ${OWNER_TYPES.join(', ')}` })
  type!: OwnerType;

  @IsOwnerIdNo()
  @IsString()
  idNo!: string;

  @IsOptional()
  @Matches(/^[0-9+\- ]{5,20}$/, { message: 'phone must be 5-20 digits, spaces, + or -' })
  @IsString()
  phone?: string;
}

/** `registry.vehicles.v1`, key `"<plateColorCode>:<plate>"` (运政 registration). */
export class VehicleRecordV1Dto {
  @MinLength(1)
  @MaxLength(32)
  @IsString()
  plate!: string;

  @IsPlateColor()
  plateColor!: string | number;

  @IsObject({ message: 'owner must be an object' })
  @ValidateNested()
  @Type(() => VehicleOwnerDto)
  owner!: VehicleOwnerDto;

  @IsOptional()
  @IsCreditCode('operatorId')
  @IsString()
  operatorId?: string;

  @IsOptional()
  @Length(1, 32)
  @IsString()
  transportCertNo?: string;

  @IsOptional()
  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: ISO_MESSAGE('certIssuedAt') })
  @IsString()
  certIssuedAt?: string;

  @Matches(DIVISION_CODE, { message: 'registrationRegion must be a 6-digit division code' })
  @IsString()
  registrationRegion!: string;
}

/** `registry.permits.v1`, key `permitNo` (大件运输许可). */
export class PermitRecordV1Dto {
  @Length(1, 64)
  @IsString()
  permitNo!: string;

  @MinLength(1)
  @MaxLength(32)
  @IsString()
  plate!: string;

  @IsPlateColor()
  plateColor!: string | number;

  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: ISO_MESSAGE('validFrom') })
  @IsString()
  validFrom!: string;

  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: ISO_MESSAGE('validTo') })
  @IsString()
  validTo!: string;

  @Min(1)
  @Max(200000)
  @IsInt()
  maxGrossWeightKg!: number;

  @IsOptional()
  @Min(2)
  @Max(12)
  @IsInt()
  axles?: number;

  @IsOptional()
  @ArrayMaxSize(50)
  @IsArray()
  @Length(1, 32, { each: true })
  @IsString({ each: true })
  stationIds?: string[];

  @IsIn(PERMIT_STATUSES, { message: `status must be one of ${PERMIT_STATUSES.join(', ')}` })
  status!: PermitStatus;
}
