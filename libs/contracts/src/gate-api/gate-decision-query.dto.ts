import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
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
  @JSONSchema({
    description: '车牌号 (SPEC §4.1): 规范形式; 服务端先规范化 (全角转半角, 去掉空格 · - ., 转大写) 再校验',
  })
  @IsPlate()
  @MaxLength(32)
  @MinLength(1)
  @IsString()
  plate!: string;

  @JSONSchema({ description: '车牌颜色: 代码 0-7, 11, 12 或名称 (BLUE, YELLOW, …; 名称不区分大小写)' })
  @IsPlateColorValue()
  plateColor!: string;

  @JSONSchema({ description: '货物状态 (缺省 UNKNOWN, 按载货处理)' })
  @IsOptional()
  @IsIn(CARGO_STATES, { message: `cargo must be one of ${CARGO_STATES.join(', ')}` })
  cargo?: CargoState;

  @JSONSchema({ description: '入口称重: 轴数 (与 grossWeightKg 同时给出)' })
  @IsOptional()
  @Transform(toInt)
  @Min(2)
  @Max(12)
  @IsInt({ message: 'axles must be an integer from 2 to 12' })
  axles?: number;

  @JSONSchema({ description: '汽车列车 (缺省: 五轴及以上为汽车列车)' })
  @IsOptional()
  @Transform(toBool)
  @IsBooleanFlag()
  combination?: boolean;

  @JSONSchema({ description: '六轴及以上汽车列车, 牵引车驱动轴为单轴 (限值 46,000 kg)' })
  @IsOptional()
  @Transform(toBool)
  @IsBooleanFlag()
  singleDriveAxle?: boolean;

  @JSONSchema({ description: '入口称重: 车货总质量 kg (与 axles 同时给出)' })
  @IsOptional()
  @Transform(toInt)
  @Min(0)
  @Max(200000)
  @IsInt({ message: 'grossWeightKg must be an integer from 0 to 200000' })
  grossWeightKg?: number;

  @JSONSchema({
    description:
      '超限运输车辆通行证号 (大件运输许可): 仅当许可登记中该证覆盖本车(车牌与颜色)、当前时间、本重量和本站时免于 OVERLIMIT (62号令 第二十七条)',
  })
  @IsOptional()
  @MaxLength(64)
  @MinLength(1)
  @IsString()
  permitNo?: string;

  @JSONSchema({ description: '车道号 (写入劝返记录)' })
  @IsOptional()
  @MaxLength(16)
  @MinLength(1)
  @IsString()
  laneId?: string;
}

// The answer's shape lives beside the query's; both are the gate-api contract.
export * from './gate-decision-response';
