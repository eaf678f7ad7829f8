package hubapi

import (
	"encoding/json"
	"fmt"
	"time"
)

// hubTime decodes JupyterHub's timestamps: ISO 8601 in UTC, with a trailing Z
// and microseconds (such as 2026-12-04T00:51:00.123456Z), or JSON null.
type hubTime struct{ time.Time }

// localLayout is the form without a zone that some hub fields use.
const localLayout = "2006-01-02T15:04:05.999999"

func (t *hubTime) UnmarshalJSON(data []byte) error {
	var s *string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("timestamp %s: %w", data, err)
	}
	if s == nil || *s == "" {
		t.Time = time.Time{}
		return nil
	}
	parsed, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		parsed, err = time.ParseInLocation(localLayout, *s, time.UTC)
	}
	if err != nil {
		return fmt.Errorf("timestamp %q: %w", *s, err)
	}
	t.Time = parsed
	return nil
}
