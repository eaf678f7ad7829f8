package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// durationFix is the fix named by every duration error.
const durationFix = "write a Go duration such as 90s, 5m or 168h"

// parseValue parses the raw value of f and stores it through f.ptr into c.
// raw is a string (file scalar, environment, flag) or a list (file sequence,
// list flag).
func parseValue(f field, raw any, c *Config) *FieldError {
	switch p := f.ptr(c).(type) {
	case *string:
		s, err := scalar(f, raw)
		if err != nil {
			return err
		}
		*p = s
	case *time.Duration:
		s, err := scalar(f, raw)
		if err != nil {
			return err
		}
		d, perr := parseDuration(s)
		if perr != "" {
			return invalid(f.key, s, perr, durationFix)
		}
		*p = d
	case *bool:
		s, err := scalar(f, raw)
		if err != nil {
			return err
		}
		b, perr := strconv.ParseBool(strings.TrimSpace(s))
		if perr != nil {
			return invalid(f.key, s, "invalid boolean", "write true or false")
		}
		*p = b
	case *int64:
		s, err := scalar(f, raw)
		if err != nil {
			return err
		}
		n, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if perr != nil {
			return invalid(f.key, s, "invalid integer", "write a whole number such as 65536")
		}
		*p = n
	case *[]string:
		*p = list(raw)
	default:
		panic(fmt.Sprintf("config: key %s has no parser for %T", f.key, p))
	}
	return nil
}

// scalar returns raw as a single string, or an error when raw is a list.
func scalar(f field, raw any) (string, *FieldError) {
	switch v := raw.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case []string:
		return "", invalid(f.key, strings.Join(v, ","), "a list where one value is expected",
			"write a single value")
	case []any:
		return "", invalid(f.key, fmt.Sprint(v...), "a list where one value is expected",
			"write a single value")
	default:
		return fmt.Sprint(v), nil
	}
}

// list returns raw as a list, nil when empty; a string is split at commas.
func list(raw any) []string {
	var items []string
	switch v := raw.(type) {
	case string:
		items = strings.Split(v, ",")
	case []string:
		items = v
	case []any:
		for _, item := range v {
			items = append(items, fmt.Sprint(item))
		}
	}
	var out []string
	for _, item := range items {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// parseDuration parses Go duration syntax and returns a problem text on failure.
func parseDuration(s string) (time.Duration, string) {
	s = strings.TrimSpace(s)
	d, err := time.ParseDuration(s)
	if err == nil {
		return d, ""
	}
	if _, nerr := strconv.ParseFloat(s, 64); nerr == nil {
		return 0, "duration without a unit"
	}
	return 0, "invalid duration"
}

// formatDuration writes d in the shortest Go syntax: 5m, 168h, 1h30m.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// formatValue writes the value behind ptr as Load reads it back: a string,
// or a []string for lists.
func formatValue(ptr any) any {
	switch p := ptr.(type) {
	case *string:
		return *p
	case *time.Duration:
		return formatDuration(*p)
	case *bool:
		return strconv.FormatBool(*p)
	case *int64:
		return strconv.FormatInt(*p, 10)
	case *[]string:
		return append([]string{}, *p...)
	default:
		return nil
	}
}
