package redisstore_test

import (
	"testing"

	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/token/authcode"
	"github.com/hubjwt/hubjwt/token/authcode/redisstore"
	"github.com/hubjwt/hubjwt/token/authcode/storetest"
)

func TestConformance(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	storetest.Run(t, func(t *testing.T) authcode.Store {
		srv.FlushAll(t)
		return redisstore.New(client)
	})
}
