package config

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors that every FieldError wraps; callers branch with errors.Is.
var (
	// ErrUnknownKey marks a file key, item field or HUBJWT_* variable that
	// matches no config key, which is almost always a typo.
	ErrUnknownKey = errors.New("unknown key")
	// ErrInvalidValue marks a value that does not parse or breaks a rule.
	ErrInvalidValue = errors.New("invalid value")
)

// FieldError is one problem with one config key. Load and Validate return
// several of them joined with errors.Join; errors.As finds the first.
type FieldError struct {
	Key     string // dotted key, such as token.default_ttl or clients[0].type
	Value   string // rejected value as written; empty for unknown keys
	Source  string // file line, environment variable or flag; empty when unknown
	Problem string // failure, such as "invalid duration"
	Fix     string // remedy, such as "write a Go duration such as 90s, 5m or 168h"
	Err     error  // ErrUnknownKey or ErrInvalidValue
}

// Error formats the problem as
// `config: KEY = "VALUE" (from SOURCE): PROBLEM; FIX`.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	b.WriteString(e.Key)
	if e.Err != ErrUnknownKey {
		b.WriteString(" = ")
		b.WriteString(strconv.Quote(e.Value))
	}
	if e.Source != "" {
		b.WriteString(" (from ")
		b.WriteString(e.Source)
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(e.Problem)
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Unwrap returns the sentinel, so errors.Is(err, ErrInvalidValue) works.
func (e *FieldError) Unwrap() error { return e.Err }

// invalid builds an ErrInvalidValue FieldError.
func invalid(key, value, problem, fix string) *FieldError {
	return &FieldError{Key: key, Value: value, Problem: problem, Fix: fix, Err: ErrInvalidValue}
}

// unknown builds an ErrUnknownKey FieldError. The value is never kept, because
// a mistyped secret key would otherwise print the secret.
func unknown(key, source, fix string) *FieldError {
	return &FieldError{Key: key, Source: source, Problem: "unknown key", Fix: fix, Err: ErrUnknownKey}
}
