import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The product's `listings` table (违法失信清单). */
@Entity('listings')
export class ListingEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'vehicle_key', type: 'text' }) vehicleKey!: string;
  @Column({ type: 'text' }) plate!: string;
  @Column({ name: 'plate_color', type: 'smallint' }) plateColor!: number;
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'listed_at', type: 'timestamptz' }) listedAt!: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
  @Column({ name: 'violation_count', type: 'integer' }) violationCount!: number;
}
