import assert from 'node:assert/strict';
import { test } from 'node:test';
import hdr from 'hdr-histogram-js';
import { cpuNanosOf, parseHttpStatus, parseStatCpuNanos, roundOf, selfCpuNanos, threadWaitNanos } from '../proc.mjs';

test('CPU time is read from utime and stime, counted after the last parenthesis of the command name', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
  const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 11 0 123 456 789';
  assert.equal(parseStatCpuNanos(stat), (250 + 75) * 10_000_000);
  assert.throws(() => parseStatCpuNanos('garbage'));
});

test('this process: /proc and process.cpuUsage agree on spent CPU', () => {
  const until = Date.now() + 200;
  while (Date.now() < until) { /* spin */ }
  const fromProc = cpuNanosOf(process.pid);
  assert.ok(fromProc >= 100_000_000, `${fromProc}`);
  assert.ok(Math.abs(selfCpuNanos() - fromProc) < 60_000_000, `${selfCpuNanos()} vs ${fromProc}`);
  assert.ok(threadWaitNanos() >= -1);
});

test('HTTP status and the round of a notification', () => {
  assert.equal(parseHttpStatus('HTTP/1.1 200 OK\r\n\r\n{}'), 200);
  assert.equal(parseHttpStatus('HTTP/1.1 503 Service Unavailable\r\n'), 503);
  assert.equal(parseHttpStatus(''), -1);
  assert.equal(roundOf({ round: 7, text: 'x' }), 7);
  assert.equal(roundOf([{ round: 8, text: 'x' }]), 8);
  assert.equal(roundOf([]), -1);
  assert.equal(roundOf({ round: '7' }), -1);
});

test('latency percentiles come from hdr-histogram-js, within 0.1%', () => {
  const h = hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3 });
  for (let v = 1; v <= 10_000; v++) h.recordValue(v * 1000); // 1 us .. 10 ms, uniform
  for (const [p, expected] of [[50, 5_000_000], [99, 9_900_000], [99.9, 9_990_000]]) {
    const got = h.getValueAtPercentile(p);
    assert.ok(Math.abs(got - expected) <= expected * 0.001, `p${p}: ${got}`);
  }
});
