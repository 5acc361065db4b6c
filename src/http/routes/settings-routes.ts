import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { listSettings, SettingsPatch, updateSettings } from '../../identity/workspace-settings.ts';
import type { AppDeps } from '../app.ts';
import { actingFrom } from './me-routes.ts';

const Settings = Type.Object({ items: Type.Array(Type.Object({ key: Type.String(), value: Type.Unknown() })) });

/** Workspace settings: a fixed set of known keys, each validated by its own schema. */
export function settingsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['settings'];

    app.get(
      '/api/v1/settings',
      { config: { access: 'settings:read' }, schema: { tags, summary: 'Workspace settings', response: { 200: Settings } } },
      async (request) => ({ items: await listSettings(deps.db.kysely, actingFrom(request).workspaceId) }),
    );

    app.patch(
      '/api/v1/settings',
      {
        config: { access: 'settings:write' },
        schema: { tags, summary: 'Change some settings', body: SettingsPatch, response: { 200: Settings } },
      },
      async (request) => {
        const items = await updateSettings(deps, actingFrom(request), request.body);
        // The training gate caches its setting (ADR 0031): a change through this process applies at once.
        deps.trainingGate.invalidateSetting?.(actingFrom(request).workspaceId);
        return { items };
      },
    );
  };
}
