import { describe, expect, it } from 'vitest';
import {
  countCsvRows,
  describeProgress,
  ProgressMeter,
  type ProgressReading,
} from './progress-meter.ts';

describe('the row count of a progress total', () => {
  it.each([
    ['way,group,number\nwizard,a,1\nwizard,a,2\n', 2],
    ['way,group,number\r\nwizard,a,1\r\nwizard,a,2', 2],
    ['\uFEFFway,group,number\n\nwizard,a,1\n\n', 1],
    ['way,group,number\nplain,"Acme\r\nEast, ""Inc.""",1\nwizard,a,2\n', 2],
    ['way,group,number\n', 0],
    ['', 0],
  ])('counts the data rows of %j as %i', async (text, rows) => {
    expect(await countCsvRows(text)).toBe(rows);
    // The same in bytes cut anywhere, a quote or a CRLF split between two chunks.
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(await countCsvRows(chunks)).toBe(rows);
  });
});

describe('the progress meter', () => {
  it('joins checking and writing, at most once a second, the last reading exactly once', () => {
    let now = 0;
    const readings: ProgressReading[] = [];
    const meter = new ProgressMeter({
      isImport: true,
      total: 1000,
      now: () => now,
      onReading: (reading) => readings.push(reading),
    });
    meter.listener({ phase: 'checking', rows: 0 });
    now = 500;
    meter.listener({ phase: 'checking', rows: 100 });
    now = 1000;
    meter.listener({ phase: 'importing', rows: 100 });
    now = 4000;
    meter.listener({ phase: 'checking', rows: 1000 });
    now = 5000;
    meter.listener({ phase: 'importing', rows: 1000 });
    meter.finish();
    meter.finish();
    expect(readings.map((r) => [r.checked, r.written, r.percent, r.isDone])).toEqual([
      [0, 0, 0, false],
      [100, 100, 10, false],
      [1000, 100, 55, false],
      [1000, 1000, 100, false],
      [1000, 1000, 100, true],
    ]);
    // 10% in one second: nine more.
    expect(readings[1]?.secondsLeft).toBeCloseTo(9);
    expect(describeProgress(readings[2] as ProgressReading)).toBe(
      '1,000 of 1,000 rows checked, 100 written (55%), about 4 s left',
    );
  });

  it('says what it knows without a total', () => {
    const meter = new ProgressMeter({ isImport: false, onReading: () => {} });
    meter.listener({ phase: 'checking', rows: 2500 });
    expect(describeProgress(meter.read())).toBe('2,500 rows checked');
  });
});
