import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsDateTime } from '../../date-time';

/** POST /v1/violations/:id/processing (SPEC §4.4 已处理: case number, fine, processed date). */
export class ProcessViolationDto {
  @MaxLength(64)
  @MinLength(1)
  @IsString()
  caseNo!: string;

  // 62号令 第四十三条: fines run up to 30,000 yuan per act; the bound only catches typing errors.
  @Max(1_000_000)
  @Min(0)
  @IsInt({ message: 'fineYuan must be a whole number of yuan' })
  fineYuan!: number;

  @IsDateTime()
  processedAt!: string;
}

/**
 * POST /v1/violations/:id/revocation (device fault, successful appeal …): proposes; nothing changes
 * until a LEGAL_REVIEWER who is not the proposer approves (SPEC §4.4).
 */
export class RevokeViolationDto {
  @MaxLength(1000)
  @MinLength(1)
  @IsString()
  reason!: string;

  /** A PROCESSED violation is revoked only together with its case: this must then be true. */
  @IsOptional()
  @IsBoolean({ message: 'withCase must be true or false' })
  withCase?: boolean;
}
