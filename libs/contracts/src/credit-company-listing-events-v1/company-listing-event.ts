import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';
import { LISTING_EVENT_TYPES, type CompanyListingEvent, type ListingEventType } from '@oc/domain';
import { Doc, IsDateTimeWithOffset } from '../message-rules';
import { IsCreditCode } from '../registry-v1/registry-records.dto';

/** A company listing turns no truck back and is never repaired as a vehicle's is (SPEC §4.9). */
export const COMPANY_LISTING_EVENT_TYPES = LISTING_EVENT_TYPES.filter((t) => t !== 'REPAIRED');

/**
 * `credit.company-listing-events.v1`, key = operatorId: a company listing's steps (道路运输企业, SPEC
 * §4.9), in order per company, through the outbox.
 */
export class CompanyListingEventV1 implements CompanyListingEvent {
  @Doc('"<companyListingId>:<type>": the same on every redelivery; deduplicate on it')
  @Matches(
    new RegExp(
      `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:(${COMPANY_LISTING_EVENT_TYPES.join('|')})$`,
    ),
  )
  @IsString()
  eventId!: string;

  @IsIn(COMPANY_LISTING_EVENT_TYPES)
  type!: ListingEventType;

  @IsUUID('all')
  companyListingId!: string;

  @Doc('统一社会信用代码 of the 道路运输企业; also the message key')
  @IsCreditCode('operatorId')
  @IsString()
  operatorId!: string;

  @IsDateTimeWithOffset('at')
  @IsString()
  at!: string;

  @Doc('distinct vehicles of the company with a listing in effect within the counting window')
  @Min(0)
  @IsInt()
  vehicleCount!: number;

  @Doc('registered vehicles of the company')
  @Min(0)
  @IsInt()
  fleetSize!: number;

  @Doc('the reason staff gave for an end (REVOKED, WITHDRAWN), or why a posting ended')
  @IsOptional()
  @IsString()
  reason?: string;
}
