/**
 * CPU figures that tell a slow server from a busy machine: this process (the load generator) and, where
 * /proc/stat exists, the whole machine, so the bench can say how much other work ran meanwhile.
 */
import fs from 'node:fs';

/** USER_HZ: /proc/stat counts in hundredths of a second on Linux. */
const TICKS_PER_SECOND = 100;

function machineBusyTicks(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/).slice(1);
    const ticks = fields?.map(Number) ?? [];
    // user nice system idle iowait irq softirq steal ...: all but idle and iowait is work.
    const total = ticks.slice(0, 8).reduce((sum, n) => sum + n, 0);
    return total - (ticks[3] ?? 0) - (ticks[4] ?? 0);
  } catch {
    return undefined;
  }
}

export interface CpuReading {
  /** Cores this process used, per second of wall time. */
  loadGenerator: number;
  /** Cores the whole machine used; undefined where /proc/stat is missing. */
  machine?: number;
}

/** Starts counting; the function returns the cores used per second of wall time since the start. */
export function startCpuMeters(): () => CpuReading {
  const cpu = process.cpuUsage();
  const busy = machineBusyTicks();
  const at = performance.now();
  return () => {
    const seconds = (performance.now() - at) / 1000;
    const used = process.cpuUsage(cpu);
    const busyNow = machineBusyTicks();
    return {
      loadGenerator: (used.user + used.system) / 1e6 / seconds,
      machine:
        busy === undefined || busyNow === undefined
          ? undefined
          : (busyNow - busy) / TICKS_PER_SECOND / seconds,
    };
  };
}
