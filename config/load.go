package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Options selects the sources Load reads.
type Options struct {
	File    string         // path of a YAML file; empty: none (never searched for)
	Flags   *pflag.FlagSet // flags bound with BindFlags; only flags the user set override
	Environ []string       // environment as os.Environ returns it; nil means os.Environ()
}

// Load merges defaults, the file, HUBJWT_* environment variables and the flags
// the user set (later wins), decodes them into Config, reads
// keys.encryption_key_file and calls Validate. The error joins every problem
// found; each is a *FieldError naming the key, the value, its source and the fix.
// An unreadable file or bad YAML syntax is returned alone.
func Load(opts Options) (Config, error) {
	file := &fileLayer{values: map[string]any{}, sources: map[string]string{}}
	if opts.File != "" {
		var err error
		if file, err = readFile(opts.File); err != nil {
			return Config{}, err
		}
	}
	return load(file, readEnviron(opts.Environ), opts.Flags)
}

// load merges, decodes and validates the layers of one Load call.
func load(file *fileLayer, env *envLayer, flags *pflag.FlagSet) (Config, error) {
	v, sources, err := merge(file, env, flags)
	if err != nil {
		return Config{}, err
	}
	errs := append(append([]error{}, file.errs...), env.errs...)
	c, parseErrs := decode(v)
	errs = append(errs, parseErrs...)
	c.Clients, c.Scopes.Custom = file.clients, file.custom
	if err := c.readEncryptionKeyFile(); err != nil {
		errs = append(errs, err)
	}
	if _, set := sources["inherit.source"]; !set && c.JupyterHub.APIURL != "" {
		sources["inherit.source"] = "default, since jupyterhub.api_url is set"
	}
	c.resolveDerived()

	errs = append(errs, validationErrors(c, errs)...)
	annotate(errs, sources)
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// merge layers defaults < file < environment < set flags in a fresh viper and
// returns it with the source of each key that is not a default.
func merge(file *fileLayer, env *envLayer, flags *pflag.FlagSet) (
	*viper.Viper, map[string]string, error,
) {
	v := viper.New()
	sources := map[string]string{}
	def := defaults()
	for _, f := range fields {
		if f.kind == kindFileOnly {
			continue
		}
		value := formatValue(f.ptr(&def))
		if hubValue, ok := env.fallback[f.key]; ok {
			value = hubValue
			sources[f.key] = hubFallbacks[f.key]
		}
		v.SetDefault(f.key, value)
	}
	for _, layer := range []struct {
		values  map[string]any
		sources map[string]string
	}{{file.values, file.sources}, {env.values, env.sources}} {
		if err := v.MergeConfigMap(nest(layer.values)); err != nil {
			return nil, nil, fmt.Errorf("config: merge values: %w", err)
		}
		for key, source := range layer.sources {
			sources[key] = source
		}
	}
	for _, f := range fields {
		if value, ok := flagValue(flags, f); ok {
			v.Set(f.key, value)
			sources[f.key] = "--" + FlagName(f.key)
		}
	}
	return v, sources, nil
}

// nest turns dotted keys into the nested maps viper merges.
func nest(values map[string]any) map[string]any {
	out := map[string]any{}
	for key, value := range values {
		parts := strings.Split(key, ".")
		m := out
		for _, part := range parts[:len(parts)-1] {
			child, ok := m[part].(map[string]any)
			if !ok {
				child = map[string]any{}
				m[part] = child
			}
			m = child
		}
		m[parts[len(parts)-1]] = value
	}
	return out
}

// decode parses every merged value into a Config. A key that fails keeps its
// default, and its error is returned.
func decode(v *viper.Viper) (Config, []error) {
	c := defaults()
	var errs []error
	for _, f := range fields {
		if f.kind == kindFileOnly {
			continue
		}
		if err := parseValue(f, v.Get(f.key), &c); err != nil {
			errs = append(errs, err)
		}
	}
	return c, errs
}

// readEncryptionKeyFile loads keys.encryption_key from keys.encryption_key_file.
func (c *Config) readEncryptionKeyFile() error {
	path := c.Keys.EncryptionKeyFile
	if path == "" {
		return nil
	}
	if c.Keys.EncryptionKey != "" {
		return invalid("keys.encryption_key_file", path,
			"set together with keys.encryption_key", "set only one of the two")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return &FieldError{Key: "keys.encryption_key_file", Value: path,
			Problem: fmt.Sprintf("unreadable: %v", err),
			Fix:     "create the file or fix its permissions", Err: ErrInvalidValue}
	}
	key := strings.TrimSpace(string(data))
	if key == "" {
		return invalid("keys.encryption_key_file", path, "the file is empty",
			"write the encryption key into it")
	}
	c.Keys.EncryptionKey = key
	return nil
}

// validationErrors returns the Validate problems of c, leaving out keys that
// already failed to parse, since their value is the default and not the input.
func validationErrors(c Config, parseErrs []error) []error {
	failed := map[string]bool{}
	for _, err := range parseErrs {
		var fe *FieldError
		if errors.As(err, &fe) {
			failed[fe.Key] = true
		}
	}
	var errs []error
	for _, err := range unjoin(c.Validate()) {
		var fe *FieldError
		if errors.As(err, &fe) && failed[fe.Key] {
			continue
		}
		errs = append(errs, err)
	}
	return errs
}

// parentKey strips the last part of a key: clients[0].origins[1] becomes
// clients[0].origins, then clients[0], then clients, then "".
func parentKey(key string) string {
	i := strings.LastIndexAny(key, ".[")
	if i < 0 {
		return ""
	}
	return key[:i]
}

// unjoin splits an errors.Join result back into its parts.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		return joined.Unwrap()
	}
	return []error{err}
}

// annotate adds the source of each key to its errors and hides secret values.
// A list item field without a source of its own, such as a missing
// clients[0].id, gets the source of the item.
func annotate(errs []error, sources map[string]string) {
	for _, err := range errs {
		var fe *FieldError
		if !errors.As(err, &fe) {
			continue
		}
		for key := fe.Key; fe.Source == "" && key != ""; key = parentKey(key) {
			fe.Source = sources[key]
		}
		if f, ok := lookupField(fe.Key); ok && f.secret && fe.Value != "" {
			fe.Value = redacted
		}
	}
}
