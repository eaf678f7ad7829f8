// Package config loads the hubjwt configuration from defaults, a YAML file,
// HUBJWT_* environment variables and command-line flags, and validates it.
//
// It owns the key names, their defaults, the precedence of the sources
// (defaults < file < environment < flags) and every rule a value must meet.
// It returns the typed Config; other packages take the parts they need and
// never import viper. Reading secret files other than keys.encryption_key_file
// (such as client secrets) is left to the packages that use them.
package config
