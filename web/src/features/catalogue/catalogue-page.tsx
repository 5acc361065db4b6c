import { Badge, Button, Group, Stack, Switch, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { attributesQueryKey, categoriesQueryKey, categoryTree, sourceLabels } from './catalogue-query.ts';
import { CategoryFlags } from './category-flags.tsx';
import { NewAttributeModal } from './new-attribute-modal.tsx';
import { NewCategoryModal } from './new-category-modal.tsx';

/** The data catalogue: the category tree with its Art. 9/10 flags, and every declared personal-data attribute. */
export function CataloguePage() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('catalogue:write');
  const [tab, setTab] = useState<string | null>('categories');
  const [filter, setFilter] = useState('');
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [newCategory, setNewCategory] = useState(false);
  const [newAttribute, setNewAttribute] = useState(false);

  const categories = useQuery({
    queryKey: categoriesQueryKey,
    queryFn: () => body(api.GET('/api/v1/catalogue/categories')),
  });
  const attributes = useQuery({
    queryKey: attributesQueryKey,
    queryFn: () => body(api.GET('/api/v1/catalogue/attributes')),
  });
  const categoryItems = useMemo(() => categories.data?.items ?? [], [categories.data]);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return categoryTree(categoryItems).filter(
      ({ category: c }) =>
        (!flaggedOnly || c.special || c.criminal) &&
        (!needle || c.key.includes(needle) || c.name.toLowerCase().includes(needle)),
    );
  }, [categoryItems, filter, flaggedOnly]);
  const byKey = useMemo(() => new Map(categoryItems.map((c) => [c.key, c])), [categoryItems]);

  return (
    <>
      <PageHeader
        title="Data catalogue"
        description="Every kind of personal data Custodian may hold: the category tree, and the declared attributes. Undeclared personal data cannot be written."
        actions={
          canWrite ? (
            <>
              <Button variant="default" onClick={() => setNewCategory(true)}>
                New category
              </Button>
              <Button onClick={() => setNewAttribute(true)}>Declare attribute</Button>
            </>
          ) : null
        }
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="categories">Categories ({categoryItems.length})</Tabs.Tab>
          <Tabs.Tab value="attributes">Declared attributes ({attributes.data?.items.length ?? 0})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="categories">
          <Stack>
            <Group align="flex-end">
              <TextInput
                label="Filter categories"
                placeholder="Key or name"
                type="search"
                value={filter}
                onChange={(e) => setFilter(e.currentTarget.value)}
                maw={320}
              />
              <Switch
                label="Only Art. 9 and Art. 10 categories"
                checked={flaggedOnly}
                onChange={(e) => setFlaggedOnly(e.currentTarget.checked)}
                mb={8}
              />
            </Group>
            <ProblemAlert error={categories.error} />
            {categories.isPending ? (
              <PageLoader />
            ) : (
              <Table.ScrollContainer minWidth={760}>
                <Table highlightOnHover verticalSpacing={6} aria-label="Data categories">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Category</Table.Th>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Flags</Table.Th>
                      <Table.Th>Origin</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map(({ category: c, depth }) => (
                      <Table.Tr key={c.key} data-depth={depth}>
                        <Table.Td
                          style={{ paddingLeft: `calc(var(--mantine-spacing-sm) + ${depth * 1.25}rem)` }}
                        >
                          <Text size="sm" ff="monospace" fw={depth === 0 ? 600 : 400} title={c.description}>
                            {depth > 0 ? '└ ' : ''}
                            {c.key}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{c.name}</Text>
                          {c.replacedBy ? (
                            <Text size="xs" c="dimmed">
                              Deprecated: use {c.replacedBy}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <CategoryFlags special={c.special} criminal={c.criminal} />
                        </Table.Td>
                        <Table.Td>
                          <Badge
                            miw="max-content"
                            size="sm"
                            variant="outline"
                            color={c.builtin ? 'gray' : 'blue'}
                          >
                            {c.builtin ? 'Taxonomy' : 'Workspace'}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="attributes">
          <Stack>
            <ProblemAlert error={attributes.error} />
            {attributes.isPending ? (
              <PageLoader />
            ) : (
              <Table.ScrollContainer minWidth={860}>
                <Table striped highlightOnHover verticalSpacing="sm" aria-label="Declared attributes">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Attribute</Table.Th>
                      <Table.Th>Category</Table.Th>
                      <Table.Th>Source</Table.Th>
                      <Table.Th>Retention</Table.Th>
                      <Table.Th>Searchable</Table.Th>
                      <Table.Th>Origin</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {(attributes.data?.items ?? []).map((a) => (
                      <Table.Tr key={`${a.entity}.${a.attribute}`}>
                        <Table.Td>
                          <Text size="sm" ff="monospace" fw={500}>
                            {a.entity}.{a.attribute}
                          </Text>
                          {a.description ? (
                            <Text size="xs" c="dimmed">
                              {a.description}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" ff="monospace">
                            {a.category}
                          </Text>
                          <CategoryFlags
                            special={a.special}
                            criminal={byKey.get(a.category)?.criminal ?? false}
                          />
                        </Table.Td>
                        <Table.Td>{sourceLabels[a.source]}</Table.Td>
                        <Table.Td ff="monospace">{a.retention}</Table.Td>
                        <Table.Td>
                          <Badge
                            miw="max-content"
                            size="sm"
                            variant="dot"
                            color={a.searchable ? 'green' : 'gray'}
                          >
                            {a.searchable ? 'Yes' : 'No'}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Badge
                            miw="max-content"
                            size="sm"
                            variant="outline"
                            color={a.builtin ? 'gray' : 'blue'}
                          >
                            {a.builtin ? 'Built in' : 'Workspace'}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        </Tabs.Panel>
      </Tabs>
      <NewCategoryModal opened={newCategory} onClose={() => setNewCategory(false)} />
      <NewAttributeModal
        opened={newAttribute}
        onClose={() => setNewAttribute(false)}
        categories={categoryItems}
      />
    </>
  );
}
