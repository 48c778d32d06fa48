// One transaction as a set of timed steps ("spans") across services, whatever they were read from:
// the services' audit logs (every timed audit event is a span that ended at the event's time) or a
// trace backend. On top of that: who spent the time (exclusive time per service and operation), the
// tree of steps, and the transaction's wall time.
import { SERVICES, SERVICE_NAMES, type ServiceName } from '../../catalog/index.ts';

export interface Span {
  readonly service: string;
  readonly operation: string;
  /** Epoch milliseconds. */
  readonly startMs: number;
  /** 0 for a point event (something that happened, not something that took time). */
  readonly durationMs: number;
  readonly outcome: 'success' | 'failure';
  readonly errorType?: string | undefined;
  /** The audit event or span kind it came from, for display. */
  readonly label?: string | undefined;
  /** Parent span id, when the source knows it (traces); audit spans are nested by time instead. */
  readonly id?: string | undefined;
  readonly parentId?: string | undefined;
}

export interface Transaction {
  readonly correlationId: string;
  readonly spans: readonly Span[];
}

/**
 * How far down the call graph a service sits: 0 for services that call nobody (payment, inventory,
 * ml-advisor), one more than its deepest callee otherwise (order 1, petstore 2). Unknown names count
 * as callers of everything, so they never take time away from a known service.
 */
export function callDepth(service: string): number {
  if (!(SERVICE_NAMES as readonly string[]).includes(service)) return Number.MAX_SAFE_INTEGER;
  const depth = (n: ServiceName): number => Math.max(0, ...SERVICES[n].calls.map((c) => depth(c.to) + 1));
  return depth(service as ServiceName);
}

const endOf = (s: Span): number => s.startMs + s.durationMs;

export function wallTime(t: Transaction): { startMs: number; durationMs: number } {
  if (t.spans.length === 0) return { startMs: 0, durationMs: 0 };
  const start = Math.min(...t.spans.map((s) => s.startMs));
  return { startMs: start, durationMs: Math.max(...t.spans.map(endOf)) - start };
}

export function servicesOf(t: Transaction): string[] {
  return [...new Set(t.spans.map((s) => s.service))].sort(
    (a, b) => callDepth(b) - callDepth(a) || a.localeCompare(b),
  );
}

export type ExclusiveTime = Map<string, Map<string, number>>;

/**
 * Exclusive time per service and operation in one transaction. Every instant is given to ONE active
 * span: the one furthest down the call graph (a caller waiting on payment is not slow itself), and
 * among spans of that service the shortest (the innermost step, not the whole saga around it).
 * So the shares add up to the time covered by any span, and a service's own time excludes the time
 * it spent waiting on the services it calls, even when the caller logged its step a little late.
 */
export function exclusiveTime(t: Transaction): ExclusiveTime {
  const timed = t.spans.filter((s) => s.durationMs > 0);
  const bounds = [...new Set(timed.flatMap((s) => [s.startMs, endOf(s)]))].sort((a, b) => a - b);
  const depth = new Map(timed.map((s) => [s.service, callDepth(s.service)]));
  const result: ExclusiveTime = new Map();
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i]!;
    const to = bounds[i + 1]!;
    let owner: Span | undefined;
    for (const s of timed) {
      if (s.startMs > from || endOf(s) < to) continue;
      if (
        !owner ||
        depth.get(s.service)! < depth.get(owner.service)! ||
        (s.service === owner.service && s.durationMs < owner.durationMs)
      )
        owner = s;
    }
    if (!owner) continue;
    const ops = result.get(owner.service) ?? new Map<string, number>();
    ops.set(owner.operation, (ops.get(owner.operation) ?? 0) + (to - from));
    result.set(owner.service, ops);
  }
  return result;
}

export interface SpanNode extends Span {
  readonly children: SpanNode[];
  /** Nesting level in the tree (0 = a root). */
  depth: number;
}

/** Slack when placing a point event inside a span: audit times are whole milliseconds. */
const POINT_TOLERANCE_MS = 5;

/**
 * The tree of a transaction's spans. With parent ids (traces) the tree is the recorded one. Audit
 * spans are nested by time: a service often logs a step a few milliseconds after it ended (after a
 * database write), so a caller's step need not contain its callee's in time exactly. A timed span's
 * parent is the shortest span of a caller (or a longer one of its own service) that overlaps at
 * least half of it; a point event's parent is the innermost span of its own service that began
 * before it, else the innermost caller span around it.
 */
export function spanTree(t: Transaction): SpanNode[] {
  const nodes = t.spans.map((s): SpanNode => ({ ...s, children: [], depth: 0 }));
  const explicit = nodes.some((n) => n.id !== undefined);
  const byId = new Map(nodes.filter((n) => n.id !== undefined).map((n) => [n.id!, n]));
  const roots: SpanNode[] = [];
  for (const node of nodes) {
    const parent = explicit
      ? node.parentId === undefined
        ? undefined
        : byId.get(node.parentId)
      : node.durationMs > 0
        ? timedParent(node, nodes)
        : pointParent(node, nodes);
    (parent ? parent.children : roots).push(node);
  }
  const setDepth = (n: SpanNode, depth: number): void => {
    n.depth = depth;
    n.children.sort(byStart);
    for (const c of n.children) setDepth(c, depth + 1);
  };
  roots.sort(byStart);
  for (const r of roots) setDepth(r, 0);
  return roots;
}

const byStart = (a: Span, b: Span): number =>
  a.startMs - b.startMs || b.durationMs - a.durationMs || callDepth(b.service) - callDepth(a.service);

/** A could be B's parent: a caller of B's service, or a longer span of the same service. */
function encloses(a: Span, b: Span): boolean {
  if (a === b || a.durationMs === 0) return false;
  if (a.service === b.service) return a.durationMs > b.durationMs;
  return callDepth(a.service) > callDepth(b.service);
}

function overlapMs(a: Span, b: Span): number {
  return Math.max(0, Math.min(endOf(a), endOf(b)) - Math.max(a.startMs, b.startMs));
}

function shortest<T extends Span>(candidates: T[]): T | undefined {
  return candidates.sort((a, b) => a.durationMs - b.durationMs)[0];
}

function timedParent(node: SpanNode, all: SpanNode[]): SpanNode | undefined {
  return shortest(all.filter((p) => encloses(p, node) && overlapMs(p, node) >= node.durationMs / 2));
}

function pointParent(node: SpanNode, all: SpanNode[]): SpanNode | undefined {
  const around = (p: Span): boolean =>
    node.startMs >= p.startMs - POINT_TOLERANCE_MS && node.startMs <= endOf(p) + POINT_TOLERANCE_MS;
  const own = all.filter(
    (p) => p.service === node.service && p.durationMs > 0 && p.startMs < node.startMs && around(p),
  );
  return shortest(own) ?? shortest(all.filter((p) => encloses(p, node) && around(p)));
}

/** Depth-first list of the tree's nodes (the waterfall's rows, top to bottom). */
export function flatten(roots: readonly SpanNode[]): SpanNode[] {
  return roots.flatMap((r) => [r, ...flatten(r.children)]);
}
