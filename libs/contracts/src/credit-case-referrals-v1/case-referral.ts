import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsObject, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';
import { Doc, IsDateTimeWithOffset, IsNullable, IsPlate, IsPlateColorCode } from '../message-rules';
import { OWNER_TYPES, type OwnerType } from '../registry-v1/registry-records.dto';

export class CaseReferralOwnerV1 {
  @IsString()
  name!: string;

  @IsIn(OWNER_TYPES)
  type!: OwnerType;

  @IsString()
  idNo!: string;
}

/** A processed violation of the listing (处理完毕), with its decision. */
export class CaseReferralCaseV1 {
  @IsUUID('all')
  violationId!: string;

  @IsString()
  eventId!: string;

  @IsString()
  stationId!: string;

  @IsDateTimeWithOffset('measuredAt')
  @IsString()
  measuredAt!: string;

  @IsInt()
  overKg!: number;

  @Doc('the penalty decision number (处罚决定书文号)')
  @IsNullable()
  @IsString()
  caseNo!: string | null;

  @IsInt()
  fineYuan!: number;

  @IsDateTimeWithOffset('processedAt')
  @IsString()
  processedAt!: string;
}

/**
 * `credit.case-referrals.v1`, key = vehicle key: 抄告 to the vehicle's registration region when every
 * violation of a listing in effect is processed (SPEC §4.10; 62号令: 抄告车籍地道路运输管理机构).
 */
export class CaseReferralV1 {
  @Doc('"<listingId>:REFERRAL": one per listing, the same on every redelivery')
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:REFERRAL$/)
  @IsString()
  referralId!: string;

  @IsDateTimeWithOffset('at')
  @IsString()
  at!: string;

  @IsUUID('all')
  listingId!: string;

  @IsPlate({ unknown: false })
  @IsString()
  plate!: string;

  @IsPlateColorCode()
  plateColor!: number;

  @Doc('车籍地 division code; null: the vehicle is not in the registry')
  @IsNullable()
  @Matches(/^\d{6}$/)
  @IsString()
  registrationRegion!: string | null;

  @IsNullable()
  @IsString()
  transportCertNo!: string | null;

  @IsNullable()
  @IsObject()
  @ValidateNested()
  @Type(() => CaseReferralOwnerV1)
  owner!: CaseReferralOwnerV1 | null;

  @Doc("the listing decision's number (决定书文号), when it had one")
  @IsNullable()
  @IsString()
  decisionNo!: string | null;

  @IsNullable()
  @IsDateTimeWithOffset('effectiveAt')
  @IsString()
  effectiveAt!: string | null;

  @ValidateNested({ each: true })
  @Type(() => CaseReferralCaseV1)
  @IsArray()
  cases!: CaseReferralCaseV1[];
}
