// Loopback load generator for the overload test, run as a child process so its own CPU does not count as the
// server's. argv: baseUrl, seconds, publicShare. Measures capacity closed-loop first, then offers twice that
// open-loop (bounded in-flight) and prints one JSON line of counts.
const [base, secondsArg, shareArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const publicShare = Number(shareArg);
const MAX_IN_FLIGHT = 128;

async function capacity(ms) {
  let done = 0;
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < until) {
        const res = await fetch(`${base}/operator`);
        await res.arrayBuffer();
        done++;
      }
    }),
  );
  return done / (ms / 1000);
}

const cap = await capacity(1500);
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
