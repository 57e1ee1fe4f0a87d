import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { HEALTH_PROBES, HealthController, HealthProbe, HealthService } from './health';
import { MetricsController, MetricsRegistry } from './metrics';

/** /health/live, /health/ready over the given probes, and /metrics. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(probes: Type<HealthProbe>[]): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [HealthController, MetricsController],
      providers: [
        MetricsRegistry,
        HealthService,
        { provide: HEALTH_PROBES, inject: probes, useFactory: (...instances: HealthProbe[]) => instances },
      ],
      exports: [MetricsRegistry, HealthService],
    };
  }
}
