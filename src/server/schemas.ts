/**
 * Response and parameter schemas of the API (zod; published in /openapi.json). Request bodies
 * of runs take the command option schemas of src/runs/commands.ts, the same the executor uses.
 */
import { z } from 'zod';
import { RUN_STATUSES, ROLES } from '../store/index.ts';
import { COMMAND_OPTIONS, RUN_COMMANDS } from '../runs/commands.ts';

/** A run id (ULID). */
export const RunId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a run id is 26 characters (a ULID)').describe('run id (ULID)');
/** A scenario id (the bundle's SHA-256). */
export const ScenarioId = z.string().regex(/^[0-9a-f]{64}$/, 'a scenario id is 64 hexadecimal characters').describe('scenario id (SHA-256 of its bundle)');
/** A token id (ULID). */
export const TokenId = RunId.describe('token id (ULID)');

/** An ISO 8601 UTC instant, or null. */
const Instant = z.string().describe('ISO 8601, UTC');

/** The problem a failed run records. */
export const RunProblem = z
  .object({
    code: z.string(),
    message: z.string(),
    location: z.object({ file: z.string().optional(), line: z.number().optional(), column: z.number().optional(), path: z.string().optional() }).optional(),
    details: z.array(z.string()).optional(),
  })
  .describe('why the run failed or was interrupted (docs/errors.md lists the codes)');

/** A run as the API shows it. */
export const RunView = z
  .object({
    id: RunId,
    scenarioId: ScenarioId,
    command: z.string().describe(`one of ${RUN_COMMANDS.join(', ')}`),
    options: z.record(z.string(), z.unknown()),
    status: z.enum(RUN_STATUSES as [string, ...string[]]),
    progress: z.number().describe('fraction 0–1'),
    phase: z.string().nullable(),
    error: RunProblem.nullable(),
    softwareVersion: z.string(),
    createdAt: Instant,
    startedAt: Instant.nullable(),
    finishedAt: Instant.nullable(),
    updatedAt: Instant,
    timings: z.record(z.string(), z.number()).nullable().describe('milliseconds per phase'),
    createdBy: z.string().nullable().describe('id of the token that started the run'),
    rerunOf: z.string().nullable(),
    note: z.string().nullable(),
    links: z.record(z.string(), z.string()),
  })
  .describe('A run');

/** A page of runs. */
export const RunPageView = z.object({ runs: z.array(RunView), next: z.string().nullable().describe('cursor of the next (older) page') });

/** Body of POST /api/v1/runs: one variant per command, with that command's options. */
export const StartRun = z
  .discriminatedUnion(
    'command',
    RUN_COMMANDS.map((command) =>
      z
        .object({
          command: z.literal(command),
          example: z.string().min(1).max(100).optional().describe('a bundled example by name (GET /api/v1/examples)'),
          scenarioId: ScenarioId.optional().describe('a stored scenario (POST /api/v1/scenarios)'),
          // required when the command has a required option (a bid's day, a sweep's sweep)
          options: COMMAND_OPTIONS[command].safeParse({}).success ? COMMAND_OPTIONS[command].optional() : COMMAND_OPTIONS[command],
        })
        .strict(),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .describe('Start a run: a scenario (example or scenarioId) and a command with its options');

/** Answer of POST /api/v1/runs. */
export const RunAccepted = z.object({ id: RunId, status: z.string(), scenarioId: ScenarioId, links: z.record(z.string(), z.string()) });

/** A stored scenario. */
export const ScenarioView = z.object({
  id: ScenarioId,
  name: z.string(),
  entry: z.string(),
  sizeBytes: z.number(),
  createdAt: Instant,
  createdBy: z.string().nullable(),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), sizeBytes: z.number() })).optional(),
  fileCount: z.number().optional(),
  links: z.record(z.string(), z.string()),
});

/** Answer of POST /api/v1/scenarios. */
export const ScenarioStored = z.object({
  scenario: ScenarioView,
  created: z.boolean().describe('false when the same bundle was already stored'),
  validation: z.record(z.string(), z.unknown()).nullable().describe('what `wattshift validate --json` prints (null when the bundle was already stored)'),
});

/** A token as listed. */
export const TokenView = z.object({
  id: TokenId,
  name: z.string().nullable(),
  role: z.enum(ROLES as [string, ...string[]]),
  createdAt: Instant,
  lastUsedAt: Instant.nullable(),
  revokedAt: Instant.nullable(),
});

/** A stored result's listing. */
export const ResultView = z.object({ name: z.string(), kind: z.enum(['summary', 'document', 'artefact']), mediaType: z.string(), sha256: z.string(), sizeBytes: z.number(), href: z.string() });

/** Free-form JSON documents (their own schemas are in the docs). */
export const JsonDocument = z.record(z.string(), z.unknown());

/** A problem document (RFC 9457). */
export const ProblemView = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    location: z.object({ file: z.string().optional(), line: z.number().optional(), column: z.number().optional(), path: z.string().optional() }).optional(),
    errors: z.array(z.object({ message: z.string(), path: z.string().optional() })).optional(),
  })
  .describe('RFC 9457 problem details');

/** Error answers every API route may give. */
export const PROBLEM_RESPONSES = {
  400: ProblemView,
  401: ProblemView,
  403: ProblemView,
  404: ProblemView,
  429: ProblemView,
} as const;
