// Command hubjwt runs the JupyterHub token service and its tools: minting,
// offline verification, scope checks and key management.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	cmd := newRootCmd()
	err := cmd.Execute()
	if err != nil {
		var ee *exitError
		if !asExit(err, &ee) || ee.err != nil {
			fmt.Fprintln(os.Stderr, "hubjwt: "+strings.ReplaceAll(err.Error(), "\n", "; "))
		}
	}
	os.Exit(statusOf(err))
}
