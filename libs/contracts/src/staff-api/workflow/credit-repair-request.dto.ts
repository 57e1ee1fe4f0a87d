import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  IsUrl,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

export const APPLICANT_TYPES = ['PERSON', 'COMPANY'] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

export class CreditRepairApplicantDto {
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  name!: string;

  @IsIn(APPLICANT_TYPES, { message: `type must be one of ${APPLICANT_TYPES.join(', ')}` })
  type!: ApplicantType;

  @MaxLength(200)
  @MinLength(1)
  @IsString()
  contact!: string;
}

/** POST /v1/credit-repairs (OFFICER), SPEC §4.5 信用修复. */
export class CreditRepairRequestDto {
  @IsUUID('all', { message: 'listingId must be a UUID' })
  listingId!: string;

  @ValidateNested()
  @Type(() => CreditRepairApplicantDto)
  @IsObject({ message: 'applicant must be an object {name, type, contact}' })
  applicant!: CreditRepairApplicantDto;

  // 信用承诺: the applicant's signed credit commitment is a precondition of the request itself.
  @Equals(true, { message: 'commitment must be true (a signed credit commitment, 信用承诺)' })
  commitment!: boolean;

  @MaxLength(10000)
  @MinLength(1)
  @IsString()
  rectification!: string;

  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { each: true, message: 'each attachment must be an http(s) URL' },
  )
  @ArrayMaxSize(50)
  @IsArray()
  attachments!: string[];
}
