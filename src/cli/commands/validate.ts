/** `wattshift validate FILE`: checks a scenario and its series files without running it. */
import type { Command } from 'commander';
import { buildModel, loadScenario } from '../../pipeline.ts';
import type { AlignReport } from '../../series/types.ts';
import type { Io } from '../io.ts';

function seriesLine(r: AlignReport): string {
  const notes: string[] = [];
  if (r.gapSteps > 0) notes.push(`${r.gapSteps} missing step${r.gapSteps > 1 ? 's' : ''} in ${r.gapRuns} gap${r.gapRuns > 1 ? 's' : ''} (longest ${r.longestGapSteps}) filled by ${r.fill}`);
  if (r.duplicates > 0) notes.push(`${r.duplicates} duplicate time${r.duplicates > 1 ? 's' : ''} (later row kept)`);
  if (r.missingCells > 0) notes.push(`${r.missingCells} empty cell${r.missingCells > 1 ? 's' : ''}`);
  if (r.nonexistentLocalTimes > 0) notes.push(`${r.nonexistentLocalTimes} local time${r.nonexistentLocalTimes > 1 ? 's' : ''} skipped by DST dropped`);
  const conv = r.unitFrom !== r.unitTo ? `, ${r.unitFrom} → ${r.unitTo}` : '';
  return `  ${r.name}: ${r.samplesInHorizon} samples${conv}${r.resample !== 'none' ? `, ${r.resample}` : ''}${notes.length ? `; ${notes.join('; ')}` : ''}`;
}

export function registerValidate(program: Command, io: Io): void {
  program
    .command('validate')
    .description('check a scenario file and the series it names; report alignment (gaps, duplicates, units)')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ wattshift validate examples/china-fleet.yaml\n  $ wattshift validate my-site.yaml --json')
    .action((file: string, opts: { json?: boolean }) => {
      const resolved = loadScenario(file);
      const model = buildModel(resolved); // physics checks (curves, design PUE) are part of validation
      const s = resolved.scenario;
      if (opts.json) {
        io.out(
          `${JSON.stringify(
            {
              ok: true,
              scenario: s.name,
              steps: resolved.grid.steps,
              stepMinutes: resolved.grid.stepMinutes,
              timeZone: resolved.grid.timeZone,
              sites: model.sites.map((x) => ({ id: x.id, installedItMW: x.installedItKW / 1000, designPue: Number.isFinite(x.facility.designPue) ? x.facility.designPue : null })),
              workloads: s.workloads.map((w) => ({ id: w.id, type: w.type })),
              series: resolved.seriesReports,
              warnings: resolved.warnings,
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const lines = [
        `ok: ${s.name} — ${s.sites.length} site${s.sites.length > 1 ? 's' : ''}, ${s.workloads.length} workload${s.workloads.length === 1 ? '' : 's'}, ${resolved.grid.steps} steps of ${resolved.grid.stepMinutes} min (${resolved.grid.timeZone})`,
        ...model.sites.map((x) => `  site ${x.id}: ${x.installedItKW > 0 ? `${(x.installedItKW / 1000).toFixed(1)} MW IT installed, design PUE ${x.facility.designPue.toFixed(3)}` : 'no IT (loads only)'}`),
      ];
      if (resolved.seriesReports.length) lines.push('series:', ...resolved.seriesReports.map(seriesLine));
      if (resolved.warnings.length) lines.push('warnings:', ...resolved.warnings.map((w) => `  ${w}`));
      io.out(`${lines.join('\n')}\n`);
    });
}
