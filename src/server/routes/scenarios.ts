/**
 * Scenarios: upload one (JSON bundle, YAML text, or a tar/tar.gz archive), checked with the
 * same located errors as `wattshift validate` (problem details with the file, line, column and
 * JSON path), then stored by content; list them, read one, download its files.
 */
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { InputError } from '../../errors/index.ts';
import { listBundle, type ScenarioBundle } from '../../store/index.ts';
import { completeBundle, exampleNames } from '../bundles.ts';
import { API, scenarioView, type App, type RouteContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { PROBLEM_RESPONSES, ProblemView, ScenarioId, ScenarioStored, ScenarioView } from '../schemas.ts';
import { bundleFromArchive, bundleFromJson, UploadJson } from '../upload.ts';

const tags = ['scenarios'];

/** Media types of YAML scenario text. */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];
/** Media types of archives. */
export const ARCHIVE_TYPES = ['application/gzip', 'application/x-gzip', 'application/x-tar', 'application/x-gtar', 'application/octet-stream'];

/** The scenario's `name` field, for the label (the entry file name otherwise). */
function nameOf(bundle: ScenarioBundle): string {
  const entry = bundle.files.find((f) => f.path === bundle.entry);
  const m = entry ? /^name:\s*["']?([^"'\n#]{1,200})/m.exec(Buffer.from(entry.content.subarray(0, 65536)).toString('utf8')) : null;
  return m?.[1]?.trim() || bundle.entry;
}

/** Completes, validates (off the request thread) and stores an uploaded bundle. */
async function store(ctx: RouteContext, request: FastifyRequest, raw: ScenarioBundle, name: string | undefined): Promise<{ status: number; body: Record<string, unknown> }> {
  const bundle = completeBundle(raw, ctx.options.dataRoot !== undefined ? { dataRoot: ctx.options.dataRoot } : {});
  const id = listBundle(bundle).id;
  const known = await ctx.store.scenarios.get(id);
  if (known) return { status: 200, body: { scenario: scenarioView(known), created: false, validation: null } };
  const v = await ctx.validator.validate(bundle);
  if (!v.ok) {
    if (v.internal) request.log.error({ detail: v.internal }, 'scenario validation failed internally');
    const e = v.error;
    if (e.code === 'INTERNAL') throw new HttpError('INTERNAL', e.message);
    throw new InputError(e.code as never, e.message, e.location ?? {}, e.details ?? []);
  }
  const put = await ctx.store.scenarios.put(bundle, { name: name ?? nameOf(bundle), createdBy: request.auth?.tokenId ?? null });
  return { status: put.created ? 201 : 200, body: { scenario: scenarioView(put.scenario), created: put.created, validation: v.json } };
}

/** Registers the scenario routes (with the upload body parsers, in their own scope). */
export function registerScenarioRoutes(app: App, ctx: RouteContext): void {
  const limit = ctx.options.uploadLimitBytes;
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: limit }, (_req, body, done) => done(null, { scenario: body }));
  app.addContentTypeParser(ARCHIVE_TYPES, { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));

  app.post(
    `${API}/scenarios`,
    {
      config: { role: 'operator' },
      bodyLimit: limit,
      schema: {
        tags,
        summary: 'Upload a scenario (JSON bundle or YAML text); it is validated and stored',
        description:
          'JSON: `{ name?, scenario: "<YAML or JSON text>" | {…}, entry?, files?: { "data/prices.csv": { text } | { base64 } } }`. Or send the scenario text alone as `application/yaml`. Files the scenario names must be among `files`, or lie under the server\'s --data-root at the same path (copied into the bundle). Invalid input answers 4xx problem details with the file, line, column and JSON path; 201 stores a new scenario, 200 finds the same bundle already stored.',
        consumes: ['application/json', ...YAML_TYPES],
        querystring: z.object({ name: z.string().min(1).max(200).optional().describe('a label (with YAML text)') }).strict(),
        body: UploadJson,
        response: { 200: ScenarioStored, 201: ScenarioStored, 413: ProblemView, 415: ProblemView, 422: ProblemView, ...PROBLEM_RESPONSES },
      },
    },
    async (request, reply) => {
      const upload = bundleFromJson(request.body);
      const r = await store(ctx, request, upload.bundle, upload.name ?? request.query.name);
      if (r.status === 201) reply.header('location', `${API}/scenarios/${(r.body.scenario as { id: string }).id}`);
      return reply.code(r.status as 200).send(r.body as never);
    },
  );

  app.post(
    `${API}/scenarios/archive`,
    {
      config: { role: 'operator' },
      bodyLimit: limit,
      schema: {
        tags,
        summary: 'Upload a scenario bundle as a tar or tar.gz archive',
        description:
          '`tar czf - scenario.yaml data/ | curl --data-binary @- -H "Content-Type: application/gzip" …/scenarios/archive?entry=scenario.yaml`. Members must be regular files (links, devices and FIFOs are refused) with relative paths inside the archive. Without `entry`, the one YAML or JSON file nearest the top is the scenario.',
        consumes: ARCHIVE_TYPES,
        querystring: z.object({ entry: z.string().min(1).max(512).optional(), name: z.string().min(1).max(200).optional() }).strict(),
        response: { 200: ScenarioStored, 201: ScenarioStored, 413: ProblemView, 415: ProblemView, 422: ProblemView, ...PROBLEM_RESPONSES },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) throw new HttpError('UNSUPPORTED_MEDIA_TYPE', `send the archive as ${ARCHIVE_TYPES.slice(0, 3).join(', ')}`);
      const bundle = await bundleFromArchive(request.body, request.query.entry, { maxBytes: limit, maxFiles: 10_000 });
      const r = await store(ctx, request, bundle, request.query.name);
      if (r.status === 201) reply.header('location', `${API}/scenarios/${(r.body.scenario as { id: string }).id}`);
      return reply.code(r.status as 200).send(r.body as never);
    },
  );

  app.get(
    `${API}/scenarios`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'List stored scenarios, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), cursor: z.string().max(128).optional() }).strict(),
        response: { 200: z.object({ scenarios: z.array(ScenarioView), next: z.string().nullable() }), ...PROBLEM_RESPONSES },
      },
    },
    async (request) => {
      const page = await ctx.store.scenarios.list({ ...(request.query.limit ? { limit: request.query.limit } : {}), ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
      return { scenarios: page.scenarios.map(scenarioView), next: page.next } as never;
    },
  );

  app.get(
    `${API}/scenarios/:id`,
    { config: { role: 'viewer' }, schema: { tags, summary: 'A stored scenario and its files', params: z.object({ id: ScenarioId }), response: { 200: ScenarioView, ...PROBLEM_RESPONSES } } },
    async (request) => {
      const s = await ctx.store.scenarios.get(request.params.id);
      if (!s) throw new HttpError('NOT_FOUND', `scenario ${request.params.id} is not stored`);
      return scenarioView(s) as never;
    },
  );

  app.get(
    `${API}/scenarios/:id/files/*`,
    { config: { role: 'viewer' }, schema: { tags, summary: 'One file of a stored scenario', params: z.object({ id: ScenarioId, '*': z.string().min(1).max(512) }) } },
    async (request, reply) => {
      const bundle = await ctx.store.scenarios.readBundle(request.params.id);
      const path = request.params['*'];
      const f = bundle.files.find((x) => x.path === path);
      if (!f) throw new HttpError('NOT_FOUND', `scenario ${request.params.id} has no file "${path}"; its files are ${bundle.files.map((x) => x.path).slice(0, 20).join(', ')}`);
      const type = /\.ya?ml$/i.test(path) ? 'application/yaml; charset=utf-8' : /\.json$/i.test(path) ? 'application/json' : /\.csv$/i.test(path) ? 'text/csv; charset=utf-8' : 'application/octet-stream';
      return reply.type(type).header('cache-control', 'private, max-age=31536000, immutable').header('content-disposition', `attachment; filename="${path.split('/').pop()!.replace(/[^\w.-]/g, '_')}"`).send(Buffer.from(f.content));
    },
  );

  app.get(
    `${API}/examples`,
    { config: { role: 'viewer' }, schema: { tags, summary: 'The bundled examples, by name (POST /api/v1/runs takes {"example": name})', response: { 200: z.object({ examples: z.array(z.object({ name: z.string(), scenarioId: z.string().nullable() })) }), ...PROBLEM_RESPONSES } } },
    async () => ({ examples: exampleNames(ctx.options.examplesDir).map((name) => ({ name, scenarioId: ctx.exampleIds.get(name) ?? null })) }) as never,
  );

}
