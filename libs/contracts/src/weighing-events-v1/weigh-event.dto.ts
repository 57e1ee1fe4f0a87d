import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { parsePlateColor } from '@oc/domain';
import { Doc, IsDateTimeWithOffset, IsPlate } from '../message-rules';

export const WEIGHING_SOURCES = ['TOLL_ENTRY', 'WEIGH_STATION', 'MOBILE_UNIT'] as const;
export type WeighingSource = (typeof WEIGHING_SOURCES)[number];
export const CARGO_STATES = ['LADEN', 'EMPTY', 'UNKNOWN'] as const;
export type CargoState = (typeof CARGO_STATES)[number];

/** A plate colour code (number or numeric string) or name (SPEC §4.1); shared by every record that names a vehicle. */
export const IsPlateColor = (): PropertyDecorator =>
  ValidateBy({
    name: 'isPlateColor',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'string' || typeof value === 'number') && parsePlateColor(value) !== undefined,
      defaultMessage: () => 'plateColor must be one of the codes 0-7, 11, 12 or their names (BLUE, YELLOW, …)',
    },
  });

/** `true` only on a vehicle of at least `axles` axles (a cross-field rule: the schema states it with if/then). */
export const REQUIRES_AXLES_AT_LEAST = 'requiresAxlesAtLeast';
export const SINGLE_DRIVE_AXLE_MIN_AXLES = 6;
const RequiresAxlesAtLeast = (axles: number): PropertyDecorator =>
  ValidateBy({
    name: REQUIRES_AXLES_AT_LEAST,
    constraints: [axles],
    validator: {
      validate: (value: unknown, args) => {
        const total = (args?.object as { axles?: unknown }).axles;
        return value !== true || (typeof total === 'number' && total >= axles);
      },
      defaultMessage: (args) => `${args?.property} applies only to combinations of ${axles} or more axles`,
    },
  });

/** SPEC §3: 1-64 characters of A-Z a-z 0-9 . _ : - */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** The station id starts with its 6-digit administrative division code (行政区划代码). */
export const STATION_ID_PREFIX = /^\d{6}/;
export const EVIDENCE_URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/** ISO 8601 date-time with an explicit offset (Z or ±hh:mm). */
export const ISO_DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class EvidenceDto {
  @Doc('photographs of the vehicle on the scale: at most 10 http or https URLs, each at most 2084 characters')
  @ArrayMaxSize(10)
  @IsArray()
  @IsUrl(EVIDENCE_URL_OPTIONS, { each: true, message: 'each imageUrl must be an http or https URL' })
  imageUrls!: string[];

  @Doc("the scale's metrological certificate number (计量检定证书号)")
  @IsOptional()
  @MaxLength(64)
  @IsString()
  deviceCertNo?: string;
}

/** The weigh event v1 as it arrives on `weighing.events.v1` (SPEC §3), before normalisation. */
export class WeighEventV1Dto {
  @Doc(
    'unique per event and producer-chosen; a repeat with the same content is ignored, a repeat with other ' +
      'content is dead-lettered DUPLICATE_CONFLICT and the stored one stays',
  )
  @Matches(EVENT_ID_PATTERN, { message: 'eventId must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  @IsString()
  eventId!: string;

  @IsIn(WEIGHING_SOURCES, { message: `source must be one of ${WEIGHING_SOURCES.join(', ')}` })
  source!: WeighingSource;

  @Doc(
    'a station of registry.stations.v1 active at measuredAt (else UNKNOWN_STATION); its first 6 digits are ' +
      'its administrative division code',
  )
  @Length(1, 32)
  @IsString()
  @Matches(STATION_ID_PREFIX, { message: 'stationId must start with a 6-digit administrative division code' })
  stationId!: string;

  @IsOptional()
  @MinLength(1)
  @MaxLength(16)
  @IsString()
  laneId?: string;

  @Doc('when the scale weighed; at most 5 minutes after ingest receives it (late uploads are valid)')
  @IsDateTimeWithOffset('measuredAt')
  @IsString()
  measuredAt!: string;

  @Doc(
    'the plate as read, in the national format (province, letter, 5 letters/digits, 6 for new-energy, or a ' +
      'trailer plate ending in 挂); UNKNOWN when the camera read nothing',
  )
  @IsPlate({ unknown: true })
  @MinLength(1)
  @MaxLength(32)
  @IsString()
  plate!: string;

  /** A code (number or numeric string) or a colour name (SPEC §4.1). */
  @Doc('the plate colour: a code of the toll system or its name')
  @IsPlateColor()
  plateColor!: string | number;

  @Min(2)
  @Max(12)
  @IsInt()
  axles!: number;

  @Doc('汽车列车 (tractor and trailer); absent: axles >= 5')
  @IsOptional()
  @IsBoolean()
  combination?: boolean;

  @Doc('a combination of 6 or more axles whose tractor has a single drive axle (limit 46,000 kg)')
  @IsOptional()
  @RequiresAxlesAtLeast(SINGLE_DRIVE_AXLE_MIN_AXLES)
  @IsBoolean()
  singleDriveAxle?: boolean;

  @Doc('车货总质量')
  @Min(0)
  @Max(200000)
  @IsInt()
  grossWeightKg!: number;

  @IsIn(CARGO_STATES, { message: `cargo must be one of ${CARGO_STATES.join(', ')}` })
  cargo!: CargoState;

  @Doc(
    '超限运输车辆通行证: exempts from counting only when registry.permits.v1 holds a permit covering this ' +
      'vehicle, moment, weight and station',
  )
  @IsOptional()
  @MinLength(1)
  @MaxLength(64)
  @IsString()
  permitNo?: string;

  // Without @IsObject an array passed ValidateNested (each element checked, none for []), and the
  // stored evidence had no imageUrls.
  @IsOptional()
  @IsObject({ message: 'evidence must be an object' })
  @ValidateNested()
  @Type(() => EvidenceDto)
  evidence?: EvidenceDto;
}
