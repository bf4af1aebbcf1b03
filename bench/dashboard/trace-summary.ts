// npx tsx bench/dashboard/trace-summary.ts <trace.json>: where a page load's CPU went, from a
// trace written with BENCH_TRACE=<dir>: each Chromium process's main-thread busy time (other
// renderers compete with the page for the same cores), then the page's main thread by kind
// of work (inclusive times; the kinds nest, so they do not add up).
import { readFileSync } from 'node:fs';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

const parsed = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
const processName = new Map<number, string>();
const threadName = new Map<string, string>();
for (const event of events) {
  if (event.ph !== 'M') continue;
  if (event.name === 'process_name') processName.set(event.pid, event.args?.name ?? '');
  if (event.name === 'thread_name') threadName.set(`${event.pid}:${event.tid}`, event.args?.name ?? '');
}
const sums = new Map<string, Map<string, number>>();
for (const event of events) {
  if (event.ph !== 'X' || event.dur === undefined) continue;
  const thread = `${event.pid}:${event.tid}`;
  const byName = sums.get(thread) ?? new Map<string, number>();
  byName.set(event.name, (byName.get(event.name) ?? 0) + event.dur);
  sums.set(thread, byName);
}
const ms = (micros = 0) => `${(micros / 1000).toFixed(0).padStart(6)} ms`;
console.log('main threads, busy (RunTask):');
for (const [thread, byName] of sums) {
  const name = threadName.get(thread);
  if (name !== 'CrRendererMain' && name !== 'CrBrowserMain' && name !== 'CrGpuMain') continue;
  const pid = Number(thread.split(':')[0]);
  console.log(`  ${ms(byName.get('RunTask'))}  ${processName.get(pid) ?? pid} (${name})`);
}
// The page: the renderer main thread that evaluated modules.
const [, page] = [...sums].sort(
  (a, b) => (b[1].get('v8.evaluateModule') ?? 0) - (a[1].get('v8.evaluateModule') ?? 0),
)[0];
const kinds: [string, string[]][] = [
  ['busy', ['RunTask']],
  ['module evaluation (top-level code of each chunk)', ['v8.evaluateModule']],
  ['compiling scripts', ['v8.compileModule', 'v8.compile', 'V8.CompileCode']],
  ['JavaScript called from tasks (React, timers, fetch callbacks)', ['FunctionCall']],
  ['of which React’s scheduler (MessageChannel tasks)', ['MessagePort::Accept']],
  ['style', ['UpdateLayoutTree']],
  ['layout', ['Layout']],
  ['paint and compositing', ['Paint', 'PrePaint', 'Layerize', 'LocalFrameView::pushPaintArtifactToCompositor']],
  ['parsing HTML', ['ParseHTML']],
  ['parsing CSS', ['ParseAuthorStyleSheet']],
  ['garbage collection', ['MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'V8.GC_MARK_COMPACTOR']],
];
console.log('the page’s main thread:');
for (const [label, names] of kinds)
  console.log(`  ${ms(names.reduce((sum, name) => sum + (page.get(name) ?? 0), 0))}  ${label}`);
