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

/** SPEC §3: 1-64 characters of A-Z a-z 0-9 . _ : - */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** The station id starts with its 6-digit administrative division code (行政区划代码). */
export const STATION_ID_PREFIX = /^\d{6}/;
export const EVIDENCE_URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/** ISO 8601 date-time with an explicit offset (Z or ±hh:mm). */
export const ISO_DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class EvidenceDto {
  @ArrayMaxSize(10)
  @IsArray()
  @IsUrl(EVIDENCE_URL_OPTIONS, { each: true, message: 'each imageUrl must be an http or https URL' })
  imageUrls!: string[];

  @IsOptional()
  @MaxLength(64)
  @IsString()
  deviceCertNo?: string;
}

/** The weigh event v1 as it arrives on `weighing.events.v1` (SPEC §3), before normalisation. */
export class WeighEventV1Dto {
  @Matches(EVENT_ID_PATTERN, { message: 'eventId must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  @IsString()
  eventId!: string;

  @IsIn(WEIGHING_SOURCES, { message: `source must be one of ${WEIGHING_SOURCES.join(', ')}` })
  source!: WeighingSource;

  @Length(1, 32)
  @IsString()
  @Matches(STATION_ID_PREFIX, { message: 'stationId must start with a 6-digit administrative division code' })
  stationId!: string;

  @IsOptional()
  @MinLength(1)
  @MaxLength(16)
  @IsString()
  laneId?: string;

  @Matches(ISO_DATE_TIME_WITH_OFFSET, { message: 'measuredAt must be an ISO 8601 date-time with an offset' })
  @IsString()
  measuredAt!: string;

  @MinLength(1)
  @MaxLength(32)
  @IsString()
  plate!: string;

  /** A code (number or numeric string) or a colour name (SPEC §4.1). */
  @IsPlateColor()
  plateColor!: string | number;

  @Min(2)
  @Max(12)
  @IsInt()
  axles!: number;

  @IsOptional()
  @IsBoolean()
  combination?: boolean;

  @IsOptional()
  @IsBoolean()
  singleDriveAxle?: boolean;

  @Min(0)
  @Max(200000)
  @IsInt()
  grossWeightKg!: number;

  @IsIn(CARGO_STATES, { message: `cargo must be one of ${CARGO_STATES.join(', ')}` })
  cargo!: CargoState;

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
