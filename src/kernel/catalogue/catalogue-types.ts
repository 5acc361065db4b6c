/** Where a value comes from (drives Art. 14 notices and Art. 20 portability). */
export const sourceTypes = ['provided', 'observed', 'derived', 'inferred'] as const;
export type SourceType = (typeof sourceTypes)[number];

/** A data category: from the default taxonomy (`builtin`) or defined by the workspace. */
export interface DataCategory {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  /** Art. 9 special category (itself or through an ancestor). */
  readonly special: boolean;
  /** Art. 10 criminal-offence data (itself or through an ancestor). */
  readonly criminal: boolean;
  readonly builtin: boolean;
  /** Set on deprecated default keys. */
  readonly replacedBy: string | null;
}

/** A declared personal-data attribute of an entity. */
export interface DeclaredAttribute {
  /** Entity holding it (`person`). */
  readonly entity: string;
  /** Attribute name (`email`). */
  readonly attribute: string;
  /** Data category key (`user.contact.email`). */
  readonly category: string;
  /** Art. 9 special category. */
  readonly special: boolean;
  readonly source: SourceType;
  /** Default retention, ISO 8601 duration. */
  readonly retention: string;
  /** Exact lookup allowed (a blind index is kept). */
  readonly searchable: boolean;
  readonly builtin: boolean;
  readonly description: string;
}

/** Identifier rules: a dotted category key and an attribute or entity name. */
export const categoryKeyPattern = '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$';
export const identifierPattern = '^[a-z][A-Za-z0-9_]{0,62}$';
