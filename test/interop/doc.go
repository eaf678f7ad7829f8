// Package interop verifies hubjwt tokens with the JOSE libraries that
// JupyterHub users run: PyJWT's PyJWKClient, the jose npm package, and
// github.com/coreos/go-oidc/v3, each against a running `hubjwt serve`
// that exchanged a real JupyterHub API token. Only its tests have code.
package interop
