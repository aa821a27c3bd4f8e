import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from 'typebox';
import { problems } from '../../kernel/problems.js';
import type { HttpApp } from '../app.js';
import { sendProblem } from '../problem.js';
import { NoQuery, Strict } from '../schemas.js';

/** Content types of what the console build emits; anything else in the folder is not served. */
const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** The built console (`npm run build` writes it): index.html and hashed assets, read once at start. */
export interface ConsoleBundle {
  readonly index: Buffer | null;
  readonly assets: ReadonlyMap<string, Asset>;
}

export function loadConsoleBundle(dir: string): ConsoleBundle {
  const indexPath = join(dir, 'index.html');
  const index = existsSync(indexPath) ? readFileSync(indexPath) : null;
  const assets = new Map<string, Asset>();
  const assetDir = join(dir, 'assets');
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      const type = TYPES[name.slice(name.lastIndexOf('.'))];
      if (type !== undefined) assets.set(name, { body: readFileSync(join(assetDir, name)), type });
    }
  }
  return { index, assets };
}

const AssetParams = Strict({ file: Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}(\\.[A-Za-z0-9]{1,10}){1,2}$' }) });

/**
 * The operator console at `/`: a page and its assets, public (the page holds no data; everything it shows comes
 * through the authenticated API) and answered before setup so the first administrator can be created from it.
 * Their responses get the console's Content-Security-Policy (see securityHeaders.ts). Assets carry a content hash
 * in their name, so they are cached for a year; the page itself is revalidated.
 */
export function consoleRoutes(deps: { bundle: ConsoleBundle }) {
  const { bundle } = deps;
  return (app: HttpApp) => {
    const config = { auth: { public: 'console' as const }, priority: 'operator' as const };

    app.get(
      '/',
      { config, schema: { hide: true, querystring: NoQuery, response: { 200: Type.Unknown() } } },
      async (request, reply) => {
        if (bundle.index === null) return sendProblem(request, reply, problems['not-found'], 'The console is not built: run npm run build.');
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(bundle.index);
      },
    );

    app.get(
      '/assets/:file',
      { config, schema: { hide: true, params: AssetParams, querystring: NoQuery, response: { 200: Type.Unknown() } } },
      async (request, reply) => {
        const asset = bundle.assets.get(request.params.file);
        if (asset === undefined) return sendProblem(request, reply, problems['not-found'], 'No such console asset.');
        return reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
      },
    );
  };
}
