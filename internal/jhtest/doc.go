// Package jhtest starts a real JupyterHub 3.0 (the Debian package's
// /usr/bin/jupyterhub) on free loopback ports for tests, with a registered
// API-only hubjwt service, test users with fixed tokens, and the groups and
// roles a test declares.
//
// All state (the sqlite database, cookie secret, pid files and the hub log) lives
// in the test's t.TempDir(). The hub runs in its own process group, which the
// harness stops at cleanup: SIGTERM first, SIGKILL after a timeout. The hub
// starts its configurable-http-proxy in a new session, so the harness also
// makes sure that process, named by the proxy pid file, has exited. The package owns no product logic; clients of the
// hub's REST API live in internal/hubapi.
package jhtest
