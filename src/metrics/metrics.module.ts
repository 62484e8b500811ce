import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HttpMetrics } from './http-metrics';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';

@Global()
@Module({
  imports: [AuthModule],
  controllers: [MetricsController],
  providers: [HttpMetrics, MetricsAccessGuard],
  exports: [HttpMetrics],
})
export class MetricsModule {}
