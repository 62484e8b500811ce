import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallTargetsModule } from '../call-targets/call-targets.module';
import { ProvidersModule } from '../providers/providers.module';
import { AgentBindingEntity, AgentEntity } from './agent.entity';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity, AgentBindingEntity]), ProvidersModule, CallTargetsModule],
  controllers: [AgentsController],
  providers: [AgentsService],
  exports: [AgentsService],
})
export class AgentsModule {}
