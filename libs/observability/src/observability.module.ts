import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { HEALTH_DETAILS_FROM, HEALTH_PROBES, HealthController, HealthProbe, HealthService } from './health';
import { addressMatcher } from './addresses';
import { MetricsController, MetricsRegistry } from './metrics';

/** /health/live, /health/ready over the given probes, and /metrics. */
@Global()
@Module({})
export class ObservabilityModule {
  /** `healthDetailsFrom`: who sees which dependency is down and why (HEALTH_DETAILS_FROM); default loopback. */
  static forRoot(probes: Type<HealthProbe>[], options: { healthDetailsFrom?: string } = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [HealthController, MetricsController],
      providers: [
        MetricsRegistry,
        HealthService,
        { provide: HEALTH_PROBES, inject: probes, useFactory: (...instances: HealthProbe[]) => instances },
        { provide: HEALTH_DETAILS_FROM, useValue: addressMatcher(options.healthDetailsFrom ?? 'loopback') },
      ],
      exports: [MetricsRegistry, HealthService],
    };
  }
}
