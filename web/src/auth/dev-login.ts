// The local stack's sign-in: POST /dev/login stands in for Cognito (never deployed).

export async function devLogin(apiBase: string, operator: boolean): Promise<string> {
  const resp = await fetch(`${apiBase}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(operator ? { role: 'operator' } : {}),
  });
  if (!resp.ok) throw new Error(`dev login: ${resp.status}`);
  const body = (await resp.json()) as { token: string };
  return body.token;
}
