// The API's record types come from the server's own OpenAPI description: scripts/build.sh writes
// `kam openapi` to generated/openapi.json and `npm run gen:api` turns it into generated/schema.ts
// (both git-ignored, never edited by hand). The modules next to this one name those schemas for
// the views; the few properties the description does not give precisely enough are written out
// by hand with the helpers below, each one a request to the server to describe it.

import type { components } from './generated/schema';

/** Every schema of the API, by its OpenAPI name. */
export type Schemas = components['schemas'];

/**
 * A record as the server sends it. The response schemas list no `required` properties, yet the
 * server always sends every property they describe; so the web reads them as present (`?`
 * removed, at every depth). `Optional` names the top-level properties that some routes do leave
 * out (lists, details, roles), which stay optional.
 */
export type Sent<T, Optional extends keyof NonNullable<T> = never> = T extends null
  ? null
  : [Optional] extends [never]
    ? Present<T>
    : Omit<Present<T>, Optional> & Partial<Pick<Present<T>, Optional & keyof Present<T>>>;

type Present<T> = T extends readonly (infer E)[]
  ? Present<E>[]
  : T extends object
    ? { -readonly [K in keyof T]-?: Present<Exclude<T[K], undefined>> }
    : T;

/**
 * T with some described properties given the exact type the web relies on, where the schema is
 * looser (an object without properties, a type that also allows null or integer). The keys must
 * be properties of T.
 */
export type Refine<T, R extends { [K in keyof R]: K extends keyof T ? unknown : never }> = Omit<T, keyof R> & R;

/**
 * T with the listed properties never null. The entity schemas allow null in every field that is
 * optional on create, though the store keeps these NOT NULL (they have a default).
 */
export type NotNull<T, K extends keyof T> = Omit<T, K> & { [P in K]: Exclude<T[P], null> };

/**
 * T plus properties the server sends but its schema does not describe. Once the schema describes
 * one of them this no longer compiles: delete it here and the generated type takes over.
 */
export type Extend<T, X extends { [K in keyof X]: K extends keyof T ? never : unknown }> = T & X;

/** A page of a list: every list route describes these three properties around its items. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
  total: number;
}
