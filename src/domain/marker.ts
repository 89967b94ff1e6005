/**
 * Every note draftpilot writes carries this marker, so events caused by our own writes
 * are recognized even when the author id is not configured (docs/contracts.md, Thread).
 */
export const MARKER_PATTERN = /\[draftpilot ref [A-Za-z0-9_-]+\]/;

export function markerFor(draftId: string): string {
  return `[draftpilot ref ${draftId}]`;
}

export function carriesMarker(text: string | null | undefined): boolean {
  return typeof text === 'string' && MARKER_PATTERN.test(text);
}
