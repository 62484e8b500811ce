import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from './data-source-options';
import { EmbeddedPostgres } from './embedded-postgres';

/** Where the data lives: real PostgreSQL, or the embedded engine opened before the app. */
export type DatabaseTarget = { url: string } | { embedded: EmbeddedPostgres };

/** Injection token of the embedded engine (null on real PostgreSQL). */
export const EMBEDDED_POSTGRES = 'EMBEDDED_POSTGRES';

@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  static forRoot(target: DatabaseTarget): DynamicModule {
    const embedded = { provide: EMBEDDED_POSTGRES, useValue: 'embedded' in target ? target.embedded : null };
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(target),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrationsLocked(dataSource, 'embedded' in target);
            return dataSource;
          },
        }),
      ],
      providers: [embedded],
      exports: [embedded],
    };
  }

  /** The pool must close before the embedded engine it talks to. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
