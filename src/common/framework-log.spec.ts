import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LoggerService } from '@nestjs/common';
import { quietFramework } from './framework-log';

describe('quietFramework', () => {
  it("sends Nest's wiring and route lines to debug, everything else where it was going", () => {
    const seen: [string, unknown][] = [];
    const record =
      (level: string) =>
      (message: unknown): void => {
        seen.push([level, message]);
      };
    const inner: LoggerService = {
      log: record('log'),
      error: record('error'),
      warn: record('warn'),
      debug: record('debug'),
    };
    const logger = quietFramework(inner);
    logger.log('Mapped {/v1/calls, POST} route', 'RouterExplorer');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Reconciler started', 'Reconciler');
    logger.warn('vendor refused', 'CallsService');
    assert.deepEqual(seen, [
      ['debug', 'Mapped {/v1/calls, POST} route'],
      ['debug', 'AppModule dependencies initialized'],
      ['log', 'Reconciler started'],
      ['warn', 'vendor refused'],
    ]);
  });
});
