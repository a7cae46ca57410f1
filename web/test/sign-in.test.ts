import { describe, expect, test } from 'vitest';
import { authorizeUrl, challengeOf } from '../src/auth/cognito';
import { sessionOf } from '../src/auth/session';
import { parseConfig } from '../src/config';

const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

describe('signing in', () => {
  test('the session names the token’s user; operators and gate staff by their Cognito group or role', () => {
    expect(sessionOf(jwt({ sub: 'u1', exp: 10 }))).toMatchObject({ userId: 'u1', operator: false, staff: false, expiresAt: 10_000 });
    expect(sessionOf(jwt({ sub: 'g1', 'cognito:groups': ['staff'] }))).toMatchObject({ operator: false, staff: true });
    expect(sessionOf(jwt({ sub: 'g2', role: 'staff' })).staff).toBe(true);
    expect(sessionOf(jwt({ sub: 'g3', role: 'operator' })).staff).toBe(false);
    expect(sessionOf(jwt({ sub: 'u2', 'cognito:groups': ['operators'] })).operator).toBe(true);
    expect(sessionOf(jwt({ sub: 'u3', role: 'operator' })).operator).toBe(true);
    expect(() => sessionOf(jwt({ exp: 10 }))).toThrow();
  });

  test('PKCE S256 challenge (RFC 7636 appendix B)', async () => {
    expect(await challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  test('the hosted UI is asked for a code with PKCE, back to the app', async () => {
    const url = new URL(
      await authorizeUrl({ hostedUiUrl: 'https://x.auth.ap-northeast-2.amazoncognito.com', clientId: 'c1', redirectUri: 'https://d1.cloudfront.net' }, 'v', 's'),
    );
    expect(url.pathname).toBe('/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'c1',
      redirect_uri: 'https://d1.cloudfront.net',
      code_challenge_method: 'S256',
      state: 's',
    });
  });

  test('config.json: dev login locally, the hosted UI on AWS', () => {
    expect(parseConfig({ auth: 'dev' }, 'http://127.0.0.1:3000')).toEqual({ auth: 'dev', apiBase: '' });
    expect(parseConfig({ auth: 'cognito', hostedUiUrl: 'https://h/', clientId: 'c' }, 'https://d')).toEqual({
      auth: 'cognito',
      apiBase: '',
      hostedUiUrl: 'https://h',
      clientId: 'c',
      redirectUri: 'https://d',
    });
    expect(() => parseConfig({ auth: 'cognito' }, 'https://d')).toThrow();
  });
});
