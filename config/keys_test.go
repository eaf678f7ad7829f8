package config

import (
	"reflect"
	"sort"
	"testing"
	"time"
)

func TestKeyNames(t *testing.T) {
	keys := KeyNames()
	if !sort.StringsAreSorted(keys) {
		t.Errorf("got %q, want sorted", keys)
	}
	seen := map[string]bool{}
	envs := map[string]string{}
	for _, key := range keys {
		if seen[key] {
			t.Errorf("got %s twice, want each key once", key)
		}
		seen[key] = true
		if other, dup := envs[EnvName(key)]; dup {
			t.Errorf("%s and %s share %s, want distinct variables", key, other, EnvName(key))
		}
		envs[EnvName(key)] = key
	}
	if got, want := len(keys), countLeaves(reflect.TypeOf(Config{})); got != want {
		t.Errorf("got %d keys, want %d (one per Config leaf field)", got, want)
	}
}

// countLeaves counts the fields of t that are not nested sections.
func countLeaves(t reflect.Type) int {
	n := 0
	for i := 0; i < t.NumField(); i++ {
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Duration(0)) {
			n += countLeaves(ft)
			continue
		}
		n++
	}
	return n
}

func TestFieldsMatchKinds(t *testing.T) {
	for _, f := range fields {
		t.Run(f.key, func(t *testing.T) {
			var c Config
			var want kind
			switch f.ptr(&c).(type) {
			case *string:
				want = kindString
			case *time.Duration:
				want = kindDuration
			case *bool:
				want = kindBool
			case *int64:
				want = kindInt64
			case *[]string:
				want = kindList
			default:
				want = kindFileOnly
			}
			if f.kind != want {
				t.Errorf("got kind %d, want %d", f.kind, want)
			}
		})
	}
}

func TestDefaultRoundTrip(t *testing.T) {
	def := defaults()
	for _, f := range fields {
		if f.kind == kindFileOnly {
			continue
		}
		t.Run(f.key, func(t *testing.T) {
			var got Config
			if err := parseValue(f, formatValue(f.ptr(&def)), &got); err != nil {
				t.Fatalf("parse default: %v", err)
			}
			g, w := reflect.ValueOf(f.ptr(&got)).Elem(), reflect.ValueOf(f.ptr(&def)).Elem()
			if !reflect.DeepEqual(g.Interface(), w.Interface()) {
				t.Errorf("got %v, want %v", g, w)
			}
		})
	}
}

func TestRedisEnabled(t *testing.T) {
	cases := []struct {
		name  string
		redis Redis
		want  bool
	}{
		{"embedded", Redis{}, false},
		{"url", Redis{URL: "redis://127.0.0.1:6380"}, true},
		{"addrs", Redis{Addrs: []string{"127.0.0.1:7000"}}, true},
		{"password only", Redis{Password: "x"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.redis.Enabled(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
