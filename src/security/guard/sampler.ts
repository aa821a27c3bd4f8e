import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { PressureSample } from './loadShedding.js';

export interface Sampler {
  /** Reads and resets the interval's counters. Call on a timer, never per request. */
  sample(): PressureSample;
  close(): void;
}

const MB = 1024 * 1024;

/** Event-loop delay (histogram), utilisation, CPU, RSS and heap of this process, as deltas since the last call. */
export function processSampler(): Sampler {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let elu = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  let at = process.hrtime.bigint();
  const heapLimitMb = getHeapStatistics().heap_size_limit / MB;
  return {
    sample() {
      const now = process.hrtime.bigint();
      const wallUs = Number(now - at) / 1000;
      const cpuNow = process.cpuUsage(cpu);
      const eluNow = performance.eventLoopUtilization(elu);
      const mem = process.memoryUsage();
      const s: PressureSample = {
        eventLoopDelayMs: delay.count > 0 ? delay.percentile(99) / 1e6 : 0,
        eventLoopUtilization: eluNow.utilization,
        cpuPercent: wallUs > 0 ? ((cpuNow.user + cpuNow.system) / wallUs) * 100 : 0,
        rssMb: mem.rss / MB,
        heapUsedMb: mem.heapUsed / MB,
        heapLimitMb,
      };
      delay.reset();
      elu = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
      at = now;
      return s;
    },
    close() {
      delay.disable();
    },
  };
}
