/**
 * Small scenarios as YAML text, for tests that read their messages' line numbers or edit the text:
 * the few lines each test is about stay in the test, the site every such test needs comes from here.
 */

/**
 * Site `id` as lines of a `sites:` list: `gpus` H100s in air-cooled halls at 30° N, 97° W, a
 * 10 MW grid connection and a flat 50 USD/MWh tariff (seven lines).
 */
export function h100Site(id: string, gpus: number): string {
  return `  - id: ${id}
    latitude: 30
    longitude: -97
    grid: { importLimitMW: 10 }
    it: [{ accelerator: H100, gpus: ${gpus} }]
    facility: { cooling: { archetype: air } }
    tariff: { energy: { type: flat, pricePerMWh: 50 } }`;
}

/**
 * A scenario's text: `name`, the horizon's fields (inside its braces), the sites' lines, then
 * `rest` (workloads, finance, fleet…, ending with its own newline); the sites start on line 4.
 */
export function scenarioYaml(o: { name: string; horizon: string; sites: string[]; rest?: string }): string {
  return `name: ${o.name}
horizon: { ${o.horizon} }
sites:
${o.sites.join('\n')}
${o.rest ?? ''}`;
}
