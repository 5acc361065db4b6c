import { Badge, Group } from '@mantine/core';

/**
 * The legal flags of a category or attribute: Art. 9 special category, Art. 10 criminal-offence data.
 *
 * @example
 * <CategoryFlags special criminal={false} />
 */
export function CategoryFlags({ special, criminal }: { special: boolean; criminal?: boolean }) {
  if (!special && !criminal) return null;
  return (
    <Group gap={4} wrap="nowrap">
      {special ? (
        <Badge
          miw="max-content"
          size="sm"
          color="orange"
          variant="light"
          title="Special category of personal data (Art. 9 GDPR)"
        >
          Art. 9 special
        </Badge>
      ) : null}
      {criminal ? (
        <Badge
          miw="max-content"
          size="sm"
          color="red"
          variant="light"
          title="Criminal convictions and offences (Art. 10 GDPR)"
        >
          Art. 10 criminal
        </Badge>
      ) : null}
    </Group>
  );
}
