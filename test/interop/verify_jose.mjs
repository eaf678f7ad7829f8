// Verifies a hubjwt access token with the jose package, refreshes it through
// the token endpoint and verifies the new one. Prints one JSON object on
// stdout; exits 1 with the error on stderr.
//
// Usage: node verify_jose.mjs ISSUER AUDIENCE CLIENT_ID ACCESS_TOKEN REFRESH_TOKEN
import { createRemoteJWKSet, jwtVerify } from "jose";

const [issuer, audience, clientId, accessToken, refreshToken] = process.argv.slice(2);
if (!refreshToken) {
  console.error("usage: verify_jose.mjs ISSUER AUDIENCE CLIENT_ID ACCESS_TOKEN REFRESH_TOKEN");
  process.exit(2);
}

const jwks = createRemoteJWKSet(new URL(issuer + "/.well-known/jwks.json"));
const options = { issuer, audience, typ: "at+jwt" };

async function refresh(token) {
  const body = new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: token,
    client_id: clientId,
  });
  const resp = await fetch(issuer + "/oauth2/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
  const answer = await resp.json();
  if (resp.status !== 200) {
    throw new Error(`refresh: got ${resp.status} ${answer.error}: ${answer.error_description}`);
  }
  return answer;
}

try {
  const first = await jwtVerify(accessToken, jwks, options);
  const refreshed = await refresh(refreshToken);
  const second = await jwtVerify(refreshed.access_token, jwks, options);
  console.log(JSON.stringify({
    sub: first.payload.sub,
    typ: first.protectedHeader.typ,
    alg: first.protectedHeader.alg,
    scope: first.payload.scope,
    refreshed_sub: second.payload.sub,
    refreshed_scope: second.payload.scope,
    rotated: refreshed.refresh_token !== refreshToken && refreshed.refresh_token !== "",
  }));
} catch (err) {
  console.error(`jose: ${err.code || err.name}: ${err.message}`);
  process.exit(1);
}
