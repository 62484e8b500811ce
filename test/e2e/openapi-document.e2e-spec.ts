import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import ts from 'typescript';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/** A client of the generated types: what a user of the document would write. */
const CLIENT = `
import type { components, paths } from './api';

type CreateCall = paths['/v1/calls']['post']['requestBody']['content']['application/json'];
type Created = paths['/v1/calls']['post']['responses']['201']['content']['application/json'];
type Call = components['schemas']['Call'];
type Status = components['schemas']['CallStatus'];

export const one: CreateCall = { to: '+15550102030', agent_id: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0', max_duration_seconds: 600, metadata: { order: 'A-1' } };
export const batch: CreateCall = { to: ['+15550102030', '+15550102031'], agent_id: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0', routing: { strategy: 'least_cost', failover: true } };

export function summary(call: Call): string {
  const status: Status = call.status;
  const tried = call.attempts.map((a) => a.provider + ':' + a.outcome).join(', ');
  return call.id + ' ' + status + ' after ' + tried;
}

export const created = (answer: Created): string[] => ('data' in answer ? answer.data.map((item) => JSON.stringify(item)) : [summary(answer)]);

export const page = (list: paths['/v1/calls']['get']['responses']['200']['content']['application/json']): Array<string | null> => [list.next_cursor, ...list.data.map((c) => c.ended_at)];
`;

/** The same client, wrong in ways the types must catch. */
const WRONG_CLIENT = `
import type { components, paths } from './api';

type CreateCall = paths['/v1/calls']['post']['requestBody']['content']['application/json'];
type Call = components['schemas']['Call'];

export const noAgent: CreateCall = { to: '+15550102030', agnet_id: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0' };
export const misspelled = (call: Call) => call.statuz;
export const notAStatus = (call: Call): 'exploded' => call.status;
`;

/** Compiles `files` (name → source) with `strict`, returning the messages it reports. */
function compile(dir: string, files: Record<string, string>): { file: string; code: number; text: string }[] {
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  const roots = Object.keys(files)
    .filter((name) => !name.startsWith('api.'))
    .map((name) => join(dir, name));
  const program = ts.createProgram(roots, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    skipLibCheck: false,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file?.fileName ?? '',
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, ' '),
  }));
}

describe('the served OpenAPI document, as tools read it', () => {
  let gw: TestGateway;
  let doc: any;

  before(async () => {
    gw = await startTestGateway();
    const spec = await client(gw.url).get('/openapi.json', { key: null });
    assert.equal(spec.status, 200);
    doc = spec.body;
  });
  after(() => gw.close());

  it('passes swagger-parser validation (schema and spec rules, every $ref resolved)', async () => {
    // validate() dereferences its argument in place.
    const validated = await SwaggerParser.validate(structuredClone(doc));
    assert.equal(validated.info.title, 'Switchboard');
    // The validator does refuse a broken document, so the pass above means something.
    const broken = structuredClone(doc);
    delete broken.components.schemas.CallStatus;
    await assert.rejects(SwaggerParser.validate(broken), /CallStatus/);
  });

  it('generates client types with openapi-typescript that a typed client compiles against, and that catch a wrong one', async (t) => {
    const { default: openapiTS, astToString } = await import('openapi-typescript');
    // By default openapi-typescript makes every property with a `default` required, request
    // bodies included, so `record` (default true) would have to be sent; a client generator
    // for this API should be told that a default is what the server assumes when it is absent.
    const types = astToString(await openapiTS(structuredClone(doc), { defaultNonNullable: false }));
    assert.match(types, /export interface paths/);
    const dir = mkdtempSync(join(tmpdir(), 'sb-openapi-client-'));
    try {
      // One program for both clients (the types are checked once); the messages are told apart by file.
      const diagnostics = compile(dir, { 'api.ts': types, 'client.ts': CLIENT, 'wrong.ts': WRONG_CLIENT });
      const good = diagnostics.filter((d) => !d.file.endsWith('wrong.ts'));
      assert.deepEqual(good, [], 'the generated types and the client compile');
      const wrong = diagnostics.filter((d) => d.file.endsWith('wrong.ts'));
      t.diagnostic(
        `generated ${types.split('\n').length} lines of types; the client compiles with ${good.length} diagnostics, the wrong one with ${wrong.length}`,
      );
      const found = wrong.map((d) => `${d.code} ${d.text}`);
      assert.ok(
        found.some((m) => /agnet_id/.test(m)),
        `an unknown request field is an error:\n${found.join('\n')}`,
      );
      assert.ok(
        found.some((m) => /^(2339|2551) .*statuz/.test(m)),
        `an unknown response field is an error:\n${found.join('\n')}`,
      );
      assert.ok(
        found.some((m) => /^2322 .*exploded/.test(m)),
        `status is the enum, not any string:\n${found.join('\n')}`,
      );
      assert.equal(wrong.length, 3, found.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
