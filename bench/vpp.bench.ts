/**
 * The live VPP loop (issue 10 §5): event created at the utility VTN → setpoints computed and
 * published at every VEN, with 10, 100 and (VPP_SITES=10,100,1000) 1,000 virtual sites on one
 * machine, over HTTP and MQTT on 127.0.0.1, each VEN solving its event-window LP with HiGHS. The
 * VENs run in worker threads (`VPP_VEN_THREADS`, default one per core less one; 0: on the main thread with
 * two solver workers, as before), each thread a slice of the sites with its own HiGHS; the VTNs,
 * brokers and the aggregator stay on the main thread. The aggregator writes its site events into its own VTN's
 * store (it hosts that VTN); up to 100 sites also over HTTP, as a separate business-logic client
 * would. One event per run; the rows are the p50/p99 over the VENs
 * of that run, the time until each VEN took the event up (transport and the aggregator's
 * split, no LP), and the transport alone (each site event's createdDateTime at the aggregator's
 * VTN → its VEN taking it up). Goals: p99 under 1 s at 1,000 sites; transport under 20 ms at 100.
 */
import { runDemoVpp } from '../src/app/demo-vpp.ts';
import { defaultSolverFactory } from '../src/optimize/solver-factory.ts';
import type { BenchResult } from './harness.ts';

/** Runs the VPP latency benchmark. */
export async function run(): Promise<BenchResult[]> {
  const sizes = (process.env.VPP_SITES ?? '10,100').split(',').map(Number);
  const venThreads = process.env.VPP_VEN_THREADS === undefined ? undefined : Number(process.env.VPP_VEN_THREADS);
  const rows: BenchResult[] = [];
  const runs = sizes.flatMap((n) => [{ n, http: false }, ...(n <= 100 ? [{ n, http: true }] : [])]);
  for (const { n, http } of runs) {
    const t0 = performance.now();
    const r = await runDemoVpp({ sites: n, skipOffline: true, inProcessAggregator: !http, venThreads }, { solverFactory: defaultSolverFactory });
    const l = r.json.latencyMs;
    const total = ((performance.now() - t0) / 1000).toFixed(1);
    const note = `${r.json.transport.venThreads} VEN threads; whole demo ${total} s; LP median ${r.json.lp.medianSolveMs.toFixed(1)} ms, ${Math.round(r.json.lp.meanColumns)} columns; delivery ${(r.json.deliveryRatio * 100).toFixed(1)} %; CPU in the event window ${(r.json.cpu.eventMs / 1000).toFixed(2)} s (${r.json.cpu.perSiteMs.toFixed(1)} ms per VEN)`;
    rows.push({ name: 'event → setpoints at every VEN, p50', size: `${n} sites${http ? ', site events over HTTP' : ''}`, medianMs: l.p50, runs: 1, note });
    rows.push({ name: 'event → setpoints at every VEN, p99', size: `${n} sites${http ? ', site events over HTTP' : ''}`, medianMs: l.p99, runs: 1 });
    rows.push({ name: 'event → taken up by every VEN (transport + split), p50', size: `${n} sites${http ? ', site events over HTTP' : ''}`, medianMs: l.receivedP50, runs: 1 });
    rows.push({ name: 'event → taken up by every VEN (transport + split), p99', size: `${n} sites${http ? ', site events over HTTP' : ''}`, medianMs: l.receivedP99, runs: 1, note: `aggregator's site events all created after ${l.aggregatorDispatched} ms` });
    rows.push({ name: 'transport alone: site event created → taken up by its VEN, p50', size: `${n} sites${http ? ', site events over HTTP' : ''}`, medianMs: l.transportP50, runs: 1 });
    rows.push({ name: 'transport alone: site event created → taken up by its VEN, p99', size: `${n} sites${http ? ', site events over HTTP' : ''}`, medianMs: l.transportP99, runs: 1 });
  }
  return rows;
}
