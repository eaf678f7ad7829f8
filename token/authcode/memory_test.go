package authcode_test

import (
	"testing"

	"github.com/hubjwt/hubjwt/token/authcode"
	"github.com/hubjwt/hubjwt/token/authcode/storetest"
)

func TestMemoryConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) authcode.Store { return authcode.NewMemory() })
}
