// What the ws generator reads about processes (as the NIO generator's Proc.java does) and the small parsers it
// needs; separate from ws-agent.mjs so that test/proc.test.mjs can check them.
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`); 100 on every Linux we run on. */
const TICKS_PER_SECOND = 100;

/** utime + stime of a /proc/<pid>/stat line, in nanoseconds (10 ms resolution). */
export function parseStatCpuNanos(stat) {
  // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  if (!Number.isFinite(ticks)) throw new Error(`not a /proc/<pid>/stat line: ${stat}`);
  return ticks * (1e9 / TICKS_PER_SECOND);
}

/** CPU time process `pid` has used so far, user plus system, in nanoseconds. */
export function cpuNanosOf(pid) {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (error) {
    throw new Error(`cannot read /proc/${pid}/stat: the server process is gone (${error.code})`);
  }
  return parseStatCpuNanos(stat);
}

/** CPU time of this whole process (every thread), in nanoseconds. */
export function selfCpuNanos() {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/**
 * Time the calling thread (here: the event loop's) has spent ready to run but waiting for a CPU, in nanoseconds:
 * the second field of /proc/thread-self/schedstat; -1 where the kernel does not report it.
 */
export function threadWaitNanos() {
  try {
    return Number(fs.readFileSync('/proc/thread-self/schedstat', 'latin1').trim().split(' ')[1]);
  } catch {
    return -1;
  }
}

/** The status code of an HTTP/1.1 response's first line, or -1. */
export function parseHttpStatus(text) {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m ? Number(m[1]) : -1;
}

/**
 * The `round` of a fan-out notification's params: servers send the one object argument either as it is (the
 * reference server flattens a single object) or inside the params array; -1 when there is none.
 */
export function roundOf(params) {
  const first = Array.isArray(params) ? params[0] : params;
  return Number.isInteger(first?.round) ? first.round : -1;
}
