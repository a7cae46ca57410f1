// The local stack's sign-in: POST /dev/login stands in for Cognito (never deployed).

/** Who to sign in as: a fan (no role), an operator, or gate staff. */
export type DevRole = 'fan' | 'operator' | 'staff';

export async function devLogin(apiBase: string, role: DevRole): Promise<string> {
  const resp = await fetch(`${apiBase}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(role === 'fan' ? {} : { role }),
  });
  if (!resp.ok) throw new Error(`dev login: ${resp.status}`);
  const body = (await resp.json()) as { token: string };
  return body.token;
}
