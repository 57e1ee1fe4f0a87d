import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import {
  OWNER_TYPES,
  PageQueryDto,
  PermitNoParamsDto,
  StationsQueryDto,
  VehicleParamsDto,
  WEIGHING_SOURCES,
} from '@oc/contracts';
import { DomainError, DomainErrorCode, type PlateColorCode } from '@oc/domain';
import {
  RegistryReadRepository,
  type OwnerType,
  type Page,
  type RegistryPermitView,
  type RegistryVehicleView,
  type Same,
  type StationKind,
  type StationView,
} from '@oc/persistence';
import { pageRequest } from './page-request';

// The read models spell these out for the console; they must stay the registry contract's.
const codesMatchContract: [
  Same<OwnerType, (typeof OWNER_TYPES)[number]>,
  Same<StationKind, (typeof WEIGHING_SOURCES)[number]>,
] = [true, true];
void codesMatchContract;

/** The registries (SPEC §4.9) as staff read them: any staff role. */
@ApiTags('staff: registries')
@StaffJwtAuth()
@Controller('v1/registry')
export class RegistryController {
  constructor(private readonly registry: RegistryReadRepository) {}

  @Get('vehicles/:plateColor/:plate')
  @ApiOperation({
    summary:
      "A vehicle's registration (运政登记): the current record (null once deleted) and every accepted record, oldest first",
  })
  @ApiOkResponse({
    description:
      '{plate, plateColor, current: {plate, plateColor, owner: {name, type, idNo, phone}, operatorId, transportCertNo, certIssuedAt, registrationRegion, updatedAt} | null, history: [{seq, recordedAt, source: kafka|csv|cli, kafka: {topic, partition, offset} | null, record | null (deleted)}]}',
  })
  @ApiNotFoundResponse({ description: 'the vehicle was never registered' })
  async vehicle(@Param() params: VehicleParamsDto): Promise<RegistryVehicleView> {
    const found = await this.registry.vehicle(params.plateColor as PlateColorCode, params.plate);
    if (!found) {
      throw new DomainError(
        DomainErrorCode.NOT_FOUND,
        `vehicle ${params.plateColor}:${params.plate} was never registered`,
      );
    }
    return found;
  }

  @Get('permits/:permitNo')
  @ApiOperation({
    summary:
      'A permit (大件运输许可): the current record, its history, and the weighings that carried its number with their classification and permitCheck (paged, newest first)',
  })
  @ApiOkResponse({
    description:
      '{permitNo, current: {permitNo, plate, plateColor, validFrom, validTo, maxGrossWeightKg, axles, stationIds, status: ISSUED|REVOKED, version, updatedAt} | null (never registered, or deleted), history: [...], weighings: {items: [{id, eventId, stationId, measuredAt, plate, plateColor, axles, grossWeightKg, classification, permitCheck: UNKNOWN_PERMIT|REVOKED|OTHER_VEHICLE|NOT_VALID_AT_TIME|OVER_PERMITTED_WEIGHT|OFF_ROUTE|null, violationId}], page, pageSize, total}}',
  })
  @ApiNotFoundResponse({ description: 'neither the registry nor any weighing knows the number' })
  async permit(@Param() params: PermitNoParamsDto, @Query() q: PageQueryDto): Promise<RegistryPermitView> {
    const found = await this.registry.permit(params.permitNo, pageRequest(q));
    if (!found) throw new DomainError(DomainErrorCode.NOT_FOUND, `permit ${params.permitNo} is not known`);
    return found;
  }

  @Get('stations')
  @ApiOperation({
    summary:
      'Registered stations by id, with kind, division, active bounds, whether a gate key is active and the time of the last weighing; region = division-code prefix',
  })
  @ApiOkResponse({
    description:
      '{items: [{stationId, name, divisionCode, kind: TOLL_ENTRY|WEIGH_STATION|MOBILE_UNIT|null, activeFrom, activeTo, keyActive, lastWeighingAt, updatedAt}], page, pageSize, total}',
  })
  stations(@Query() q: StationsQueryDto): Promise<Page<StationView>> {
    return this.registry.stations({ region: q.region, kind: q.kind }, pageRequest(q));
  }
}
