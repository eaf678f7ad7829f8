// Package sidecar is a reverse proxy that guards one JupyterHub single-user
// server, whatever language the server is written in. It lets a request
// through only with a hubjwt access token that opens that server, forwards the
// verified identity in a header that it first strips from the incoming
// request, proxies WebSocket upgrades (kernels use them) and answers its own
// health route.
//
// Token verification and the RFC 6750 responses come from token/httpauth;
// reading the JupyterHub spawner environment and the command line are left to
// `hubjwt proxy`.
package sidecar
