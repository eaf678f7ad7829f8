package main

import (
	"errors"
	"fmt"
)

// exitError carries the process exit status a command wants. A nil err with a
// non-zero code means the command already printed its outcome (such as "denied").
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitCode wraps err so that main exits with code.
func exitCode(code int, err error) error {
	return &exitError{code: code, err: err}
}

// statusOf returns the exit status for err: 0 for nil, the carried code for an
// exitError, and 1 for any other error.
func statusOf(err error) int {
	if err == nil {
		return 0
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}
