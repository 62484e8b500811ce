import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentBindingEntity, AgentEntity } from '../agents/agent.entity';
import { CallTargetsModule } from '../call-targets/call-targets.module';
import { ProvidersModule } from '../providers/providers.module';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity, AgentBindingEntity]), ProvidersModule, CallTargetsModule],
  controllers: [SandboxController],
  providers: [SandboxService],
})
export class SandboxModule {}
