package main

import (
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hubjwt/hubjwt/config"
)

// newRootCmd returns the hubjwt command tree.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "hubjwt",
		Short: "JWT access tokens for JupyterHub, verified offline",
		Long: "hubjwt mints JWT access tokens that carry JupyterHub scopes, publishes its\n" +
			"signing keys as a JWK Set, and lets single-user servers and services verify\n" +
			"tokens without asking the hub.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("config", "", "YAML configuration `FILE`")
	root.AddCommand(newServeCmd(), newMintCmd(), newVerifyCmd(), newKeysCmd(), newScopesCmd(),
		newRevokeCmd(), newProxyCmd(), newVersionCmd())
	return root
}

// loadConfig loads the configuration named by --config, the HUBJWT_*
// environment and, when flags is not nil, the config flags the user set.
func loadConfig(cmd *cobra.Command, flags *pflag.FlagSet) (config.Config, error) {
	file, err := cmd.Flags().GetString("config")
	if err != nil {
		return config.Config{}, err
	}
	return config.Load(config.Options{File: file, Flags: flags})
}

func asExit(err error, target **exitError) bool { return errors.As(err, target) }
