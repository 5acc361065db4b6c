import { Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';

/** Chooses an organization by name (searched on the server by prefix); null for none. */
export function OrganizationSelect({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { api } = useApi();
  const [search, setSearch] = useState('');
  const organizations = useQuery({
    queryKey: ['organizations', 'select', search],
    queryFn: () => body(api.GET('/api/v1/organizations', { params: { query: { limit: 50, ...(search.trim() ? { q: search.trim() } : {}) } } })),
  });
  const chosen = useQuery({
    queryKey: ['organizations', value],
    queryFn: () => body(api.GET('/api/v1/organizations/{id}', { params: { path: { id: value ?? '' } } })),
    enabled: value !== null,
  });
  const options = new Map((organizations.data?.items ?? []).map((o) => [o.id, o.name]));
  if (chosen.data) options.set(chosen.data.id, chosen.data.name);
  return (
    <Select
      label="Organization"
      placeholder="None"
      searchable
      clearable
      data={[...options].map(([id, name]) => ({ value: id, label: name }))}
      value={value}
      onChange={onChange}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      nothingFoundMessage="No organization starts with this"
    />
  );
}
