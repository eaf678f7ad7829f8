// Package redistest starts a real redis-server process for tests and benchmarks.
//
// Each Server listens on a free port on 127.0.0.1, keeps its data in its own
// directory and is stopped by its PID when the test ends. The package never
// connects to a Redis it did not start, such as one already running on port 6379.
// It leaves installing redis-server to the caller: `make test` installs it.
package redistest
