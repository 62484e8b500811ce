import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentBindingEntity, AgentEntity } from '../agents/agent.entity';
import { ProvidersModule } from '../providers/providers.module';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity, AgentBindingEntity]), ProvidersModule],
  controllers: [SandboxController],
  providers: [SandboxService],
})
export class SandboxModule {}
