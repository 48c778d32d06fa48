// Panels as plain data (rows/*.ts), turned into grafana-foundation-sdk builders here: one place that
// knows the SDK, so a row module says only what it shows. Every panel queries the dashboard's
// `datasource` variable, so the JSON works with any Prometheus data source.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as barGauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Panel,
  type Threshold,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Query {
  readonly expr: string;
  /** Grafana legend template, e.g. '{{service}}'. */
  readonly legend?: string;
}

export type Color = 'green' | 'orange' | 'red';
export type PanelKind = 'timeseries' | 'stat' | 'bargauge' | 'table';

export interface PanelSpec {
  readonly kind: PanelKind;
  readonly title: string;
  /** What the panel shows and how to read it (every panel has one; a test checks). */
  readonly description: string;
  /** Grafana unit id: reqps, percentunit, s, bytes, currencyUSD, short, ... */
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Threshold steps, ascending: from `value` on, the colour is `color` (below the first: `base`). */
  readonly thresholds?: readonly { readonly value: number; readonly color: Color }[];
  /** Colour below the first step (default green; red where more is better, e.g. budget left). */
  readonly base?: Color;
  readonly min?: number;
  readonly max?: number;
  /** Grid width (of 24) and height. */
  readonly width?: number;
  readonly height?: number;
  readonly stacked?: boolean;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

function thresholds(spec: PanelSpec): ThresholdsConfigBuilder {
  // Grafana's first step has no value (null): it is the colour from minus infinity.
  const steps: Threshold[] = [{ value: null, color: spec.base ?? 'green' }, ...(spec.thresholds ?? [])];
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

function target(q: Query, i: number, instant: boolean): DataqueryBuilder {
  const b = new DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(q.expr)
    .refId(String.fromCharCode(65 + i));
  if (q.legend) b.legendFormat(q.legend);
  return instant ? b.instant() : b.range();
}

/** The parts every panel kind shares; the SDK's panel builders all have these methods. */
interface CommonBuilder extends cog.Builder<Panel> {
  id(id: number): this;
  title(t: string): this;
  description(d: string): this;
  datasource(d: typeof DATASOURCE): this;
  unit(u: string): this;
  span(w: number): this;
  height(h: number): this;
  min(n: number): this;
  max(n: number): this;
  thresholds(t: ThresholdsConfigBuilder): this;
  withTarget(t: DataqueryBuilder): this;
}

function builderFor(spec: PanelSpec): CommonBuilder {
  switch (spec.kind) {
    case 'stat':
      return new stat.PanelBuilder()
        .graphMode(common.BigValueGraphMode.Area)
        .colorMode(common.BigValueColorMode.Background)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']));
    case 'bargauge':
      return new barGauge.PanelBuilder()
        .displayMode(common.BarGaugeDisplayMode.Gradient)
        .orientation(common.VizOrientation.Horizontal)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']));
    case 'table':
      return new table.PanelBuilder();
    case 'timeseries': {
      const ts = new timeseries.PanelBuilder()
        .fillOpacity(10)
        .legend(
          new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).showLegend(true),
        );
      if (spec.thresholds?.length) {
        ts.thresholdsStyle(
          new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
        );
      }
      if (spec.stacked) ts.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
      return ts;
    }
  }
}

export function panel(spec: PanelSpec): CommonBuilder {
  const b = builderFor(spec)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.width ?? 8)
    .height(spec.height ?? 8)
    .thresholds(thresholds(spec));
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  const instant = spec.kind !== 'timeseries' && spec.kind !== 'stat';
  spec.queries.forEach((q, i) => b.withTarget(target(q, i, instant)));
  return b;
}
