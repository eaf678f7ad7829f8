package redisstore_test

import (
	"testing"

	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/token/refresh"
	"github.com/hubjwt/hubjwt/token/refresh/redisstore"
	"github.com/hubjwt/hubjwt/token/refresh/storetest"
)

func TestConformance(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	storetest.Run(t, func(t *testing.T) refresh.Store { return redisstore.New(client) })
}
