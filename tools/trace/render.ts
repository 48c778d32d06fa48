// The text tree of one transaction, as the enterprise demo document draws it: every step with the
// service, its start offset from the first step and its duration.
import { spanTree, wallTime, servicesOf, type SpanNode, type Transaction } from './spans.ts';

const ms = (x: number): string => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;

export function renderTree(t: Transaction, source: string): string {
  const roots = spanTree(t);
  const { startMs, durationMs } = wallTime(t);
  const lines = [
    `Correlation ID: ${t.correlationId}`,
    `  ${t.spans.length} steps in ${servicesOf(t).join(', ')}; ${ms(durationMs)} from first to last (source: ${source})`,
  ];
  const width = Math.max(...t.spans.map((s) => s.service.length));
  const walk = (nodes: readonly SpanNode[], prefix: string): void => {
    nodes.forEach((n, i) => {
      const last = i === nodes.length - 1;
      const offset = `+${ms(n.startMs - startMs)}`.padStart(11);
      const took = n.durationMs > 0 ? ms(n.durationMs).padStart(9) : '        ·';
      const failed = n.outcome === 'failure' ? `  FAILED${n.errorType ? ` (${n.errorType})` : ''}` : '';
      lines.push(
        `${offset} ${took}  ${prefix}${last ? '└── ' : '├── '}${n.service.padEnd(width)}  ${n.operation}${failed}`,
      );
      walk(n.children, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(roots, '');
  return lines.join('\n');
}
