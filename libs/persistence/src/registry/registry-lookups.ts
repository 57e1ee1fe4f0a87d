import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { PermitRecord, StationActivity } from '@oc/domain';
import { PERMIT_COLUMNS, permitOf, PermitRow } from './permit-rows';

/** The party of a listing, from the vehicle registry as of the listing's creation (listings.party). */
export interface ListingParty {
  ownerName: string;
  ownerType: 'PERSON' | 'COMPANY';
  ownerIdNo: string;
  operatorId: string | null;
  transportCertNo: string | null;
  registrationRegion: string;
}

/** The registry reads of the write paths: one statement per batch each, never one per message. */
@Injectable()
export class RegistryLookups {
  async stations(manager: EntityManager, stationIds: string[]): Promise<Map<string, StationActivity>> {
    if (stationIds.length === 0) return new Map();
    const rows = (await manager.query(
      `SELECT station_id, active_from, active_to FROM stations WHERE station_id = ANY($1::text[])`,
      [stationIds],
    )) as { station_id: string; active_from: Date | null; active_to: Date | null }[];
    return new Map(rows.map((r) => [r.station_id, { activeFrom: r.active_from, activeTo: r.active_to }]));
  }

  async permits(manager: EntityManager, permitNos: string[]): Promise<Map<string, PermitRecord>> {
    if (permitNos.length === 0) return new Map();
    const rows = (await manager.query(
      `SELECT ${PERMIT_COLUMNS} FROM registry_permits WHERE permit_no = ANY($1::text[])`,
      [permitNos],
    )) as PermitRow[];
    return new Map(rows.map((r) => [r.permit_no, permitOf(r)]));
  }

  /**
   * The registration of each registered vehicle (SPEC §4.9): the party a new listing names, and the
   * owner's phone (the notification channel's address, never copied into the listing). One read for both.
   */
  async registrations(
    manager: EntityManager,
    vehicleKeys: string[],
  ): Promise<Map<string, { party: ListingParty; phone: string | null }>> {
    if (vehicleKeys.length === 0) return new Map();
    const rows = (await manager.query(
      `SELECT vehicle_key, owner_name, owner_type, owner_id_no, operator_id, transport_cert_no, registration_region,
              owner_phone
       FROM registry_vehicles WHERE vehicle_key = ANY($1::text[])`,
      [vehicleKeys],
    )) as {
      vehicle_key: string;
      owner_name: string;
      owner_type: ListingParty['ownerType'];
      owner_id_no: string;
      operator_id: string | null;
      transport_cert_no: string | null;
      registration_region: string;
      owner_phone: string | null;
    }[];
    return new Map(
      rows.map((r) => [
        r.vehicle_key,
        {
          party: {
            ownerName: r.owner_name,
            ownerType: r.owner_type,
            ownerIdNo: r.owner_id_no,
            operatorId: r.operator_id,
            transportCertNo: r.transport_cert_no,
            registrationRegion: r.registration_region,
          },
          phone: r.owner_phone,
        },
      ]),
    );
  }
}
