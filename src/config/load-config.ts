import { plainToInstance } from 'class-transformer';
import type { ValidationError } from 'class-validator';
import { validateSync } from 'class-validator';
import { existsSync, readFileSync } from 'node:fs';
import { firstBrokenRule } from '../common/validation-order';
import { ConfigVariables, variableMeta } from './config.variables';
import { parseDeclaredConnections } from './declared-connections';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Source = Record<string, unknown>;

/** Reads the optional JSON file; its keys are the same names as the variables. */
function readConfigFile(path: string | undefined): Source {
  if (!path) return {};
  if (!existsSync(path)) throw new ConfigError([`SWITCHBOARD_CONFIG_FILE: no file at ${path}`]);
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Source;
  } catch (e) {
    throw new ConfigError([`SWITCHBOARD_CONFIG_FILE: ${path} is not a JSON object (${(e as Error).message})`]);
  }
}

function describe(errors: ValidationError[]): string[] {
  // One line per bad variable: the first rule it breaks (type before range) says enough.
  return errors.flatMap((e) => {
    const message = firstBrokenRule(e);
    return message === undefined ? [] : [`${e.property} ${message}`];
  });
}

/**
 * Builds and validates the configuration. Unknown keys in the environment are ignored
 * (it holds much else); all bad values are reported together.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConfigVariables {
  const file = readConfigFile(env.SWITCHBOARD_CONFIG_FILE);
  const known = [...variableMeta().keys()];
  const merged: Source = {};
  for (const key of known) {
    const value = env[key] ?? file[key];
    if (value !== undefined) merged[key] = typeof value === 'string' ? value.trim() : value;
  }
  const config = plainToInstance(ConfigVariables, merged);
  const problems = describe(validateSync(config, { skipMissingProperties: false }));
  const declared = parseDeclaredConnections(file.providers, env);
  problems.push(...declared.problems);
  if (problems.length) throw new ConfigError(problems);
  config.providers = declared.connections;
  return config;
}

/** The configuration with sensitive values masked, for logs and diagnostics. */
export function redactedConfig(config: ConfigVariables): Record<string, unknown> {
  return Object.fromEntries(
    [...variableMeta().entries()].map(([key, meta]) => {
      const value = (config as unknown as Record<string, unknown>)[key];
      return [key, meta.sensitive && value !== undefined ? '[redacted]' : value];
    }),
  );
}
