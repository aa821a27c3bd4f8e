import type { RoutePriority } from '../guard/routeContract.js';

/**
 * The limit layers, checked in this order. `ip` and `prefix` run before authentication (they protect the key
 * check itself); `principal` and `route` after it, per key or operator and per key × route class.
 */
export type Layer = 'ip' | 'prefix' | 'principal' | 'route';

export interface Window {
  readonly points: number;
  readonly windowMs: number;
}

export interface LayerBase {
  /** SECURITY_RATE_LIMIT_WINDOW / SECURITY_RATE_LIMIT_MAX. */
  readonly window: Window;
}

/**
 * An address carries every client behind it (a venue's NAT, an integrator's egress), so its pre-auth ceiling is a
 * multiple of one principal's; a /56 is a whole site or subscriber.
 */
export const LAYER_SCALE: Readonly<Record<Layer, number>> = { ip: 3, prefix: 10, principal: 1, route: 1 };

/** No single route class may use more than this share of a principal's budget: one runaway loop cannot starve the rest. */
export const ROUTE_CLASS_SHARE: Readonly<Record<Exclude<RoutePriority, 'health'>, number>> = { operator: 0.75, integration: 0.75, public: 0.5 };

/**
 * The nominal window of a layer: per-key settings replace the configured window for the key's own layers.
 * @example nominalWindow('ip', { window: { points: 100, windowMs: 900_000 } }, null) // { points: 300, windowMs: 900_000 }
 */
export function nominalWindow(layer: Layer, base: LayerBase, keyWindow: Window | null, routeClass: RoutePriority = 'operator'): Window {
  if (layer === 'ip' || layer === 'prefix') return { points: base.window.points * LAYER_SCALE[layer], windowMs: base.window.windowMs };
  const own = keyWindow ?? base.window;
  if (layer === 'principal') return own;
  const share = routeClass === 'health' ? 1 : ROUTE_CLASS_SHARE[routeClass];
  return { points: Math.max(1, Math.ceil(own.points * share)), windowMs: own.windowMs };
}

/**
 * Points a client may use in the window: the nominal quota times its trust multiplier, never below 1.
 * @example effectivePoints(100, 0.5) === 50
 */
export const effectivePoints = (nominal: number, multiplier: number): number => Math.max(1, Math.floor(nominal * multiplier));

/** The counter stores enough headroom for the most relaxed multiplier; the decision uses effectivePoints. */
export const storeCeiling = (nominal: number, maxMultiplier: number): number => Math.max(1, Math.ceil(nominal * maxMultiplier));
