import { Inject, Injectable, Logger } from '@nestjs/common';
import { KafkaContext } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import Redis from 'ioredis';
import { In, Repository } from 'typeorm';
import { AppConfig, creditRulesFrom, overlimitRulesFrom } from '@oc/config';
import { MAX_CLOCK_AHEAD_MS, topics, WeighEventV1Dto } from '@oc/contracts';
import {
  classifyWeighing,
  CreditRules,
  deriveCredit,
  normalizePlate,
  parsePlateColor,
  validatePlate,
} from '@oc/domain';
import { ListingEntity } from './listing.entity';
import { ViolationEntity } from './violation.entity';
import { WeighingEntity } from './weighing.entity';

export const NAIVE_REDIS = Symbol('NAIVE_REDIS');

/**
 * What a team writes first: one message at a time, validate it with class-validator, classify it with
 * the product's rules, `repository.save()` the weighing, and for a violation `save()` it too, reload
 * the vehicle's violations, count its trips (the product's `deriveCredit`) and create the listing at
 * the threshold, with its Redis entry and listing event. Invalid messages go to the DLQ one by one.
 */
@Injectable()
export class NaiveIngestService {
  private readonly logger = new Logger('NaiveIngest');
  private readonly rules: CreditRules;
  private readonly dlqTopic: string;
  private readonly listingTopic: string;

  constructor(
    private readonly config: AppConfig,
    @InjectRepository(WeighingEntity) private readonly weighings: Repository<WeighingEntity>,
    @InjectRepository(ViolationEntity) private readonly violations: Repository<ViolationEntity>,
    @InjectRepository(ListingEntity) private readonly listings: Repository<ListingEntity>,
    @Inject(NAIVE_REDIS) private readonly redis: Redis,
  ) {
    this.rules = creditRulesFrom(config);
    this.dlqTopic = topics(config.TOPIC_PREFIX).weighingEventsDlq;
    this.listingTopic = topics(config.TOPIC_PREFIX).listingEvents;
  }

  async handle(payload: unknown, context: KafkaContext): Promise<void> {
    const now = new Date();
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return this.deadLetter(context, 'BAD_JSON', [{ field: '(message)', message: 'not a JSON object' }]);
    }
    const event = plainToInstance(WeighEventV1Dto, payload);
    const errors = await validate(event, { whitelist: true, forbidNonWhitelisted: true });
    const details = errors.map((e) => ({ field: e.property, message: Object.values(e.constraints ?? {}).join('; ') }));
    const plate = typeof event.plate === 'string' ? normalizePlate(event.plate) : '';
    const plateCheck = validatePlate(plate);
    if (!plateCheck.ok) details.push({ field: 'plate', message: plateCheck.reason });
    const plateColor = parsePlateColor(event.plateColor);
    const measuredAt = new Date(event.measuredAt);
    if (measuredAt.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS)
      details.push({ field: 'measuredAt', message: 'more than 5 minutes after receipt' });
    if (details.length > 0 || plateColor === undefined) return this.deadLetter(context, 'SCHEMA_INVALID', details);

    const combination = event.combination ?? event.axles >= 5;
    const result = classifyWeighing(
      {
        plate,
        vehicleKey: `${plateColor}:${plate}`,
        source: event.source,
        stationId: event.stationId,
        measuredAt,
        axles: event.axles,
        combination,
        singleDriveAxle: event.singleDriveAxle ?? false,
        grossWeightKg: event.grossWeightKg,
        permitNo: event.permitNo,
      },
      overlimitRulesFrom(this.config),
    );
    const vehicleKey = `${plateColor}:${plate}`;
    const weighing = this.weighings.create({
      eventId: event.eventId,
      source: event.source,
      stationId: event.stationId,
      laneId: event.laneId ?? null,
      measuredAt,
      plate,
      plateColor,
      vehicleKey,
      axles: event.axles,
      combination,
      singleDriveAxle: event.singleDriveAxle ?? false,
      grossWeightKg: event.grossWeightKg,
      cargo: event.cargo,
      permitNo: event.permitNo ?? null,
      evidence: event.evidence ?? null,
      classification: result.classification,
      limitKg: result.limitKg,
      overKg: result.overKg,
      suggestedFineYuan: result.suggestedFineYuan,
      kafkaTopic: context.getTopic(),
      kafkaPartition: context.getPartition(),
      kafkaOffset: context.getMessage().offset,
    });
    try {
      await this.weighings.save(weighing);
    } catch (error) {
      // A repeated eventId (unique index): the event was stored before; ignore it (SPEC §3).
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') return;
      throw error;
    }
    if (result.classification !== 'VIOLATION') return;

    const violation = this.violations.create({
      weighingId: weighing.id,
      eventId: weighing.eventId,
      vehicleKey,
      stationId: weighing.stationId,
      measuredAt,
      axles: weighing.axles,
      grossWeightKg: weighing.grossWeightKg,
      limitKg: result.limitKg,
      overKg: result.overKg,
      suggestedFineYuan: result.suggestedFineYuan!,
      listingId: null,
      status: 'OPEN',
    });
    await this.violations.save(violation);
    await this.countAndList(vehicleKey, plate, plateColor, now, context);
  }

  /** Recounts one vehicle from its stored violations and lists it when it reaches the threshold. */
  private async countAndList(
    vehicleKey: string,
    plate: string,
    plateColor: number,
    now: Date,
    context: KafkaContext,
  ): Promise<void> {
    const stored = await this.violations.find({ where: { vehicleKey }, order: { measuredAt: 'ASC' } });
    const counted = stored.filter((v) => v.status !== 'REVOKED');
    const latest = counted.reduce((max, v) => Math.max(max, v.measuredAt.getTime()), 0);
    const derived = deriveCredit({
      violations: counted.map((v) => ({ id: v.id, eventId: v.eventId, measuredAt: v.measuredAt })),
      endings: [],
      rules: this.rules,
      now: new Date(Math.max(now.getTime(), latest)),
    });
    const current = derived.listings.find((l) => l.status === 'OPEN');
    if (!current) return;

    let listing = await this.listings.findOne({ where: { vehicleKey, status: In(['LISTED', 'PUBLISHED']) } });
    if (!listing) {
      listing = this.listings.create({
        vehicleKey,
        plate,
        plateColor,
        status: 'LISTED',
        listedAt: current.listedAt,
        // The naive baseline knows no notice period: its listings take effect at once (expiry known).
        expiresAt: current.expiresAt!,
        violationCount: current.violationCount,
      });
      await this.listings.save(listing);
      await context.getProducer().send({
        topic: this.listingTopic,
        messages: [
          {
            key: vehicleKey,
            value: JSON.stringify({
              eventId: `${listing.id}:LISTED`,
              type: 'LISTED',
              listingId: listing.id,
              plate,
              plateColor,
              at: listing.listedAt.toISOString(),
              violationCount: listing.violationCount,
            }),
          },
        ],
      });
    } else if (listing.violationCount !== current.violationCount) {
      listing.violationCount = current.violationCount;
      await this.listings.save(listing);
    } else {
      return;
    }
    await this.violations.update({ id: In(current.violationIds) }, { listingId: listing.id });
    await this.redis.hset(`${this.config.REDIS_KEY_PREFIX}vehicle:${vehicleKey}`, {
      v: Date.now(),
      s: listing.status,
      id: listing.id,
      at: listing.listedAt.toISOString(),
      n: listing.violationCount,
    });
  }

  private async deadLetter(
    context: KafkaContext,
    code: string,
    details: { field: string; message: string }[],
  ): Promise<void> {
    const message = context.getMessage();
    this.logger.debug(`dead-lettering offset ${message.offset}: ${code}`);
    await context.getProducer().send({
      topic: this.dlqTopic,
      messages: [
        {
          key: message.key,
          // Nest's parser has already turned a JSON value into an object: write it back as JSON.
          value:
            typeof message.value === 'string' || message.value === null ? message.value : JSON.stringify(message.value),
          headers: {
            'error-code': code,
            'error-detail': JSON.stringify(details),
            'original-topic': context.getTopic(),
            'original-partition': String(context.getPartition()),
            'original-offset': message.offset,
            'failed-at': new Date().toISOString(),
          },
        },
      ],
    });
  }
}
