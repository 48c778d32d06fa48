import { describe, expect, it } from 'vitest';
import { delta, histogramSums } from './prom.ts';
import { median, table } from './stats.ts';

const scrape = (sum: number, count: number, other: number) => `
# HELP mmf_http_server_request_duration_seconds Duration
# TYPE mmf_http_server_request_duration_seconds histogram
mmf_http_server_request_duration_seconds_bucket{le="0.005",method="POST",route="/orders",status_code="201",app="order",version="0.1.0"} 3
mmf_http_server_request_duration_seconds_sum{method="POST",route="/orders",status_code="201",app="order",version="0.1.0"} ${sum}
mmf_http_server_request_duration_seconds_count{method="POST",route="/orders",status_code="201",app="order",version="0.1.0"} ${count}
mmf_http_server_request_duration_seconds_sum{method="POST",route="/orders",status_code="409",app="order",version="0.1.0"} ${other}
mmf_http_server_request_duration_seconds_count{method="POST",route="/orders",status_code="409",app="order",version="0.1.0"} 1
mmf_http_server_request_duration_seconds_sum{method="GET",route="/orders/:id",status_code="200",app="order",version="0.1.0"} 0.5
mmf_http_server_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="200",app="order",version="0.1.0"} 10
mmf_http_client_request_duration_seconds_sum{target="inventory",operation="reserve",outcome="success"} 99
`;

describe('histogramSums / delta', () => {
  it('reads one histogram and subtracts two scrapes per kept label set', () => {
    const name = 'mmf_http_server_request_duration_seconds';
    const before = histogramSums(scrape(1, 4, 0.25), name);
    expect(before).toHaveLength(3);
    expect(before[0]).toMatchObject({ labels: { route: '/orders', status_code: '201' }, sum: 1, count: 4 });
    const d = delta(before, histogramSums(scrape(3, 14, 0.25), name), ['method', 'route']);
    // status codes are summed; GET /orders/:id did not change and is left out
    expect(d).toEqual([{ labels: { method: 'POST', route: '/orders' }, sum: 2, count: 10 }]);
  });
});

describe('stats', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('aligns text left and numbers right', () => {
    expect(
      table(
        ['name', 'n'],
        [
          ['a', 1234],
          ['bb', 5],
        ],
      ).split('\n'),
    ).toEqual(['name      n', '----  -----', 'a     1,234', 'bb        5']);
  });
});
