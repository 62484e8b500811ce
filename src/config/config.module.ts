import { Global, Module } from '@nestjs/common';
import { ConfigVariables } from './config.variables';

/** Makes the one validated ConfigVariables instance injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ConfigVariables) {
    return {
      module: ConfigModule,
      providers: [{ provide: ConfigVariables, useValue: config }],
      exports: [ConfigVariables],
    };
  }
}
