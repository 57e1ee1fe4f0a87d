import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The product's `weighings` table (libs/persistence migrations), mapped the usual TypeORM way. */
@Entity('weighings')
export class WeighingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'event_id', type: 'text' }) eventId!: string;
  @Column({ type: 'text' }) source!: string;
  @Column({ name: 'station_id', type: 'text' }) stationId!: string;
  @Column({ name: 'lane_id', type: 'text', nullable: true }) laneId!: string | null;
  @Column({ name: 'measured_at', type: 'timestamptz' }) measuredAt!: Date;
  @Column({ type: 'text' }) plate!: string;
  @Column({ name: 'plate_color', type: 'smallint' }) plateColor!: number;
  @Column({ name: 'vehicle_key', type: 'text' }) vehicleKey!: string;
  @Column({ type: 'smallint' }) axles!: number;
  @Column({ type: 'boolean' }) combination!: boolean;
  @Column({ name: 'single_drive_axle', type: 'boolean' }) singleDriveAxle!: boolean;
  @Column({ name: 'gross_weight_kg', type: 'integer' }) grossWeightKg!: number;
  @Column({ type: 'text' }) cargo!: string;
  @Column({ name: 'permit_no', type: 'text', nullable: true }) permitNo!: string | null;
  @Column({ type: 'jsonb', nullable: true }) evidence!: object | null;
  @Column({ type: 'text' }) classification!: string;
  @Column({ name: 'limit_kg', type: 'integer' }) limitKg!: number;
  @Column({ name: 'over_kg', type: 'integer' }) overKg!: number;
  @Column({ name: 'suggested_fine_yuan', type: 'integer', nullable: true }) suggestedFineYuan!: number | null;
  @Column({ name: 'kafka_topic', type: 'text', nullable: true }) kafkaTopic!: string | null;
  @Column({ name: 'kafka_partition', type: 'integer', nullable: true }) kafkaPartition!: number | null;
  @Column({ name: 'kafka_offset', type: 'bigint', nullable: true }) kafkaOffset!: string | null;
}
