import { createElement, Suspense, type ReactNode } from 'react';
import { RequestFulfilmentPanel } from '../../app/record-panels.ts';

/** The request as the detail page holds it (the API's RequestView, `GET /api/v1/requests/{id}`). */
export interface RequestDetailView {
  readonly id: string;
  readonly reference: string;
  readonly type:
    | 'access'
    | 'portability'
    | 'rectification'
    | 'erasure'
    | 'restriction'
    | 'objection'
    | 'consent_withdrawal';
  readonly status:
    | 'received'
    | 'identity_unverified'
    | 'verified'
    | 'in_progress'
    | 'awaiting_information'
    | 'extended'
    | 'completed'
    | 'refused'
    | 'cancelled';
  readonly channel: string;
  readonly personId: string | null;
  readonly assigneeId: string | null;
  readonly language: string;
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly extendedUntil: string | null;
  readonly extensionReason: string | null;
  readonly identityVerifiedAt: string | null;
  readonly identityMethod: string | null;
  readonly completedAt: string | null;
  readonly refusalReason: string | null;
  readonly sla: 'on_track' | 'due_soon' | 'overdue' | 'closed';
  readonly version: number;
}

/** What a panel receives: the request, and a callback to reload it (and its timeline) after the panel changed it. */
export interface RequestDetailPanelProps {
  readonly request: RequestDetailView;
  readonly onChanged: () => void;
}

export interface RequestDetailPanel {
  /** Stable key (also the panel's `data-testid` suffix: `request-panel-<key>`). */
  readonly key: string;
  /** Display order below the header, smaller first. */
  readonly order: number;
  /** Permission the signed-in user needs to see the panel (none: anyone who can open the request). */
  readonly permission?: string;
  readonly render: (props: RequestDetailPanelProps) => ReactNode;
}

/**
 * Panels other features add to the request detail page, rendered below its header in `order` (fulfilment actions,
 * exports…). A feature slots in with one entry; the page passes the loaded request and an `onChanged` to reload.
 *
 * @example
 * // in a .tsx module of the feature:
 * requestDetailPanels.push({ key: 'fulfilment', order: 10, permission: 'requests:write', render: (p) => <FulfilmentPanel {...p} /> });
 * // or an entry in the array below, with `createElement(FulfilmentPanel, props)`.
 */
export const requestDetailPanels: RequestDetailPanel[] = [
  { key: 'fulfilment', order: 10, permission: 'requests:write', render: (p) => createElement(Suspense, { fallback: null }, createElement(RequestFulfilmentPanel, p)) },
];
