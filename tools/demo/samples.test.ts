import { describe, expect, it } from 'vitest';
import { byTarget, resultBlock, SampleReader, splitCsvLine, timeline } from './samples.ts';

const HEADER =
  'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';
const row = (metric: string, t: number, v: number, status: number, expected: boolean, tags: string) =>
  `${metric},${t},${v},,,,${expected},,POST,POST /orders,HTTP/1.1,errors,,${status},,,POST /orders,${tags},`;

describe('SampleReader', () => {
  it('keeps one sample per request from chunks split anywhere, with status and tags', () => {
    const text = [
      HEADER,
      row('http_reqs', 1000, 1, 201, true, 'target=order&op=place_order'),
      row('http_req_duration', 1000, 120.5, 201, true, 'target=order&op=place_order'),
      row('http_req_duration', 1500, 300, 402, true, 'target=order&op=place_order'),
      row('http_req_duration', 2600, 50, 503, false, 'target=inventory&op=get_stock'),
      '',
    ].join('\n');
    const reader = new SampleReader();
    for (let i = 0; i < text.length; i += 37) reader.push(text.slice(i, i + 37));
    expect(reader.samples).toEqual([
      { t: 1000, ms: 120.5, status: 201, expected: true, target: 'order', op: 'place_order' },
      { t: 1500, ms: 300, status: 402, expected: true, target: 'order', op: 'place_order' },
      { t: 2600, ms: 50, status: 503, expected: false, target: 'inventory', op: 'get_stock' },
    ]);
  });

  it('reads quoted CSV fields', () => {
    expect(splitCsvLine('a,"b,c","say ""hi""",')).toEqual(['a', 'b,c', 'say "hi"', '']);
  });
});

describe('result block', () => {
  const samples = [
    { t: 1000, ms: 100, status: 201, expected: true, target: 'order', op: 'x' },
    { t: 1200, ms: 300, status: 402, expected: true, target: 'order', op: 'x' },
    { t: 2100, ms: 200, status: 0, expected: false, target: 'inventory', op: 'y' },
    { t: 2500, ms: 400, status: 200, expected: true, target: 'inventory', op: 'y' },
  ];

  it('counts every non-2xx answer as failed and the unintended ones apart', () => {
    expect(resultBlock(samples, 2)).toMatchObject({
      total_requests: 4,
      successful: 2,
      failed: 2,
      unexpected: 1,
      server_errors: 1,
      success_rate_percent: 50,
      average_response_time_ms: 250,
      p50_response_time_ms: 200,
      p95_response_time_ms: 400,
      max_response_time_ms: 400,
      throughput_rps: 2,
    });
    expect(resultBlock([], 0)).toMatchObject({
      total_requests: 0,
      success_rate_percent: 0,
      max_response_time_ms: 0,
    });
  });

  it('splits by target service and by second', () => {
    expect(byTarget(samples).map((b) => [b.service, b.requests, b.failed, b.statuses])).toEqual([
      ['inventory', 2, 1, { '0': 1, '200': 1 }],
      ['order', 2, 1, { '201': 1, '402': 1 }],
    ]);
    expect(timeline(samples, 1000)).toEqual([
      { t_s: 0, requests: 2, failed: 1, p95_ms: 300 },
      { t_s: 1, requests: 2, failed: 1, p95_ms: 400 },
    ]);
  });
});
