// Sign-in on AWS: the Cognito hosted UI, authorization code flow with PKCE (a public client,
// no secret). The verifier and state live in sessionStorage only between the redirect out
// and the redirect back. The access token is what the API's JWT authorizer accepts.

const FLOW_KEY = 'ticketing.pkce';

function base64url(bytes: Uint8Array): string {
  let s = '';
  bytes.forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** S256: base64url(SHA-256(verifier)), RFC 7636. */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export interface HostedUi {
  hostedUiUrl: string;
  clientId: string;
  redirectUri: string;
}

export async function authorizeUrl(ui: HostedUi, verifier: string, state: string): Promise<string> {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: ui.clientId,
    redirect_uri: ui.redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge_method: 'S256',
    code_challenge: await challengeOf(verifier),
  });
  return `${ui.hostedUiUrl}/oauth2/authorize?${q}`;
}

export async function beginSignIn(ui: HostedUi): Promise<void> {
  const verifier = randomVerifier();
  const state = randomVerifier();
  sessionStorage.setItem(FLOW_KEY, JSON.stringify({ verifier, state }));
  location.assign(await authorizeUrl(ui, verifier, state));
}

/** Back from the hosted UI with ?code&state: the access token, or null when this is no such return. */
export async function completeSignIn(ui: HostedUi, url: URL): Promise<string | null> {
  const code = url.searchParams.get('code');
  const saved = sessionStorage.getItem(FLOW_KEY);
  if (!code || !saved) return null;
  sessionStorage.removeItem(FLOW_KEY);
  const { verifier, state } = JSON.parse(saved) as { verifier: string; state: string };
  if (url.searchParams.get('state') !== state) throw new Error('sign-in state does not match');
  const resp = await fetch(`${ui.hostedUiUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: ui.clientId,
      code,
      redirect_uri: ui.redirectUri,
      code_verifier: verifier,
    }),
  });
  if (!resp.ok) throw new Error(`token exchange: ${resp.status}`);
  const tokens = (await resp.json()) as { access_token: string };
  return tokens.access_token;
}

export function signOutUrl(ui: HostedUi): string {
  const q = new URLSearchParams({ client_id: ui.clientId, logout_uri: ui.redirectUri });
  return `${ui.hostedUiUrl}/logout?${q}`;
}
