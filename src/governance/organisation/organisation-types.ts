/** Contact details of the controller or its EU representative (Art. 30(1)(a), 27). */
export interface PartyContact {
  readonly name: string;
  readonly address: string;
  readonly email: string;
  readonly phone: string;
}

/** The data protection officer (Art. 37(7): contact details are published). */
export interface DpoContact {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

/** The organisation settings of a workspace, as the records of processing name them. */
export interface OrganisationSettings {
  readonly controller: PartyContact;
  /** EU representative (Art. 27), when the controller is established outside the Union. */
  readonly representative: PartyContact | null;
  /** Data protection officer, when one is designated. */
  readonly dpo: DpoContact | null;
}

/** A stored version of the settings. */
export interface OrganisationVersion extends OrganisationSettings {
  /** 0 before anything was saved. */
  readonly version: number;
  readonly updatedAt: string | null;
}

/** Settings of a workspace nobody filled in yet. */
export const emptyOrganisation: OrganisationSettings = {
  controller: { name: '', address: '', email: '', phone: '' },
  representative: null,
  dpo: null,
};

/** The Art. 30(1)(a) items still missing (controller name, address, and an email or phone). */
export function missingOrganisationItems(o: OrganisationSettings): string[] {
  const missing: string[] = [];
  if (!o.controller.name.trim()) missing.push('controller.name');
  if (!o.controller.address.trim()) missing.push('controller.address');
  if (!o.controller.email.trim() && !o.controller.phone.trim()) missing.push('controller.email or controller.phone');
  return missing;
}
