// Package deploy holds no Go code of its own. Its directory contains the
// Dockerfile, the compose file, the Helm chart, the systemd unit and example
// configs. Its tests parse, render and check them without a container engine
// or a cluster, and docs/deploy.md describes how to use them.
package deploy
