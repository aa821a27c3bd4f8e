import { type TProperties, Type } from 'typebox';

/** An object schema that rejects unknown properties (the route contract checks every request schema for it). */
export const Strict = <P extends TProperties>(props: P, opts: { description?: string } = {}) => Type.Object(props, { additionalProperties: false, ...opts });

export const NoQuery = Strict({});
export const IdParams = Strict({ id: Type.String({ format: 'uuid' }) });
export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Empty = Type.Object({});
export const EmptyBody = Strict({});
/** Integers arrive as strings in query strings (nothing is coerced): a digits-only pattern. */
export const IntString = Type.String({ pattern: '^[0-9]{1,9}$' });

export const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
