package jwks_test

import (
	"testing"

	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/jwks/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) jwks.Store { return &jwks.MemoryStore{} })
}
