// Signs a user in at hubjwt with the openid-client package, as a public
// relying party using the authorization code flow with PKCE (S256).
//
// 1. Runs discovery on ISSUER and prints one JSON line on stdout:
//    {"authorization_url": "..."}. The URL carries a fresh code_challenge,
//    state and nonce.
// 2. Reads one line from stdin: the callback URL hubjwt redirected the
//    browser to, with code, state and iss.
// 3. Checks state and iss, redeems the code with the code_verifier,
//    validates the ID token (signature, iss, aud, exp, nonce), calls userinfo
//    with the access token and prints one JSON line on stdout:
//    {"claims": {...}, "userinfo": {...}, "scope": "..."}.
//
// On any failure it exits 1 with one line on stderr, and 2 on a usage error.
//
// Usage: node rp.mjs ISSUER CLIENT_ID REDIRECT_URI SCOPE
import { createInterface } from "node:readline";
import * as client from "openid-client";

const [issuer, clientId, redirectUri, scope] = process.argv.slice(2);
if (!scope) {
  console.error("usage: rp.mjs ISSUER CLIENT_ID REDIRECT_URI SCOPE");
  process.exit(2);
}

// readLine returns the first line of stdin, or rejects when stdin closes first.
async function readLine() {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  throw new Error("stdin closed before the callback URL was written");
}

try {
  // openid-client sends requests only over HTTPS unless allowInsecureRequests
  // is set, and the test issuer is plain http on 127.0.0.1.
  const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });

  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  console.log(JSON.stringify({ authorization_url: authorizationUrl.href }));

  const callbackUrl = new URL(await readLine());
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  console.log(JSON.stringify({ claims, userinfo, scope: tokens.scope }));
} catch (err) {
  // openid-client wraps the oauth4webapi error that names the failed check
  // (for example the state parameter) in err.cause. A ResponseBodyError or an
  // AuthorizationResponseError carries the OAuth error the server returned.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  const detail = err.error ? ` (${err.error}: ${err.error_description})` : "";
  const message = `openid-client: ${err.code || err.name}: ${err.message}${cause}${detail}`;
  console.error(message.replace(/\n/g, " "));
  process.exit(1);
}
