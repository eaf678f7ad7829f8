// Package oidc tests hubjwt as an OpenID Connect provider end to end: a
// real JupyterHub 3.0 logs the user in through its login form, and real
// relying-party libraries (coreos/go-oidc with golang.org/x/oauth2, and the
// openid-client npm package) drive the authorization code flow with PKCE.
package oidc
