// A concert's picture, as the operator gives it: an https URL of at most 500 printable ASCII
// characters, with no quotes, angle brackets, backslashes or backticks (docs/openapi.json,
// ConcertSpec.imageUrl). The form checks it as the API does, and the concert cards draw only
// a URL that passes, whatever the listing says.

export const IMAGE_URL_MAX = 500;
/** Printable ASCII (`!` to `~`) without `"`, `'`, `<`, `>`, `\` and a backtick. */
const ALLOWED = /^https:\/\/[!#-&(-;=?-[\]-_a-~]+$/;

/** Why an image URL is refused: too long, not https, or a character the API refuses. */
export type ImageUrlProblem = 'too-long' | 'not-https' | 'invalid';

/** Null when `url` (trimmed, non-empty) can be sent and drawn; else why not. */
export function imageUrlProblem(url: string): ImageUrlProblem | null {
  const u = url.trim();
  if (u.length > IMAGE_URL_MAX) return 'too-long';
  if (!u.startsWith('https://')) return 'not-https';
  if (!ALLOWED.test(u)) return 'invalid';
  try {
    if (new URL(u).hostname === '') return 'invalid';
  } catch {
    return 'invalid';
  }
  return null;
}

/** The URL to draw for a concert's card, or null (none, or not one the API would take). */
export function cardImage(url: string | null | undefined): string | null {
  return url && imageUrlProblem(url) === null ? url.trim() : null;
}
