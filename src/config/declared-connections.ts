import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '../common/validation';
import { CreateProviderDto } from '../providers/dto/provider.dto';

/**
 * Provider connections declared in the config file (`"providers": [...]`), same fields as
 * POST /v1/providers. Secrets should not sit in the file: any string may say `${VAR}` and is
 * filled from the environment. Returns the declarations and every problem found.
 */
export function parseDeclaredConnections(
  raw: unknown,
  env: NodeJS.ProcessEnv,
): { connections: CreateProviderDto[]; problems: string[] } {
  if (raw === undefined) return { connections: [], problems: [] };
  if (!Array.isArray(raw)) return { connections: [], problems: ['providers: must be an array of connections'] };
  const problems: string[] = [];
  const connections: CreateProviderDto[] = [];
  const names = new Set<string>();
  raw.forEach((entry, i) => {
    const missing: string[] = [];
    const expanded = expand(entry, env, `providers[${i}]`, missing);
    problems.push(...missing);
    const dto = plainToInstance(CreateProviderDto, expanded);
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    // A missing variable already explains the empty value it left behind.
    if (!missing.length)
      for (const p of flattenValidationErrors(errors)) problems.push(`providers[${i}].${p.field}: ${p.message}`);
    if (dto && typeof dto.name === 'string') {
      if (names.has(dto.name)) problems.push(`providers[${i}].name: '${dto.name}' is declared twice`);
      names.add(dto.name);
    }
    if (!errors.length) connections.push(dto);
  });
  return { connections, problems };
}

function expand(value: unknown, env: NodeJS.ProcessEnv, path: string, problems: string[]): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) problems.push(`${path}: environment variable ${name} is not set`);
      return found ?? '';
    });
  if (Array.isArray(value)) return value.map((v, i) => expand(v, env, `${path}[${i}]`, problems));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, env, `${path}.${k}`, problems)]));
  return value;
}
