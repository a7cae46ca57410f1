// How this deployment signs people in and where its API is, read from /config.json next to
// the app. Locally the gateway answers {"auth":"dev"}; on AWS the file uploaded with the
// app names the Cognito hosted UI (see web/README.md).

export type AppConfig =
  | { auth: 'dev'; apiBase: string }
  | { auth: 'cognito'; apiBase: string; hostedUiUrl: string; clientId: string; redirectUri: string };

export function parseConfig(raw: unknown, origin: string): AppConfig {
  const c = (raw ?? {}) as Record<string, unknown>;
  const apiBase = typeof c.apiBase === 'string' ? c.apiBase.replace(/\/$/, '') : '';
  if (c.auth === 'cognito') {
    if (typeof c.hostedUiUrl !== 'string' || typeof c.clientId !== 'string') {
      throw new Error('config.json: a cognito config needs hostedUiUrl and clientId');
    }
    const redirectUri = typeof c.redirectUri === 'string' ? c.redirectUri : origin;
    return { auth: 'cognito', apiBase, hostedUiUrl: c.hostedUiUrl.replace(/\/$/, ''), clientId: c.clientId, redirectUri };
  }
  return { auth: 'dev', apiBase };
}

export async function loadConfig(): Promise<AppConfig> {
  const resp = await fetch('/config.json', { cache: 'no-store' });
  if (!resp.ok) throw new Error(`config.json: ${resp.status}`);
  return parseConfig(await resp.json(), location.origin);
}
