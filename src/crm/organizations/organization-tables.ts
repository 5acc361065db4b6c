/** Tables of organizations (migration 0030_organizations). Business data: stored plain. */
export interface OrganizationTables {
  organizations: OrganizationTable;
}

/** A company or other body the workspace does business with. */
export interface OrganizationTable {
  id: string;
  workspace_id: string;
  /** Display name. */
  name: string;
  /** Lower-case case-folded search key of the name (sorting and prefix search). */
  name_key: string;
  /** Normalised web domain (`acme.example`), unique per workspace; null when unknown. */
  domain: string | null;
  industry: string | null;
  /** One of `organizationSizeBands`. */
  size_band: string | null;
  street: string | null;
  city: string | null;
  postal_code: string | null;
  region: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string | null;
  /** User responsible for the account. */
  owner_user_id: string | null;
  created_at: string;
  updated_at: string;
  /** Optimistic concurrency: +1 on every change. */
  version: number;
}
