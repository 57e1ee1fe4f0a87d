import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The product's `violations` table; trip ids and case processing are not written by the baseline. */
@Entity('violations')
export class ViolationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'weighing_id', type: 'bigint' }) weighingId!: string;
  @Column({ name: 'event_id', type: 'text' }) eventId!: string;
  @Column({ name: 'vehicle_key', type: 'text' }) vehicleKey!: string;
  @Column({ name: 'station_id', type: 'text' }) stationId!: string;
  @Column({ name: 'measured_at', type: 'timestamptz' }) measuredAt!: Date;
  @Column({ type: 'smallint' }) axles!: number;
  @Column({ name: 'gross_weight_kg', type: 'integer' }) grossWeightKg!: number;
  @Column({ name: 'limit_kg', type: 'integer' }) limitKg!: number;
  @Column({ name: 'over_kg', type: 'integer' }) overKg!: number;
  @Column({ name: 'suggested_fine_yuan', type: 'integer' }) suggestedFineYuan!: number;
  @Column({ name: 'listing_id', type: 'uuid', nullable: true }) listingId!: string | null;
  @Column({ type: 'text' }) status!: string;
}
