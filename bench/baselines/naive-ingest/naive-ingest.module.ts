import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { AppConfig } from '@oc/config';
import { ListingEntity } from './listing.entity';
import { NAIVE_REDIS, NaiveIngestService } from './naive-ingest.service';
import { NaiveWeighingController } from './naive-weighing.controller';
import { ViolationEntity } from './violation.entity';
import { WeighingEntity } from './weighing.entity';

@Module({})
export class NaiveIngestModule {
  static register(config: AppConfig): DynamicModule {
    const entities = [WeighingEntity, ViolationEntity, ListingEntity];
    return {
      module: NaiveIngestModule,
      imports: [
        // The tables are the product's, created by its migrations in the baseline's own database.
        TypeOrmModule.forRoot({ type: 'postgres', url: config.DATABASE_URL, entities, synchronize: false }),
        TypeOrmModule.forFeature(entities),
      ],
      controllers: [NaiveWeighingController],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: NAIVE_REDIS, useFactory: () => new Redis(config.REDIS_URL) },
        NaiveIngestService,
      ],
    };
  }
}
