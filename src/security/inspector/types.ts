/** The attack families the inspector recognises; each finding names one. */
export type AttackKind =
  | 'sqli'
  | 'xss'
  | 'ssti'
  | 'prototype_pollution'
  | 'command_injection'
  | 'path_traversal'
  | 'nosql_injection'
  | 'code_injection';

export const attackKinds: readonly AttackKind[] = [
  'sqli',
  'xss',
  'ssti',
  'prototype_pollution',
  'command_injection',
  'path_traversal',
  'nosql_injection',
  'code_injection',
];

/**
 * Where a string sits in a request (the corpus' `location` vocabulary). Value locations are judged
 * as free text; `param_name` as a key; the structured ones are parsed first and judged part by part.
 */
export type RequestLocation =
  | 'any'
  | 'query'
  | 'body_form'
  | 'param_name'
  | 'json_body'
  | 'query_string'
  | 'header'
  | 'cookie'
  | 'path'
  | 'xml_body'
  | 'raw_body'
  | 'multipart_value'
  | 'multipart_filename';

export const requestLocations: readonly RequestLocation[] = [
  'any',
  'query',
  'body_form',
  'param_name',
  'json_body',
  'query_string',
  'header',
  'cookie',
  'path',
  'xml_body',
  'raw_body',
  'multipart_value',
  'multipart_filename',
];

/** What a route does with a detection: refuse the request, or let it through and record it. */
export type PolicyMode = 'block' | 'flag';

export type VerdictOutcome = 'clean' | 'flag' | 'block';

export interface InspectorPolicy {
  readonly mode: PolicyMode;
  /** Anomaly score (sum of rule scores for one value) at which a value counts as an attack. */
  readonly threshold: number;
  /** Nesting deeper than this is itself a finding (structural defence, not text detection). */
  readonly maxDepth: number;
  /** More keys than this in one request is a finding. */
  readonly maxKeys: number;
  /** Values longer than this are judged on their first `maxValueLength` characters only. */
  readonly maxValueLength: number;
}

/** One rule that matched: which family, which rule, how much it adds, and where it matched. */
export interface Finding {
  readonly kind: AttackKind | 'structure';
  readonly rule: string;
  readonly score: number;
  readonly location: RequestLocation;
  /** Dotted path of the value or key inside the location (`body.user.$ne`, `query.id[1]`); '' for the whole part. */
  readonly path: string;
}

export interface Verdict {
  readonly verdict: VerdictOutcome;
  /** Highest anomaly score of any single value in the request. */
  readonly score: number;
  /** The policy mode that produced `verdict` (so a `flag` verdict says it was not blocked by choice). */
  readonly mode: PolicyMode;
  readonly findings: readonly Finding[];
}

/** A rule hit before it is placed: detectors know the text, not where it came from. */
export interface RuleHit {
  readonly kind: AttackKind;
  readonly rule: string;
  readonly score: number;
}
