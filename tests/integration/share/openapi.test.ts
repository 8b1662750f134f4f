import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { IngestErrorSchema, prepareSubmission, SUBMISSION_SCHEMA_ID, SubmissionAcceptedSchema } from '../../../core/push/index';
import { openTempDb } from '../../unit/results/helpers';
import { CAMPAIGN_B, GEN, seedCampaign } from '../../unit/share/seed';
import { checkJsonSchema } from '../../unit/share/jsonSchemaChecker';
import { startReferenceIngestServer, type ReferenceIngestServer } from './referenceIngestServer';

/** resources/openapi/ingest-v1.yaml: well-formed, in step with the client's zod schemas, and implemented by the reference server. */

const FILE = path.resolve(__dirname, '../../../resources/openapi/ingest-v1.yaml');
type Doc = {
  openapi: string;
  paths: Record<string, { post: { parameters: { $ref: string }[]; requestBody: { content: Record<string, { schema: { $ref: string } }> }; responses: Record<string, unknown> } }>;
  components: { schemas: Record<string, Record<string, unknown>>; parameters: Record<string, { name: string; in: string; required: boolean; schema: { pattern: string } }> };
};
const doc = parseYaml(readFileSync(FILE, 'utf8')) as Doc;

function componentSchema(name: string): Record<string, unknown> {
  return { ...doc.components.schemas[name]!, $defs: {} };
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with POST /api/v1/submissions and every response the contract names', () => {
    expect(doc.openapi).toBe('3.1.0');
    const post = doc.paths['/api/v1/submissions']!.post;
    expect(Object.keys(post.responses).sort()).toEqual(['200', '201', '400', '401', '403', '409', '413', '429', '5XX'].sort());
    expect(post.parameters[0]!.$ref).toBe('#/components/parameters/IdempotencyKey');
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: true, schema: { pattern: '^[0-9a-f]{64}$' } });
    const ref = post.requestBody.content['application/json']!.schema.$ref;
    const schemaFile = path.resolve(path.dirname(FILE), ref);
    expect(existsSync(schemaFile)).toBe(true);
    expect((JSON.parse(readFileSync(schemaFile, 'utf8')) as { $id: string }).$id).toBe(SUBMISSION_SCHEMA_ID);
  });

  it.each([
    ['SubmissionAccepted', SubmissionAcceptedSchema],
    ['IngestError', IngestErrorSchema],
  ] as const)('components.schemas.%s equals what the client validates with', (name, schema) => {
    const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as { $defs: Record<string, unknown> };
    expect(doc.components.schemas[name]).toEqual(generated.$defs[name]);
  });
});

describe('the reference server implements the document', () => {
  let store: ReturnType<typeof openTempDb>;
  let server: ReferenceIngestServer;
  let body: string;
  beforeAll(async () => {
    store = openTempDb();
    await seedCampaign(store.db, CAMPAIGN_B);
    const s = prepareSubmission(store.db, { generatorVersion: GEN });
    if (!s.ok) throw new Error(s.error.message);
    body = s.value.body;
    server = await startReferenceIngestServer({ tokens: ['t0k'] });
  });
  afterAll(async () => {
    await server.close();
    store.cleanup();
  });

  const post = (b: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/v1/submissions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer t0k', 'Content-Type': 'application/json', 'Idempotency-Key': createHash('sha256').update(b).digest('hex'), ...headers },
      body: b,
    });

  it('201 then 200 for the same body, both SubmissionAccepted; 400/401 are IngestError', async () => {
    const created = await post(body);
    expect(created.status).toBe(201);
    expect(checkJsonSchema(componentSchema('SubmissionAccepted'), await created.json())).toEqual([]);
    const dup = await post(body);
    expect(dup.status).toBe(200);
    const dupBody = (await dup.json()) as { status: string };
    expect(checkJsonSchema(componentSchema('SubmissionAccepted'), dupBody)).toEqual([]);
    expect(dupBody.status).toBe('duplicate');
    const bad = await post('{"format":"nope"}');
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { fields: unknown[] } };
    expect(checkJsonSchema(componentSchema('IngestError'), badBody)).toEqual([]);
    expect(badBody.error.fields.length).toBeGreaterThan(0);
    const wrongKey = await post(body.replace('"entries"', '"entries" '), { 'Idempotency-Key': 'a'.repeat(64) });
    expect(wrongKey.status).toBe(400);
    const unauth = await post(body, { Authorization: 'Bearer nope' });
    expect(unauth.status).toBe(401);
    expect(checkJsonSchema(componentSchema('IngestError'), await unauth.json())).toEqual([]);
  });
});
