/** In a server child: how busy its event loop and its CPU were between two readings, and its peak memory. */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { ServerStats } from './protocol';

export function startProcessMeter(): (id: number) => ServerStats {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let loop = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  let at = performance.now();
  let rssPeak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 50);
  sampler.unref();
  return (id) => {
    const seconds = (performance.now() - at) / 1000;
    const used = process.cpuUsage(cpu);
    const stats: ServerStats = {
      type: 'stats',
      id,
      seconds,
      eventLoopUtilization: performance.eventLoopUtilization(loop).utilization,
      cpuCores: (used.user + used.system) / 1e6 / seconds,
      loopDelayP50: delay.percentile(50) / 1e6,
      loopDelayP99: delay.percentile(99) / 1e6,
      rssPeakMiB: Math.max(rssPeak, process.memoryUsage.rss()) / 2 ** 20,
    };
    rssPeak = process.memoryUsage.rss();
    loop = performance.eventLoopUtilization();
    cpu = process.cpuUsage();
    at = performance.now();
    delay.reset();
    return stats;
  };
}
