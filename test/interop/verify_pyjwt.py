"""Verify a hubjwt access token with PyJWT's PyJWKClient.

Usage: verify_pyjwt.py JWKS_URL ISSUER AUDIENCE TOKEN

Fetches the JWK Set from JWKS_URL, picks the key by the
token's kid, and checks the signature, exp, iss, aud and the at+jwt typ
header (PyJWT 2.6 does not check typ itself). Prints the claims as JSON on
stdout, or the error on stderr with exit status 1.
"""

import json
import sys

import jwt

ALGORITHMS = ["ES256", "EdDSA", "RS256", "PS256"]


def main(argv):
    if len(argv) != 5:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    jwks_url, issuer, audience, token = argv[1:]
    try:
        header = jwt.get_unverified_header(token)
        if header.get("typ") != "at+jwt":
            raise jwt.InvalidTokenError(f"typ is {header.get('typ')!r}, want 'at+jwt'")
        client = jwt.PyJWKClient(jwks_url)
        key = client.get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as err:
        print(f"pyjwt: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    claims["typ"] = header["typ"]
    claims["alg"] = header["alg"]
    print(json.dumps(claims))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
