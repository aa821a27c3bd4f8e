/** Requests/s of `url` with `concurrency` keep-alive clients for `ms`; any non-200 answer fails the bench. */
export async function load(url: string, headers: Record<string, string>, ms: number, concurrency = 16): Promise<number> {
  let done = 0;
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const res = await fetch(url, { headers });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`bench request answered ${res.status}: ${body.slice(0, 300)}`);
        done++;
      }
    }),
  );
  return done / (ms / 1000);
}
