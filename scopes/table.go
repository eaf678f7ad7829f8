package scopes

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"
)

// The scope tables, one file per release line in which the table changed. Each
// file holds the scope definitions, the meta scopes, the scope names `self` expands
// to, the `!server=` expansion rule and the default roles of that version.
//
//go:embed tables/v3.0.json tables/latest.json
var tableFiles embed.FS

// serverRule is the expansion rule of a `!server=` filter.
type serverRule string

const (
	// ruleAddOwnerName (3.0): when an expanded name starts with "read:", also add
	// read:users:name!user=OWNER, where OWNER is the user part of the server value.
	ruleAddOwnerName serverRule = "add-owner-name"
	// ruleDropReadUser (3.1 and later): drop every expanded name that starts with
	// "read:user", because those subscopes are about users, not servers.
	ruleDropReadUser serverRule = "drop-read-user"
)

// definition is one scope of a table.
type definition struct {
	Description string   `json:"description"`
	Subscopes   []string `json:"subscopes,omitempty"`
}

// table is one decoded file of tables/.
type table struct {
	Version      Version               `json:"version"`
	ServerRule   serverRule            `json:"server_filter_rule"`
	Meta         []string              `json:"meta"`
	Self         []string              `json:"self"`
	Scopes       map[string]definition `json:"scopes"`
	DefaultRoles []Role                `json:"default_roles"`
}

var tableFile = map[Version]string{V30: "tables/v3.0.json", Latest: "tables/latest.json"}

var loadTables = sync.OnceValues(func() (map[Version]*table, error) {
	tables := make(map[Version]*table, len(tableFile))
	for v, path := range tableFile {
		raw, err := tableFiles.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("scopes: read table %s: %w", path, err)
		}
		t := new(table)
		if err := json.Unmarshal(raw, t); err != nil {
			return nil, fmt.Errorf("scopes: decode table %s: %w", path, err)
		}
		if t.Version != v {
			return nil, fmt.Errorf("scopes: table %s is for version %q", path, t.Version)
		}
		tables[v] = t
	}
	return tables, nil
})

func tableFor(v Version) (*table, error) {
	if _, err := ParseVersion(string(v)); err != nil {
		return nil, err
	}
	tables, err := loadTables()
	if err != nil {
		return nil, err
	}
	return tables[v], nil
}
