package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hubjwt/hubjwt/scopes"
)

// Exit statuses of the scopes commands.
const (
	exitDenied  = 1
	exitInvalid = 2
)

// newScopesCmd returns `hubjwt scopes` with expand, intersect and check.
func newScopesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scopes",
		Short: "Expand, intersect and check JupyterHub scopes offline",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			return exitCode(exitInvalid, fmt.Errorf("unknown command %q for %q; "+
				"use expand, intersect or check", args[0], cmd.CommandPath()))
		},
		SilenceUsage: true,
	}
	cmd.PersistentFlags().String("jupyterhub-version", string(scopes.Latest),
		"JupyterHub scope table: 3.0 or latest (config scopes.jupyterhub_version)")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return exitCode(exitInvalid, err)
	})
	cmd.AddCommand(newScopesExpandCmd(), newScopesIntersectCmd(), newScopesCheckCmd())
	return cmd
}

func newScopesExpandCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "expand SCOPE...",
		Short: "Print the expanded, reduced scopes, sorted, one a line",
		Args:  invalidScopesArgs(cobra.MinimumNArgs(1)),

		SilenceUsage: true,
	}
	owner := cmd.Flags().String("owner", "", "token owner, user=NAME or service=NAME, "+
		"for self and bare filters")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		m, o, err := modelAndOwner(cmd, *owner)
		if err != nil {
			return err
		}
		expanded, err := m.Expand(args, o)
		if err != nil {
			return invalidInput(err)
		}
		printScopes(cmd.OutOrStdout(), expanded)
		return nil
	}
	return cmd
}

func newScopesIntersectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "intersect --token S... --owner-scopes S... --owner user=NAME|service=NAME",
		Short: "Print what a token of that owner may hold, one scope a line",
		Long: "Expands the token's and the owner's scopes with the owner and prints their " +
			"intersection. Scopes the owner lacks are listed on standard error.",
		Args: invalidScopesArgs(cobra.NoArgs),

		SilenceUsage: true,
	}
	token := cmd.Flags().StringSlice("token", nil, "requested token scopes")
	ownerScopes := cmd.Flags().StringSlice("owner-scopes", nil, "the owner's scopes")
	owner := cmd.Flags().String("owner", "", "token owner, user=NAME or service=NAME")
	groups := cmd.Flags().StringSlice("groups", nil,
		"group membership USER=G1,G2, repeatable; resolves group filters")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := requireScopesFlags(cmd, "token", "owner"); err != nil {
			return err
		}
		m, o, err := modelAndOwner(cmd, *owner)
		if err != nil {
			return err
		}
		lookup, err := groupLookup(*groups)
		if err != nil {
			return invalidInput(err)
		}
		kept, dropped, err := m.Intersect(*token, *ownerScopes, o, lookup)
		if err != nil {
			return invalidInput(err)
		}
		printScopes(cmd.OutOrStdout(), kept)
		if len(dropped) > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "dropped, not held by %s: %s\n",
				o, strings.Join(dropped, " "))
		}
		return nil
	}
	return cmd
}

func newScopesCheckCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check --granted S... --require SCOPE [--resource KIND=VALUE]",
		Short: "Exit 0 when the granted scopes allow SCOPE on the resource, 1 when not",
		Long: "Without --resource the scope is needed unfiltered. Exit status: 0 allowed, " +
			"1 denied, 2 invalid input.",
		Args: invalidScopesArgs(cobra.NoArgs),

		SilenceUsage: true,
	}
	granted := cmd.Flags().StringSlice("granted", nil, "scopes the token holds")
	require := cmd.Flags().String("require", "", "the scope name needed, such as read:users")
	resource := cmd.Flags().String("resource", "",
		"user=NAME, server=USER/NAME (server=USER/ for the default server), group=G or service=S")
	owner := cmd.Flags().String("owner", "", "token owner, user=NAME or service=NAME, "+
		"for self and bare filters")
	groups := cmd.Flags().StringSlice("groups", nil,
		"group membership USER=G1,G2, repeatable; resolves group filters")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := requireScopesFlags(cmd, "granted", "require"); err != nil {
			return err
		}
		m, o, err := modelAndOwner(cmd, *owner)
		if err != nil {
			return err
		}
		allowed, err := check(m, o, *granted, *require, *resource, *groups)
		if err != nil {
			return invalidInput(err)
		}
		if !allowed {
			fmt.Fprintln(cmd.OutOrStdout(), "denied")
			return exitCode(exitDenied, nil)
		}
		fmt.Fprintln(cmd.OutOrStdout(), "allowed")
		return nil
	}
	return cmd
}

// check expands granted with the owner and checks require on the resource. `hubjwt
// verify --require` uses it too.
func check(m *scopes.Model, o scopes.Owner, granted []string, require, resource string,
	groupFlags []string) (bool, error) {
	req, err := m.Parse(require)
	if err != nil {
		return false, err
	}
	if req.Filtered() {
		return false, fmt.Errorf("--require %q: give the scope name only and the "+
			"resource with --resource", require)
	}
	var r scopes.Resource
	if resource != "" {
		if r, err = scopes.ParseResource(resource); err != nil {
			return false, err
		}
	}
	lookup, err := parseGroupsFlag(groupFlags)
	if err != nil {
		return false, err
	}
	if r.Kind == scopes.KindUser || r.Kind == scopes.KindServer {
		r.Groups = lookup[r.User]
	}
	expanded, err := m.Expand(granted, o)
	if err != nil {
		return false, err
	}
	set, err := m.Compile(expanded)
	if err != nil {
		return false, err
	}
	return set.Allows(req.Name, r), nil
}

// parseGroupsFlag reads --groups values USER=G1,G2. Because a comma-separated flag
// splits `alice=team,ops` into `alice=team` and `ops`, an entry without `=` adds a
// group to the user before it.
func parseGroupsFlag(values []string) (scopes.Groups, error) {
	groups := scopes.Groups{}
	user := ""
	for _, v := range values {
		name, list, ok := strings.Cut(v, "=")
		if ok {
			if name == "" {
				return nil, fmt.Errorf("--groups %q: the user name is empty; "+
					"write USER=G1,G2", v)
			}
			user = name
			groups[user] = append(groups[user], splitGroups(list)...)
			continue
		}
		if user == "" || v == "" {
			return nil, fmt.Errorf("--groups %q: write USER=G1,G2", v)
		}
		groups[user] = append(groups[user], v)
	}
	return groups, nil
}

func splitGroups(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

// groupLookup returns nil, meaning membership unknown, when no --groups was given.
func groupLookup(values []string) (scopes.GroupLookup, error) {
	if len(values) == 0 {
		return nil, nil
	}
	return parseGroupsFlag(values)
}

func modelAndOwner(cmd *cobra.Command, owner string) (*scopes.Model, scopes.Owner, error) {
	m, err := scopesModel(cmd)
	if err != nil {
		return nil, scopes.Owner{}, err
	}
	var o scopes.Owner
	if owner != "" {
		if o, err = scopes.ParseOwner(owner); err != nil {
			return nil, scopes.Owner{}, invalidInput(err)
		}
	}
	return m, o, nil
}

// scopesModel builds the scope model from scopes.jupyterhub_version and
// scopes.custom of the configuration, with --jupyterhub-version taking precedence.
// The configuration is read only where the root command provides --config.
func scopesModel(cmd *cobra.Command) (*scopes.Model, error) {
	version := string(scopes.Latest)
	var custom []scopes.Custom
	if cmd.Flags().Lookup("config") != nil {
		c, err := loadConfig(cmd, nil)
		if err != nil {
			return nil, invalidInput(err)
		}
		if c.Scopes.JupyterHubVersion != "" {
			version = c.Scopes.JupyterHubVersion
		}
		for _, cs := range c.Scopes.Custom {
			custom = append(custom, scopes.Custom{Name: cs.Name,
				Description: cs.Description, Subscopes: cs.Subscopes})
		}
	}
	if cmd.Flags().Changed("jupyterhub-version") {
		flag, err := cmd.Flags().GetString("jupyterhub-version")
		if err != nil {
			return nil, invalidInput(err)
		}
		version = flag
	}
	v, err := scopes.ParseVersion(version)
	if err != nil {
		return nil, invalidInput(err)
	}
	m, err := scopes.NewModel(v, custom)
	if err != nil {
		return nil, invalidInput(err)
	}
	return m, nil
}

// invalidInput wraps err for exit status 2, folding joined errors into one line.
func invalidInput(err error) error {
	return exitCode(exitInvalid, oneLineError{err})
}

// oneLineError prints an error of errors.Join on one line and keeps its chain.
type oneLineError struct{ err error }

func (e oneLineError) Error() string { return strings.ReplaceAll(e.err.Error(), "\n", "; ") }

func (e oneLineError) Unwrap() error { return e.err }

// requireScopesFlags fails with exit status 2 when a required flag was not given.
// Cobra's own required-flag check would exit with status 1, which means denied here.
func requireScopesFlags(cmd *cobra.Command, names ...string) error {
	for _, n := range names {
		if !cmd.Flags().Changed(n) {
			return exitCode(exitInvalid, fmt.Errorf("missing required flag --%s; "+
				"see %s --help", n, cmd.CommandPath()))
		}
	}
	return nil
}

// invalidScopesArgs makes an argument check fail with exit status 2.
func invalidScopesArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return exitCode(exitInvalid, err)
		}
		return nil
	}
}

func printScopes(w io.Writer, lines []string) {
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}
