/**
 * Child process of wasm-tiering.bench.ts: one `demo vpp` run at 100 sites in a fresh process
 * (V8's tiering setting is process-wide), its VEN thread with V8's dynamic tiering (`dynamic`) or
 * optimising WebAssembly when compiled (`optimised`). Prints the run's figures as JSON.
 */
import { runDemoVpp } from '../src/app/demo-vpp.ts';
import { defaultSolverFactory } from '../src/optimize/solver-factory.ts';

const r = await runDemoVpp({ sites: 100, skipOffline: true, venThreads: 1, optimiseWasm: process.argv[2] === 'optimised' }, { solverFactory: defaultSolverFactory });
process.stdout.write(JSON.stringify({ p99: r.json.latencyMs.p99, cpuMs: r.json.cpu.eventMs, lpMs: r.json.lp.totalSolveMs }));
