import type { Permission } from './permissions.ts';

/** The role as the request pipeline and the privacy gate need it. */
export interface RoleGrant {
  readonly id: string;
  readonly key: string;
  readonly permissions: ReadonlySet<Permission>;
  /** Purpose keys, or `*`. */
  readonly purposes: readonly string[];
  /** Data-category key prefixes, or `*`. */
  readonly dataCategories: readonly string[];
  readonly defaultPurpose: string | null;
  readonly requireMfa: boolean;
}

/** Who is calling: a signed-in user (session) or an integration (API token). */
export interface Principal {
  readonly workspaceId: string;
  readonly userId: string;
  readonly role: RoleGrant;
  readonly via: 'session' | 'token';
  /** Session hash id (session) or token id (token). */
  readonly credentialId: string;
  /** Session only: the CSRF token that unsafe requests must echo in `X-CSRF-Token`. */
  readonly csrfToken: string | null;
  readonly mfaEnabled: boolean;
  /** Token only: its default purpose. */
  readonly defaultPurpose: string | null;
  /** Display name of the role acting. */
  readonly roleName: string;
  /** The user's own fields, read with the credential so that `/users/me` needs no further query. */
  readonly user: { readonly email: string; readonly name: string; readonly createdAt: string; readonly lastSignInAt: string | null };
}
