package config

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"
)

// BindFlags adds one flag per config key to fs, named like the key with dots
// and underscores as dashes (token.default_ttl is --token-default-ttl). Each
// flag's default is the config default, so help shows it. clients and
// scopes.custom are file-only and get no flag. Load reads only flags the user
// set.
func BindFlags(fs *pflag.FlagSet) {
	def := defaults()
	for _, f := range fields {
		name := FlagName(f.key)
		switch p := f.ptr(&def).(type) {
		case *string:
			fs.String(name, *p, f.help)
		case *time.Duration:
			value := durationValue(*p)
			fs.Var(&value, name, f.help)
		case *bool:
			// pflag prints no default for false, so the help text states it.
			help := f.help
			if !*p {
				help += " (default false)"
			}
			fs.Bool(name, *p, help)
		case *int64:
			fs.Int64(name, *p, f.help)
		case *[]string:
			fs.StringSlice(name, *p, f.help)
		}
	}
}

// flagValue returns the value of the flag for f when the user set it.
func flagValue(fs *pflag.FlagSet, f field) (any, bool) {
	if fs == nil || f.kind == kindFileOnly {
		return nil, false
	}
	flag := fs.Lookup(FlagName(f.key))
	if flag == nil || !flag.Changed {
		return nil, false
	}
	if f.kind == kindList {
		items, err := fs.GetStringSlice(flag.Name)
		if err == nil {
			return items, true
		}
	}
	return flag.Value.String(), true
}

// durationValue is a pflag.Value for Go durations that prints them short
// (5m, not 5m0s) and rejects bad input with the config error text.
type durationValue time.Duration

// String returns the duration in the shortest Go syntax.
func (d *durationValue) String() string { return formatDuration(time.Duration(*d)) }

// Set parses a Go duration such as 90s, 5m or 168h.
func (d *durationValue) Set(s string) error {
	parsed, problem := parseDuration(s)
	if problem != "" {
		return fmt.Errorf("%w: %s; %s", ErrInvalidValue, problem, durationFix)
	}
	*d = durationValue(parsed)
	return nil
}

// Type names the value in help output.
func (d *durationValue) Type() string { return "duration" }
