import { Button, Group, Paper } from '@mantine/core';
import { useRef } from 'react';

const commands = [
  { command: 'bold', label: 'B', title: 'Bold', style: { fontWeight: 700 } },
  { command: 'italic', label: 'I', title: 'Italic', style: { fontStyle: 'italic' } },
  { command: 'insertUnorderedList', label: '• List', title: 'Bulleted list', style: {} },
  { command: 'insertOrderedList', label: '1. List', title: 'Numbered list', style: {} },
] as const;

/**
 * A small rich-text field: an editable area with bold, italic and list buttons. It hands its HTML to `onChange`;
 * the server sanitises it with a strict allow-list before storing, so nothing here is trusted.
 *
 * @example
 * <RichTextEditor label="Notes" onChange={setBody} resetKey={sent} />
 */
export function RichTextEditor({ label, onChange, resetKey }: { label: string; onChange: (html: string) => void; resetKey: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const apply = (command: string) => {
    ref.current?.focus();
    // execCommand is deprecated but still the one toolbar primitive every browser implements for contentEditable.
    document.execCommand(command);
    onChange(ref.current?.innerHTML ?? '');
  };
  return (
    <div>
      <Group gap={4} mb={4} role="toolbar" aria-label={`${label} formatting`}>
        {commands.map((c) => (
          <Button key={c.command} size="compact-xs" variant="default" title={c.title} aria-label={c.title} style={c.style} onMouseDown={(e) => e.preventDefault()} onClick={() => apply(c.command)}>
            {c.label}
          </Button>
        ))}
      </Group>
      <Paper withBorder p="xs" radius="sm">
        <div
          key={resetKey}
          ref={ref}
          contentEditable
          suppressContentEditableWarning
          role="textbox"
          aria-multiline="true"
          aria-label={label}
          data-testid="activity-body"
          style={{ minHeight: 80, outline: 'none' }}
          onInput={(e) => onChange(e.currentTarget.innerHTML)}
        />
      </Paper>
    </div>
  );
}
