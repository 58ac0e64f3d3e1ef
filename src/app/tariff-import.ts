/**
 * Use case `tariff import`: reads a URDB JSON file the user downloaded, converts the chosen
 * rate and checks the result against the tariff schema, so what is written always loads.
 */
import { readFileSync } from 'node:fs';
import { Document, isScalar, visit } from 'yaml';
import { InputError } from '../errors/index.ts';
import { Tariff } from '../scenario/schema/tariff.ts';
import { pickUrdbRate, urdbImportYaml, urdbToTariff, type UrdbImport } from '../tariff/urdb.ts';
import { checkpoint } from './progress.ts';
import type { UseCaseDeps, UseCaseOutput } from './types.ts';

/** Input of {@link runTariffImport}. */
export interface TariffImportInput {
  /** URDB JSON: a utility_rates API response (`{ "items": [...] }`), an array of rates or one rate. */
  file: string;
  /** The rate to import when the file holds several (its URDB label). */
  label?: string;
}

/** The `tariff import --json` document. */
export interface TariffImportJson {
  tariff: Record<string, unknown>;
  source: UrdbImport['source'];
  warnings: string[];
}

/** Result of {@link runTariffImport}: the text is the YAML `tariff:` block; one file, `tariff.yaml`. */
export type TariffImportOutput = UseCaseOutput<TariffImportJson> & { yaml: string };

/** Converts a downloaded URDB rate into a scenario tariff. Solves nothing: `deps` is optional. */
export async function runTariffImport(input: TariffImportInput, deps: Partial<UseCaseDeps> = {}): Promise<TariffImportOutput> {
  checkpoint(deps, 'before reading the rate');
  const r = importUrdbFile(input.file, input.label);
  return {
    json: { tariff: r.tariff, source: r.source, warnings: r.warnings },
    text: r.yaml,
    yaml: r.yaml,
    files: () => Promise.resolve([{ name: 'tariff.yaml', mediaType: 'application/yaml', content: r.yaml }]),
  };
}

/** Imports one rate of a URDB JSON file; returns the import and its YAML text. */
export function importUrdbFile(file: string, label?: string): UrdbImport & { yaml: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('FILE_NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError('SCENARIO_SYNTAX', `not valid JSON: ${(e as Error).message}; a URDB file is the JSON the utility_rates API returns`, { file });
  }
  const { rate, path } = pickUrdbRate(data, file, label);
  const result = urdbToTariff(rate, file, path);
  const check = Tariff.safeParse(result.tariff);
  if (!check.success) {
    const issue = check.error.issues[0]!;
    throw new InputError('SCENARIO_INVALID', `the rate converts to a tariff the schema refuses at tariff.${issue.path.join('.')}: ${issue.message}`, { file, path });
  }
  return { ...result, yaml: urdbImportYaml(result, toYaml) };
}

/** YAML with short lists of numbers on one line, times of day quoted, and no anchors. */
function toYaml(value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((x) => isScalar(x) && typeof x.value === 'number')) node.flow = true;
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && (pair.key.value === 'from' || pair.key.value === 'to') && isScalar(pair.value)) pair.value.type = 'QUOTE_SINGLE';
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
