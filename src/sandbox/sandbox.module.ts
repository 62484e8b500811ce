import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentBindingEntity, AgentEntity } from '../agents/agent.entity';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { SandboxService } from './sandbox.service';

@Module({
  imports: [TypeOrmModule.forFeature([ProviderConnectionEntity, AgentEntity, AgentBindingEntity])],
  providers: [SandboxService],
})
export class SandboxModule {}
