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
import { Doc, IsDateTimeWithOffset, IsPlate, RefusesControlCharacters } from '../message-rules';
import {
  IsPlateColor,
  STATION_ID_PREFIX,
  WEIGHING_SOURCES,
  type WeighingSource,
} from '../weighing-events-v1/weigh-event.dto';

/** SPEC §4.9 record shapes: JSON, camelCase, unknown fields refused, times ISO 8601 with an offset. */

export const OWNER_TYPES = ['PERSON', 'COMPANY'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];
/** 行政区划代码: six digits. */
export const DIVISION_CODE = /^\d{6}$/;

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
@RefusesControlCharacters()
export class StationRecordV1Dto {
  @Length(1, 32)
  @IsString()
  @Matches(STATION_ID_PREFIX, { message: 'stationId must start with a 6-digit administrative division code' })
  stationId!: string;

  @Length(1, 100)
  @IsString()
  name!: string;

  @Doc('行政区划代码: the first 6 digits of stationId')
  @Matches(DIVISION_CODE, { message: 'divisionCode must be 6 digits' })
  @IsString()
  divisionCode!: string;

  @IsIn(WEIGHING_SOURCES, { message: `kind must be one of ${WEIGHING_SOURCES.join(', ')}` })
  kind!: WeighingSource;

  @Doc('absent: no bound')
  @IsOptional()
  @IsDateTimeWithOffset('activeFrom')
  @IsString()
  activeFrom?: string;

  @Doc('absent: no bound; not before activeFrom')
  @IsOptional()
  @IsDateTimeWithOffset('activeTo')
  @IsString()
  activeTo?: string;
}

@RefusesControlCharacters()
export class VehicleOwnerDto {
  @Length(1, 100)
  @IsString()
  name!: string;

  @IsIn(OWNER_TYPES, { message: `type must be one of ${OWNER_TYPES.join(', ')}` })
  type!: OwnerType;

  @Doc('公民身份号码 (GB 11643) for a PERSON, 统一社会信用代码 (GB 32100) for a COMPANY, check character verified')
  @IsOwnerIdNo()
  @IsString()
  idNo!: string;

  @IsOptional()
  @Matches(/^[0-9+\- ]{5,20}$/, { message: 'phone must be 5-20 digits, spaces, + or -' })
  @IsString()
  phone?: string;
}

/** `registry.vehicles.v1`, key `"<plateColorCode>:<plate>"` (运政 registration). */
@RefusesControlCharacters()
export class VehicleRecordV1Dto {
  @Doc('a plate in the national format (not UNKNOWN)')
  @IsPlate({ unknown: false })
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

  @Doc("the 道路运输企业's 统一社会信用代码 (GB 32100, check character verified)")
  @IsOptional()
  @IsCreditCode('operatorId')
  @IsString()
  operatorId?: string;

  @Doc('道路运输证号')
  @IsOptional()
  @Length(1, 32)
  @IsString()
  transportCertNo?: string;

  @IsOptional()
  @IsDateTimeWithOffset('certIssuedAt')
  @IsString()
  certIssuedAt?: string;

  @Doc('车籍地: the division code of the registration region')
  @Matches(DIVISION_CODE, { message: 'registrationRegion must be a 6-digit division code' })
  @IsString()
  registrationRegion!: string;
}

/** `registry.permits.v1`, key `permitNo` (大件运输许可). */
@RefusesControlCharacters()
export class PermitRecordV1Dto {
  @Length(1, 64)
  @IsString()
  permitNo!: string;

  @Doc('a plate in the national format (not UNKNOWN)')
  @IsPlate({ unknown: false })
  @MinLength(1)
  @MaxLength(32)
  @IsString()
  plate!: string;

  @IsPlateColor()
  plateColor!: string | number;

  @IsDateTimeWithOffset('validFrom')
  @IsString()
  validFrom!: string;

  @Doc('not before validFrom; both inclusive')
  @IsDateTimeWithOffset('validTo')
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

  @Doc('the route; absent or empty: any station')
  @IsOptional()
  @ArrayMaxSize(50)
  @IsArray()
  @Length(1, 32, { each: true })
  @IsString({ each: true })
  stationIds?: string[];

  @IsIn(PERMIT_STATUSES, { message: `status must be one of ${PERMIT_STATUSES.join(', ')}` })
  status!: PermitStatus;
}
