// Pins processes to CPUs with taskset (Linux), so that a server under test has a core of its own and its load
// generator (and anything else the bench runs) the others. On a 2-core machine, unpinned, the scheduler's placement of
// four busy processes swung a round's throughput by ±30%, more than the effect being measured.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** CPU lists for the server and for the rest, or null when pinning is not possible here. */
export function cpuSplit() {
  const n = availableParallelism();
  if (n < 2 || process.platform !== 'linux' || process.env.BENCH_NO_PIN) return null;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { server: String(n - 1), rest: n === 2 ? '0' : `0-${n - 2}` };
}

/** Every thread of process `pid` onto `cpus` (a taskset list such as "1" or "0-2"). */
export function pin(pid, cpus) {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}
