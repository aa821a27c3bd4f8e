// Loopback load generator for the overload test, run as a child process so its own CPU does not count as the
// server's. argv: baseUrl, seconds, publicShare. Measures capacity closed-loop first, then offers twice that
// open-loop (bounded in-flight) and prints one JSON line of counts.
const [base, secondsArg, shareArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const publicShare = Number(shareArg);
const MAX_IN_FLIGHT = 128;

// Closed-loop throughput in consecutive windows; the best window is the estimate. On a shared machine any one
// window can be starved, and an underestimate would offer too little load to overload the server at all.
async function capacity(windows, windowMs) {
  let best = 0;
  for (let w = 0; w < windows; w++) {
    let done = 0;
    const until = Date.now() + windowMs;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) {
          const res = await fetch(`${base}/operator`);
          await res.arrayBuffer();
          done++;
        }
      }),
    );
    best = Math.max(best, done / (windowMs / 1000));
  }
  return best;
}

const cap = await capacity(4, 500);
const rate = 2 * cap;
const counts = { capacity: Math.round(cap), offered: Math.round(rate), public: {}, operator: {}, errors: 0, dropped: 0, shedWithoutRetryAfter: 0 };
let inFlight = 0;
let seq = 0;
const start = Date.now();
let sent = 0;
await new Promise((resolve) => {
  const tick = setInterval(() => {
    const elapsed = (Date.now() - start) / 1000;
    if (elapsed >= seconds) {
      clearInterval(tick);
      const wait = setInterval(() => {
        if (inFlight === 0) {
          clearInterval(wait);
          resolve();
        }
      }, 20);
      return;
    }
    const due = Math.floor(elapsed * rate) - sent;
    for (let i = 0; i < due; i++) {
      sent++;
      if (inFlight >= MAX_IN_FLIGHT) {
        counts.dropped++;
        continue;
      }
      const cls = (seq++ % 100) / 100 < publicShare ? 'public' : 'operator';
      inFlight++;
      fetch(`${base}/${cls}`)
        .then(async (res) => {
          await res.arrayBuffer();
          counts[cls][res.status] = (counts[cls][res.status] ?? 0) + 1;
          if (res.status === 503 && !res.headers.get('retry-after')) counts.shedWithoutRetryAfter++;
        })
        .catch(() => {
          counts.errors++;
        })
        .finally(() => {
          inFlight--;
        });
    }
  }, 10);
});
process.stdout.write(`${JSON.stringify(counts)}\n`);
