package revocation

import (
	"strconv"
	"strings"
)

// CompareCursors orders two cursors of the same store: -1 when a is older than b,
// 0 when equal, +1 when newer. Cursors are one or two decimal numbers joined by a
// dash: a bbolt change sequence ("42") or a Redis stream ID ("1700000000000-3").
// The empty cursor is older than any other. ok is false when either cursor has
// another form, in which case they cannot be ordered.
func CompareCursors(a, b string) (order int, ok bool) {
	pa, okA := parseCursor(a)
	pb, okB := parseCursor(b)
	if !okA || !okB {
		return 0, false
	}
	for i := range pa {
		switch {
		case pa[i] < pb[i]:
			return -1, true
		case pa[i] > pb[i]:
			return 1, true
		}
	}
	return 0, true
}

func parseCursor(c string) ([2]uint64, bool) {
	var parts [2]uint64
	if c == "" {
		return parts, true
	}
	first, second, hasSecond := strings.Cut(c, "-")
	var err error
	if parts[0], err = strconv.ParseUint(first, 10, 64); err != nil {
		return parts, false
	}
	if hasSecond {
		if parts[1], err = strconv.ParseUint(second, 10, 64); err != nil {
			return parts, false
		}
	}
	return parts, true
}
