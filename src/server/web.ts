/**
 * The page at `/` while no dashboard is installed (a `web/` folder with index.html replaces
 * it): what the server offers and how to use it, with no script.
 */
import { escapeHtml } from '../report/format.ts';

/** A plain page pointing at the API, its documentation and the command line. */
export function placeholderPage(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wattshift</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}code,pre{background:#f4f4f4;padding:.1rem .3rem;border-radius:3px}pre{padding:.6rem;overflow-x:auto}</style>
</head>
<body>
<h1>wattshift ${escapeHtml(version)}</h1>
<p>The API is running. The dashboard is not built in this installation (build it with
<code>npm run build</code> in the package folder, then restart the server); the API and its
documentation are:</p>
<ul>
<li><a href="/docs">/docs</a>: the interactive API reference</li>
<li><a href="/openapi.json">/openapi.json</a>: the OpenAPI 3.1 document</li>
<li><a href="/api/v1/schemas/scenario">/api/v1/schemas/scenario</a>: the scenario JSON Schema</li>
</ul>
<p>Start a run of a bundled example with a token from <code>wattshift token create --role operator</code>:</p>
<pre>curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
  -d '{"example": "texas-single-site", "command": "simulate"}' http://HOST/api/v1/runs</pre>
</body>
</html>
`;
}
