import { Center, Loader } from '@mantine/core';

/** Shown while a page's code or first data loads. */
export function PageLoader() {
  return (
    <Center mih={200} role="status" aria-live="polite">
      <Loader aria-label="Loading" />
    </Center>
  );
}
