import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsObject, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import {
  NOTICE_NUMBER_PREFIX,
  type CompanyNoticeDocument,
  type CompanyNoticeVehicle,
  type CompanyParty,
  type NoticeDocument,
  type NoticeParty,
  type NoticeWeighing,
} from '@oc/domain';
import { Doc, IsDateTimeWithOffset, IsNullable, IsPlate, IsPlateColorCode } from '../message-rules';
import { IsCreditCode, OWNER_TYPES } from '../registry-v1/registry-records.dto';
import { EvidenceDto } from '../weighing-events-v1/weigh-event.dto';

/**
 * The notices (告知书, SPEC §4.10) as the notification channel receives them. The classes state the
 * shape the service writes (the domain composes the document: libs/domain notice-document.ts,
 * company-notice-document.ts); the AsyncAPI document is generated from them.
 */
export const NOTICE_NO_PATTERN = new RegExp(`^${NOTICE_NUMBER_PREFIX}〔\\d{4}〕[1-9]\\d*号$`);
export const SERVICE_HINTS = ['TO_PARTY', 'ANNOUNCEMENT'] as const;

export class NoticeVehicleV1 {
  @IsPlate({ unknown: false })
  @IsString()
  plate!: string;

  @IsPlateColorCode()
  plateColor!: number;
}

export class NoticePartyV1 implements NoticeParty {
  @IsString()
  ownerName!: string;

  @IsIn(OWNER_TYPES)
  ownerType!: NoticeParty['ownerType'];

  @IsString()
  ownerIdNo!: string;

  @IsNullable()
  @IsString()
  operatorId!: string | null;

  @IsNullable()
  @IsString()
  transportCertNo!: string | null;

  @Matches(/^\d{6}$/)
  @IsString()
  registrationRegion!: string;
}

export class NoticeWeighingV1 implements NoticeWeighing {
  @IsUUID('all')
  violationId!: string;

  @Doc('the weigh event of the station (weighing.events.v1 eventId)')
  @IsString()
  eventId!: string;

  @IsString()
  stationId!: string;

  @Doc("the station's registered name; null when the station is not in the registry")
  @IsNullable()
  @IsString()
  stationName!: string | null;

  @IsDateTimeWithOffset('measuredAt')
  @IsString()
  measuredAt!: string;

  @IsInt()
  axles!: number;

  @IsInt()
  grossWeightKg!: number;

  @Doc('the limit of 62号令 第三条 for this vehicle')
  @IsInt()
  limitKg!: number;

  @IsInt()
  overKg!: number;

  @Doc("the weigh event's evidence as it arrived; null without one")
  @IsNullable()
  @IsObject()
  @ValidateNested()
  @Type(() => EvidenceDto)
  evidence!: unknown;
}

export class NoticeTripV1 {
  @Doc('1, 2, 3 … in the order of the trips')
  @Min(1)
  @IsInt()
  seq!: number;

  @IsString()
  tripId!: string;

  @Doc('the weighings of the trip (one act, however many weighings: SPEC §4.3)')
  @ValidateNested({ each: true })
  @Type(() => NoticeWeighingV1)
  @IsArray()
  weighings!: NoticeWeighingV1[];
}

export class NoticePeriodV1 {
  @Doc('NOTICE_PERIOD_WORKING_DAYS: working days from the day after service; 0: in effect at once')
  @Min(0)
  @IsInt()
  workingDays!: number;

  @IsString()
  text!: string;
}

export class NoticeDocumentV1 implements NoticeDocument {
  @IsString()
  title!: string;

  @Matches(NOTICE_NO_PATTERN)
  @IsString()
  noticeNo!: string;

  @IsDateTimeWithOffset('issuedAt')
  @IsString()
  issuedAt!: string;

  @Doc('the registered party as of the notice; null: not in the vehicle registry, served by announcement')
  @IsNullable()
  @IsObject()
  @ValidateNested()
  @Type(() => NoticePartyV1)
  party!: NoticePartyV1 | null;

  @IsIn(SERVICE_HINTS)
  serviceHint!: NoticeDocument['serviceHint'];

  @IsObject()
  @ValidateNested()
  @Type(() => NoticeVehicleV1)
  vehicle!: NoticeVehicleV1;

  @IsDateTimeWithOffset('listedAt')
  @IsString()
  listedAt!: string;

  @IsString()
  grounds!: string;

  @ValidateNested({ each: true })
  @Type(() => NoticeTripV1)
  @IsArray()
  trips!: NoticeTripV1[];

  @IsString({ each: true })
  @IsArray()
  basis!: string[];

  @IsString({ each: true })
  @IsArray()
  consequences!: string[];

  @IsString({ each: true })
  @IsArray()
  rights!: string[];

  @IsObject()
  @ValidateNested()
  @Type(() => NoticePeriodV1)
  period!: NoticePeriodV1;

  @IsString({ each: true })
  @IsArray()
  repair!: string[];
}

/**
 * `credit.notices.v1` (SPEC §4.10), key = vehicle key: a notice for the notification channel (SMS
 * gateway, post). The channel answers on `credit.notice-receipts.v1` once it was delivered.
 */
export class NoticeMessageV1 {
  @Doc('the id a delivery receipt names (credit.notice-receipts.v1 key and noticeId)')
  @IsUUID('all')
  noticeId!: string;

  @Doc('湖交超告〔YYYY〕N号, sequential per year of issue (Asia/Shanghai)')
  @Matches(NOTICE_NO_PATTERN)
  @IsString()
  noticeNo!: string;

  @IsUUID('all')
  listingId!: string;

  @IsPlate({ unknown: false })
  @IsString()
  plate!: string;

  @IsPlateColorCode()
  plateColor!: number;

  @IsDateTimeWithOffset('issuedAt')
  @IsString()
  issuedAt!: string;

  @Doc("the registered party's phone, when the registry has one; null: service by announcement (公告送达)")
  @IsNullable()
  @IsString()
  contactPhone!: string | null;

  @Doc('the notice as issued, kept as issued')
  @IsObject()
  @ValidateNested()
  @Type(() => NoticeDocumentV1)
  document!: NoticeDocumentV1;
}

export class CompanyPartyV1 implements CompanyParty {
  @Doc("the company's name as the vehicle registry gives it; null: unknown")
  @IsNullable()
  @IsString()
  name!: string | null;

  @IsString()
  operatorId!: string;
}

export class CompanyNoticeVehicleV1 implements CompanyNoticeVehicle {
  @IsPlate({ unknown: false })
  @IsString()
  plate!: string;

  @IsPlateColorCode()
  plateColor!: number;

  @IsUUID('all')
  listingId!: string;

  @IsDateTimeWithOffset('effectiveAt')
  @IsString()
  effectiveAt!: string;
}

export class CompanyNoticeDocumentV1 implements CompanyNoticeDocument {
  @IsIn(['COMPANY'])
  kind!: 'COMPANY';

  @IsString()
  title!: string;

  @Matches(NOTICE_NO_PATTERN)
  @IsString()
  noticeNo!: string;

  @IsDateTimeWithOffset('issuedAt')
  @IsString()
  issuedAt!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => CompanyPartyV1)
  party!: CompanyPartyV1;

  @IsIn(SERVICE_HINTS)
  serviceHint!: CompanyNoticeDocument['serviceHint'];

  @IsDateTimeWithOffset('listedAt')
  @IsString()
  listedAt!: string;

  @Doc('registered vehicles of the company')
  @Min(0)
  @IsInt()
  fleetSize!: number;

  @Doc('its vehicles with a listing in effect within the counting window')
  @ValidateNested({ each: true })
  @Type(() => CompanyNoticeVehicleV1)
  @IsArray()
  vehicles!: CompanyNoticeVehicleV1[];

  @IsString()
  grounds!: string;

  @IsString({ each: true })
  @IsArray()
  basis!: string[];

  @IsString({ each: true })
  @IsArray()
  consequences!: string[];

  @IsString({ each: true })
  @IsArray()
  rights!: string[];

  @IsObject()
  @ValidateNested()
  @Type(() => NoticePeriodV1)
  period!: NoticePeriodV1;

  @IsString({ each: true })
  @IsArray()
  repair!: string[];
}

/**
 * `credit.company-notices.v1`, key = operatorId: a company listing's notice (SPEC §4.9) for the
 * notification channel. Its receipt comes back on `credit.notice-receipts.v1` like a vehicle's.
 */
export class CompanyNoticeMessageV1 {
  @IsUUID('all')
  noticeId!: string;

  @Matches(NOTICE_NO_PATTERN)
  @IsString()
  noticeNo!: string;

  @IsUUID('all')
  companyListingId!: string;

  @Doc('统一社会信用代码 of the 道路运输企业; also the message key')
  @IsCreditCode('operatorId')
  @IsString()
  operatorId!: string;

  @IsDateTimeWithOffset('issuedAt')
  @IsString()
  issuedAt!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => CompanyNoticeDocumentV1)
  document!: CompanyNoticeDocumentV1;
}
