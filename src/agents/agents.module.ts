import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { ProvidersModule } from '../providers/providers.module';
import { AgentBindingEntity, AgentEntity } from './agent.entity';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity, AgentBindingEntity, ProviderConnectionEntity]), ProvidersModule],
  controllers: [AgentsController],
  providers: [AgentsService],
  exports: [AgentsService],
})
export class AgentsModule {}
