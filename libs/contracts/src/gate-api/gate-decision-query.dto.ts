import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { normalizePlate, parsePlateColor, validatePlate } from '@oc/domain';
import { CARGO_STATES } from '../weighing-events-v1/weigh-event.dto';
import type { CargoState } from '../weighing-events-v1/weigh-event.dto';

/** A query string's integer as a number; anything else as it came (then refused by @IsInt). */
export const queryInt = (value: unknown): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
/** 'true' / 'false' as booleans; anything else as it came (then refused by @IsBooleanFlag). */
export const queryFlag = (value: unknown): unknown => (value === 'true' ? true : value === 'false' ? false : value);
const toInt = ({ value }: { value: unknown }): unknown => queryInt(value);
const toBool = ({ value }: { value: unknown }): unknown => queryFlag(value);

const IsPlate = (): PropertyDecorator =>
  ValidateBy({
    name: 'isPlate',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && validatePlate(normalizePlate(value)).ok,
      defaultMessage: (args) => {
        const check =
          typeof args?.value === 'string'
            ? validatePlate(normalizePlate(args.value))
            : { ok: false as const, reason: 'plate must be a string' };
        return check.ok ? 'plate is not valid' : check.reason;
      },
    },
  });

const IsPlateColorValue = (): PropertyDecorator =>
  ValidateBy({
    name: 'isPlateColor',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parsePlateColor(value) !== undefined,
      defaultMessage: () => 'plateColor must be one of the codes 0-7, 11, 12 or their names (BLUE, YELLOW, …)',
    },
  });

const IsBooleanFlag = (): PropertyDecorator =>
  ValidateBy({
    name: 'isBooleanFlag',
    validator: {
      validate: (value: unknown) => typeof value === 'boolean',
      defaultMessage: (a) => `${a?.property} must be true or false`,
    },
  });

/** GET /v1/gate/decision query (SPEC §4.6, §6). The entry scale's reading is optional. */
export class GateDecisionQueryDto {
  @IsPlate()
  @MaxLength(32)
  @MinLength(1)
  @IsString()
  plate!: string;

  @IsPlateColorValue()
  plateColor!: string;

  @IsOptional()
  @IsIn(CARGO_STATES, { message: `cargo must be one of ${CARGO_STATES.join(', ')}` })
  cargo?: CargoState;

  @IsOptional()
  @Transform(toInt)
  @Min(2)
  @Max(12)
  @IsInt({ message: 'axles must be an integer from 2 to 12' })
  axles?: number;

  @IsOptional()
  @Transform(toBool)
  @IsBooleanFlag()
  combination?: boolean;

  @IsOptional()
  @Transform(toBool)
  @IsBooleanFlag()
  singleDriveAxle?: boolean;

  @IsOptional()
  @Transform(toInt)
  @Min(0)
  @Max(200000)
  @IsInt({ message: 'grossWeightKg must be an integer from 0 to 200000' })
  grossWeightKg?: number;

  @IsOptional()
  @MaxLength(64)
  @MinLength(1)
  @IsString()
  permitNo?: string;

  @IsOptional()
  @MaxLength(16)
  @MinLength(1)
  @IsString()
  laneId?: string;
}

// The answer's shape lives beside the query's; both are the gate-api contract.
export * from './gate-decision-response';
